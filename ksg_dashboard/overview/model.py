"""The overview map and details panel for a selection (pure: frames in, map/dicts out)."""

from __future__ import annotations

from dataclasses import dataclass

import folium
import geopandas as gpd
import pandas as pd

from ksg_dashboard.core import palette
from ksg_dashboard.core.config import STATE_NAMES
from ksg_dashboard.core.indicators import Headline, territory_headline, union_headline
from ksg_dashboard.core.selection import Selection
from ksg_dashboard.data.packed_shapes import PackedShapes
from ksg_dashboard.maps import builders as maps
from ksg_dashboard.maps import layers as mapdata

HOST_AGS = "14627050"  # Gröditz, host of the workshop
HOST_LABEL = "Gröditz (Gastgeber)"
MAX_CONTEXT_MUNICIPALITIES = 400
# Regions with more members (a planner's list of a whole state or of Germany) are drawn as one
# outline from the coarse polygons instead of member by member: a map of all 10,993
# municipalities took 22 s to build and 22 MB, the outline 1.5 s and under 1 MB.
MAX_DRAWN_MEMBERS = 300
MAX_LABELS = 80  # member names drawn at regional zoom
LegendItems = list[tuple[str, str]]
HATCH_LEGEND = "Schraffiert: Mitglied einer zweiten Kooperation"


@dataclass(frozen=True)
class OverviewData:
    """Everything the overview needs, loaded once per process."""

    shapes: PackedShapes  # municipality polygons, regional detail
    shapes_overview: PackedShapes  # municipality polygons, Germany-wide detail
    states: gpd.GeoDataFrame
    districts: gpd.GeoDataFrame
    register: pd.DataFrame
    population: pd.DataFrame
    latest: pd.DataFrame  # ags, year, population
    cooperations: list[dict]
    measures: list[dict]


def _members_of(groups: list[dict]) -> set[str]:
    """Every member AGS of these cooperations or measures."""
    return {ags for group in groups for ags in group["member_ags"]}


def selection_shapes(data: OverviewData, ags: list[str]) -> gpd.GeoDataFrame:
    """Polygons of the selected municipalities (those that exist in the 2016 boundaries)."""
    return data.shapes.select(ags)


def scope_label(data: OverviewData, selection: Selection) -> str:
    """What the figures (and the map) refer to, in words: every active part (the figures are
    their union)."""
    parts = [(cooperation_by_id(data, r) or {}).get("short_name", r) for r in selection.regions] + [
        STATE_NAMES[s] for s in selection.states
    ]
    if selection.ags:
        names = data.register.set_index("ags")["name"]
        parts.append(str(names.get(selection.ags, selection.ags)))
    if len(parts) > 1:
        return " + ".join(parts) + " (zusammen, jede Gemeinde einmal)"
    return parts[0] if parts else "Deutschland"


def labelled_regions(data: OverviewData, selection: Selection) -> list[str]:
    """Regions whose members are named on the map: the selected ones, or those of the
    selected municipality."""
    if selection.ags:
        return [c["id"] for c in regions_of(data, selection.ags)]
    return list(selection.regions)


def _selection_view(
    data: OverviewData, selection: Selection, ags: list[str]
) -> tuple[gpd.GeoDataFrame, tuple[tuple, tuple] | None]:
    """The selected municipalities' shapes and the bounds to fit (coarse shapes and a small
    margin for a selection too large to draw in detail)."""
    selected = selection_shapes(data, ags)
    bounds = mapdata.bounds_of(selected, margin=0.25 if selection.ags else 0.08)
    if len(ags) > MAX_DRAWN_MEMBERS:
        selected = data.shapes_overview.select(ags)
        bounds = mapdata.bounds_of(selected, margin=0.02)
    return selected, bounds


def _add_context(
    fmap: folium.Map,
    data: OverviewData,
    bounds: tuple[tuple, tuple] | None,
    drawn: set[str],
) -> None:
    """State outlines; in view also district outlines and the other municipalities (not in
    `drawn`) as clickable neighbours when few enough."""
    maps.add_outlines(fmap, data.states[["geometry"]], maps.OUTLINE_STATE, "Länder")
    if bounds is None:
        return
    districts = mapdata.in_view(data.districts, bounds)
    maps.add_outlines(fmap, districts[["geometry"]], maps.OUTLINE_DISTRICT, "Kreise")
    context = data.shapes.in_view(bounds)
    context = context[~context["ags"].isin(drawn)]
    # Clickable neighbours only for a regional view: a selection spread over Germany
    # would put thousands of polygons into the page.
    if len(context) <= MAX_CONTEXT_MUNICIPALITIES:
        context = mapdata.with_population_label(context[["ags", "name", "geometry"]], data.latest)
        maps.add_context_municipalities(fmap, context)


def _add_member_names(
    fmap: folium.Map,
    data: OverviewData,
    selection: Selection,
    members: gpd.GeoDataFrame,
    presenter: bool,
) -> None:
    """The names of the selected regions' members (not Gröditz: the host star names it),
    when there are few enough to read."""
    named = members[members["region"].isin(labelled_regions(data, selection))]
    named = named[named["ags"] != HOST_AGS]
    if 0 < named["ags"].nunique() <= MAX_LABELS:
        size = maps.LABEL_PX_PRESENTER if presenter else maps.LABEL_PX
        maps.add_member_labels(fmap, named, size)


