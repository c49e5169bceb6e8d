"""The workshop's bus tour (pure): stops, straight-line legs, schedule, `stopp` URL parameter."""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from ksg_dashboard.core import numbers
from ksg_dashboard.core.clock import parse_clock, parse_date
from ksg_dashboard.core.indicators import Headline, headline
from ksg_dashboard.core.text import cut
from ksg_dashboard.maps import layers
from ksg_dashboard.maps.layers import bounds_of

EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG)
HOST_AGS = "14627050"  # Gröditz: the tour starts and ends here
STOP_KINDS = ("Start", "Halt", "Durchfahrt", "Ziel")
COORDINATE_SITE = "Standort laut Wikipedia"
COORDINATE_CENTRE = "Gemeindemittelpunkt (Destatis)"
ROUTE_COLOUR = "#1d2630"
TIME_FORMAT = "%H:%M"


@dataclass(frozen=True)
class Stop:
    """One stop of the tour with resolved coordinates."""

    id: str
    kind: str  # one of STOP_KINDS
    site: str
    place: str
    ags: str
    lat: float
    lon: float
    coordinate_source: str
    dwell_min: int
    topic: str
    seen: str
    cooperation: str
    sources: tuple[Mapping[str, str | None], ...]
    uncertain: str


@dataclass(frozen=True)
class Tour:
    """The tour: time window, driving assumptions, stops in order."""

    title: str
    date: dt.date
    start: dt.time
    end: dt.time
    average_speed_kmh: float
    detour_factor: float
    assumptions: str
    reconstruction_note: str
    sources: tuple[Mapping[str, str | None], ...]
    stops: tuple[Stop, ...]

    @property
    def start_at(self) -> pd.Timestamp:
        """Departure of the tour as a timestamp."""
        return pd.Timestamp(dt.datetime.combine(self.date, self.start))

    @property
    def end_at(self) -> pd.Timestamp:
        """Latest arrival back at the host town (programme: 17:00)."""
        return pd.Timestamp(dt.datetime.combine(self.date, self.end))


# Required fields of a stop and of the tour in data/tour.yaml, each with its conversion.
STOP_FIELDS: dict[str, Callable] = {
    "id": str,
    "kind": str,
    "site": str,
    "place": str,
    "ags": str,
    "lat": float,
    "lon": float,
    "coordinate_source": str,
    "dwell_min": int,
    "topic": str,
    "seen": str,
    "cooperation": str,
}
TOUR_FIELDS: dict[str, Callable] = {
    "title": str,
    "date": parse_date,
    "start": parse_clock,
    "end": parse_clock,
    "average_speed_kmh": float,
    "detour_factor": float,
}


def _converted(record: Mapping, fields: Mapping[str, Callable]) -> dict:
    """The required fields of a record, each converted (KeyError if one is missing)."""
    return {name: convert(record[name]) for name, convert in fields.items()}


def _optional_text(record: Mapping, name: str) -> str:
    return str(record.get(name) or "")


def _sources(record: Mapping) -> tuple[dict, ...]:
    return tuple(dict(x) for x in record.get("sources") or ())