def build_view(
    data: OverviewData,
    selection: Selection,
    ags: list[str],
    online_tiles: bool = False,
    associations: tuple[gpd.GeoDataFrame, pd.DataFrame] | None = None,
    presenter: bool = False,
) -> tuple[folium.Map, LegendItems]:
    """Regions in colour, programme municipalities, host star; fitted to the selection; and
    the legend of what is in view.

    `associations` (outlines and bodies) adds the Gemeindeverbände of the outlines latest
    year: all of Germany for the Germany view, otherwise those in view. At regional zoom the
    members of the selected regions are named (18 px in presenter mode).
    """
    drawn = [c for c in data.cooperations if len(c["member_ags"]) <= MAX_DRAWN_MEMBERS]
    large = [c for c in data.cooperations if len(c["member_ags"]) > MAX_DRAWN_MEMBERS]
    members = mapdata.region_members(drawn, data.shapes.select(_members_of(drawn)), data.latest)
    outlines = mapdata.region_outlines(members)
    # Programme municipalities are spread over Germany: the coarse level keeps the payload small.
    measure_members = mapdata.measure_members(
        data.measures,
        data.shapes_overview.select(_members_of(data.measures)),
        data.latest,
        exclude=members["ags"],
    )
    points = mapdata.measure_points(data.measures)
    selected, bounds = _selection_view(data, selection, ags)
    fmap = maps.base_map(bounds, online_tiles=online_tiles)
    _add_context(fmap, data, bounds, set(members["ags"]) | set(measure_members["ags"]))
    maps.add_measures(fmap, measure_members, points)
    maps.add_regions(fmap, members, outlines)
    if large:
        colours = mapdata.region_colours(data.cooperations)
        large_members = data.shapes_overview.select(_members_of(large))
        maps.add_region_areas(fmap, mapdata.area_outlines(large, large_members, colours))
    if associations is not None:
        outlines_all, bodies = associations
        year = int(outlines_all["year"].max())
        layer = mapdata.association_outlines(outlines_all, bodies, year, bounds)
        maps.add_associations(fmap, layer)
    maps.add_selected_states(fmap, data.states[data.states["state_key"].isin(selection.states)])
    # The bold outline marks the chosen municipality (the other parts have their own marks).
    maps.add_selected(fmap, selected if selection.ags else selected.iloc[:0])
    if bounds is not None:
        _add_member_names(fmap, data, selection, members, presenter)
    host = data.register.set_index("ags").loc[HOST_AGS]
    host_at = (float(host["lat"]), float(host["lon"]))
    maps.add_host(fmap, *host_at, HOST_LABEL)
    fmap.add_child(maps.MapScope(scope_label(data, selection)))
    legend = legend_in_view(data, bounds, members, outlines, measure_members, points, host_at)
    if large:
        legend += [(colours[c["id"]], c["short_name"]) for c in large]
    return fmap, legend


def legend_in_view(
    data: OverviewData,
    bounds: tuple[tuple, tuple] | None,
    members: gpd.GeoDataFrame,
    outlines: gpd.GeoDataFrame,
    measure_members: gpd.GeoDataFrame,
    points: pd.DataFrame,
    host_at: tuple[float, float],
) -> LegendItems:
    """Legend entries for what the map shows in its view (all of Germany without bounds)."""

    def visible(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        return frame if bounds is None or frame.empty else mapdata.in_view(frame, bounds)

    def inside(lat: float, lon: float) -> bool:
        if bounds is None:
            return True
        (south, west), (north, east) = bounds
        return south <= lat <= north and west <= lon <= east

    shown = set(visible(outlines)["region"]) if not outlines.empty else set()
    colours = mapdata.region_colours(data.cooperations)
    items = [(colours[c["id"]], c["short_name"]) for c in data.cooperations if c["id"] in shown]
    if not members.empty:
        _, further = maps.split_memberships(visible(members))
        if not further.empty:
            items.append(("hatch:" + further["colour"].iloc[0], HATCH_LEGEND))
    measures_shown = not visible(measure_members).empty or any(
        inside(lat, lon) for lat, lon in zip(points["lat"], points["lon"], strict=True)
    )
    if measures_shown:
        items.append((palette.MEASURE_COLOUR, "Weitere Programmkommunen (Praxisbeispiele)"))
    if inside(*host_at):
        items.append(("star:" + palette.HOST_COLOUR, "Gröditz: Gastgeber"))
    return items


def headline_for(data: OverviewData, selection: Selection, ags: list[str]) -> Headline:
    """Key figures for the selection: those of the union of its municipalities (each counted
    once, see `union_headline`), whatever combination of chips produced it.

    Germany and wholly covered states are territories: each year counts the municipalities
    that existed then, so mergers do not break the sums. Other AGS are fixed sets.
    """
    if selection.is_empty:
        return territory_headline(data.population)
    return union_headline(data.population, ags)


def member_table(data: OverviewData, ags: list[str]) -> pd.DataFrame:
    """Per selected municipality: name, AGS, population latest and 2012, change in %."""
    pop = data.population
    latest_year = int(pop["year"].max())
    now = pop[pop["year"] == latest_year].set_index("ags")["population"]
    base = pop[pop["year"] == 2012].set_index("ags")["population"]
    names = data.register.set_index("ags")["name"]
    rows = []
    for key in ags:
        value_now = now.get(key)
        value_base = base.get(key)
        pct = None
        if value_now is not None and value_base is not None and pd.notna(value_now) and value_base:
            pct = round((value_now - value_base) / value_base * 100, 1)
        rows.append(
            {
                "Gemeinde": names.get(key, "unbekannt"),
                "AGS": key,
                f"Einw. {latest_year}": value_now,
                "Einw. 2012": value_base,
                "± %": pct,
            }
        )
    return pd.DataFrame(rows)


def cooperation_by_id(data: OverviewData, region: str) -> dict | None:
    """The cooperation record with that id."""
    return next((c for c in data.cooperations if c["id"] == region), None)


def regions_of(data: OverviewData, ags: str) -> list[dict]:
    """Cooperations a municipality belongs to."""
    return [c for c in data.cooperations if ags in c["member_ags"]]