def tour_from_dict(data: Mapping) -> Tour:
    """A Tour from the mapping in data/tour.yaml (KeyError/ValueError/TypeError if malformed)."""
    stops = tuple(
        Stop(
            **_converted(s, STOP_FIELDS),
            sources=_sources(s),
            uncertain=_optional_text(s, "uncertain"),
        )
        for s in data["stops"]
    )
    return Tour(
        **_converted(data, TOUR_FIELDS),
        assumptions=_optional_text(data, "assumptions"),
        reconstruction_note=_optional_text(data, "reconstruction_note"),
        sources=_sources(data),
        stops=stops,
    )


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (straight-line) distance in km between two WGS84 points."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def screen_angle_deg(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Direction from point 1 to point 2 on a Web-Mercator map, degrees clockwise from north.

    Used to rotate the direction arrows: on the Mercator map a straight segment keeps this angle.
    """

    def y(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    dx, dy = math.radians(lon2 - lon1), y(lat2) - y(lat1)
    return math.degrees(math.atan2(dx, dy)) % 360


def drive_minutes(road_km: float, speed_kmh: float) -> int:
    """Driving time in whole minutes, rounded up."""
    return math.ceil(round(road_km / speed_kmh * 60, 6))


def schedule(tour: Tour) -> pd.DataFrame:
    """Arrival and departure per stop: legs are straight lines × detour factor at average speed.

    Columns: number (1-based), id, kind, place, site, ags, lat, lon, coordinate_source,
    cooperation, topic, dwell_min, leg_km (straight line from the previous stop), road_km,
    drive_min, arrival, departure.
    """
    rows = []
    clock = tour.start_at
    previous: Stop | None = None
    for number, stop in enumerate(tour.stops, start=1):
        leg = (
            0.0
            if previous is None
            else haversine_km(previous.lat, previous.lon, stop.lat, stop.lon)
        )
        road = leg * tour.detour_factor
        drive = 0 if previous is None else drive_minutes(road, tour.average_speed_kmh)
        arrival = clock + pd.Timedelta(minutes=drive)
        departure = arrival + pd.Timedelta(minutes=stop.dwell_min)
        rows.append(
            {
                "number": number,
                "id": stop.id,
                "kind": stop.kind,
                "place": stop.place,
                "site": stop.site,
                "ags": stop.ags,
                "lat": stop.lat,
                "lon": stop.lon,
                "coordinate_source": stop.coordinate_source,
                "cooperation": stop.cooperation,
                "topic": stop.topic,
                "dwell_min": stop.dwell_min,
                "leg_km": leg,
                "road_km": road,
                "drive_min": drive,
                "arrival": arrival,
                "departure": departure,
            }
        )
        clock, previous = departure, stop
    return pd.DataFrame(rows)


def total_distance_km(plan: pd.DataFrame) -> tuple[float, float]:
    """Total straight-line and estimated road distance of the tour in km."""
    return float(plan["leg_km"].sum()), float(plan["road_km"].sum())


def check_schedule(tour: Tour, plan: pd.DataFrame) -> list[str]:
    """Problems with the tour's order and times (empty list: consistent), in German.

    Checks: at least two stops; starts with „Start“ and ends with „Ziel“, both in Gröditz; the
    first departure is the tour start; no stop ends before it begins and none overlaps the next;
    everything happens inside the programme's window; a „Durchfahrt“ has no dwell time.
    """
    problems: list[str] = []
    if len(plan) < 2:
        return ["Die Rundfahrt braucht mindestens zwei Halte."]
    first, last = plan.iloc[0], plan.iloc[-1]
    if first["kind"] != "Start" or last["kind"] != "Ziel":
        problems.append("Der erste Halt muss „Start“, der letzte „Ziel“ sein.")
    inner = plan.iloc[1:-1]
    if not inner["kind"].isin(["Halt", "Durchfahrt"]).all():
        problems.append("Zwischenhalte müssen „Halt“ oder „Durchfahrt“ sein.")
    if first["ags"] != HOST_AGS or last["ags"] != HOST_AGS:
        problems.append("Start und Ziel müssen in Gröditz (14627050) liegen.")
    if first["departure"] != tour.start_at:
        problems.append(f"Die Abfahrt muss um {tour.start:%H:%M} Uhr sein.")
    for row in plan.itertuples():
        if row.departure < row.arrival:
            problems.append(f"Halt {row.number}: Abfahrt vor Ankunft.")
        if row.arrival < tour.start_at or row.departure > tour.end_at:
            problems.append(
                f"Halt {row.number} ({row.place}) liegt außerhalb von "
                f"{tour.start:%H:%M}–{tour.end:%H:%M} Uhr."
            )
        if row.kind == "Durchfahrt" and row.dwell_min:
            problems.append(f"Halt {row.number}: eine Durchfahrt hat keinen Aufenthalt.")
    for before, after in itertools.pairwise(plan.itertuples()):
        if after.arrival < before.departure:
            problems.append(f"Halt {after.number} beginnt, bevor Halt {before.number} endet.")
    return problems


def buffer_minutes(tour: Tour, plan: pd.DataFrame) -> int:
    """Minutes between the computed arrival back in Gröditz and the programme's arrival time."""
    return int((tour.end_at - plan["arrival"].iloc[-1]).total_seconds() // 60)


def stop_from_param(value: str | None, n_stops: int) -> tuple[int | None, str | None]:
    """The 0-based stop index for the URL value `stopp` (1-based); bad values give a German note."""
    if value is None or not str(value).strip():
        return None, None
    text = str(value).strip()
    if re.fullmatch(r"[0-9]{1,4}", text) and 1 <= int(text) <= n_stops:
        return int(text) - 1, None
    return None, (
        f"stopp={cut(value)} wurde ignoriert (erlaubt: 1 bis {n_stops}); "
        "gezeigt wird die ganze Route."
    )


def stop_param(index: int | None) -> str | None:
    """The URL value `stopp` for a 0-based stop index (None: whole route, no parameter)."""
    return None if index is None else str(index + 1)


def next_stop(index: int | None, n_stops: int) -> int:
    """The stop after `index` (the first one from the whole-route view; stays at the last)."""
    return 0 if index is None else min(index + 1, n_stops - 1)


def previous_stop(index: int | None) -> int | None:
    """The stop before `index` (stays at the first; None stays None)."""
    return None if index is None else max(index - 1, 0)


def clock_label(value: pd.Timestamp) -> str:
    """'14:05' for a timestamp."""
    return value.strftime(TIME_FORMAT)


def time_label(row: pd.Series | object) -> str:
    """When the bus is at a stop, in words: 'Abfahrt 14:00', 'Ankunft 16:53', '14:12–14:27'."""
    kind = row["kind"] if isinstance(row, pd.Series) else row.kind
    arrival = row["arrival"] if isinstance(row, pd.Series) else row.arrival
    departure = row["departure"] if isinstance(row, pd.Series) else row.departure
    if kind == "Start":
        return f"Abfahrt {clock_label(departure)}"
    if kind == "Ziel":
        return f"Ankunft {clock_label(arrival)}"
    if kind == "Durchfahrt":
        return f"Durchfahrt {clock_label(arrival)}"
    return f"{clock_label(arrival)}–{clock_label(departure)}"


def attribution(tour: Tour) -> str:
    """One line naming what the route rests on (shown under the page)."""
    titles = "; ".join(str(source.get("title")) for source in tour.sources)
    return (
        f"Rekonstruktion dieses Dashboards auf Grundlage von: {titles}. Die Halte sind nicht "
        "belegt; die Quellen zu jedem Halt stehen in der Halt-Ansicht."
    )


def municipality_figures(population: pd.DataFrame, ags: Sequence[str]) -> dict[str, Headline]:
    """Key figures (latest population, change since 2012) for each stop's municipality."""
    return {key: headline(population, [key]) for key in dict.fromkeys(ags)}


def figures_after_change(
    population: pd.DataFrame, figures: Mapping[str, Headline]
) -> dict[str, Headline]:
    """For municipalities whose territory changed since 2012: the change since the last change.

    Gröditz incorporated a neighbour in 2013, so its change since 2012 mixes incorporation and
    trend; the change since 2013 is the trend the presenter can talk about.
    """
    return {
        ags: headline(
            population, [ags], base_year=max(year for _, year in figure.territorial_changes)
        )
        for ags, figure in figures.items()
        if figure.territorial_changes
    }


german_number = numbers.number  # '7.792', '−7,1', '+258'; '–' for missing values


def format_km(value: float) -> str:
    """'12,3 km' (German decimal comma)."""
    return f"{german_number(value, 1)} km"


def stop_table(
    plan: pd.DataFrame,
    figures: Mapping[str, Headline],
    cooperation_names: Mapping[str, str],
    active: int | None,
) -> pd.DataFrame:
    """The stop list as shown on the page: German text columns, ▶ marks the highlighted stop.

    Values are formatted here (decimal comma) so the table reads the same in every browser
    locale; a change since 2012 that includes a territorial change is marked with ¹.
    """
    year = next((f.year for f in figures.values()), "")
    rows = []
    for index, row in enumerate(plan.itertuples()):
        figure = figures.get(row.ags)
        change = "–"
        if figure is not None and figure.change_pct is not None:
            change = f"{german_number(figure.change_pct, 1, signed=True)} %"
            change += "¹" if figure.territorial_changes else ""
        rows.append(
            {
                " ": "▶" if index == active else "",
                "Nr.": str(row.number),
                "Zeit": time_label(row),
                "Ort": row.place,
                f"Einw. {year}".strip(): german_number(figure.population if figure else None),
                "± seit 2012": change,
                "Etappe (Luftlinie)": format_km(row.leg_km) if index else "–",
                "Fahrt": f"{row.drive_min} min" if index else "–",
                "Thema": row.topic,
                "Kooperation": cooperation_names.get(row.cooperation, row.cooperation),
                "Standort": row.site,
            }
        )
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class TourData:
    """Everything the tour page shows, computed once per process (shared read-only)."""

    tour: Tour
    plan: pd.DataFrame  # schedule: one row per stop
    problems: tuple[str, ...]  # consistency problems of the schedule (empty: consistent)
    members: gpd.GeoDataFrame  # member municipalities of the toured cooperations
    outlines: gpd.GeoDataFrame  # dissolved outline per cooperation
    context: gpd.GeoDataFrame  # other municipalities around the route (grey)
    states: gpd.GeoDataFrame
    districts: gpd.GeoDataFrame
    colours: dict[str, str]  # cooperation id -> colour (same as on the overview map)
    cooperation_names: dict[str, str]  # cooperation id -> short name
    figures: dict[str, Headline]  # AGS -> key figures of each stop's municipality
    figures_after_change: dict[str, Headline]  # AGS -> change since its last territorial change


def route_bounds(
    plan: pd.DataFrame, members: gpd.GeoDataFrame
) -> tuple[tuple[float, float], tuple[float, float]]:
    """A view that shows every stop and both cooperation areas."""
    south, west = plan["lat"].min(), plan["lon"].min()
    north, east = plan["lat"].max(), plan["lon"].max()
    area = bounds_of(members, margin=0.03)
    if area is not None:
        (s, w), (n, e) = area
        south, west, north, east = min(south, s), min(west, w), max(north, n), max(east, e)
    return (south, west), (north, east)


def build_tour_data(
    the_tour: Tour,
    cooperations: Sequence[Mapping],
    shapes: gpd.GeoDataFrame,
    latest: pd.DataFrame,
    population: pd.DataFrame,
    states: gpd.GeoDataFrame,
    districts: gpd.GeoDataFrame,
) -> TourData:
    """The tour page's view model: schedule, map layers around the route and key figures."""
    plan = schedule(the_tour)
    toured = {s.cooperation for s in the_tour.stops}
    members = layers.region_members([c for c in cooperations if c["id"] in toured], shapes, latest)
    bounds = route_bounds(plan, members)
    context = layers.in_view(shapes, bounds)
    context = context[~context["ags"].isin(set(members["ags"]))]
    context = layers.with_population_label(context[["ags", "name", "geometry"]], latest)
    figures = municipality_figures(population, [s.ags for s in the_tour.stops])
    return TourData(
        tour=the_tour,
        plan=plan,
        problems=tuple(check_schedule(the_tour, plan)),
        members=members,
        outlines=layers.region_outlines(members),
        context=context,
        states=states,
        districts=layers.in_view(districts, bounds),
        colours=layers.region_colours(cooperations),
        cooperation_names={c["id"]: c["short_name"] for c in cooperations},
        figures=figures,
        figures_after_change=figures_after_change(population, figures),
    )
