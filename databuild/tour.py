"""Validate the hand-curated tour (curated/tour.yaml), resolve missing coordinates, write YAML."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from databuild.curated import write_yaml
from databuild.curated_yaml import read_yaml
from ksg_dashboard.core.clock import parse_clock, parse_date
from ksg_dashboard.core.validation import AGS_PATTERN, DataValidationError, check_in_germany
from ksg_dashboard.tour.model import (
    COORDINATE_CENTRE,
    COORDINATE_SITE,
    HOST_AGS,
    STOP_KINDS,
    check_schedule,
    schedule,
    tour_from_dict,
)

TOUR_FIELDS = (
    "title",
    "date",
    "start",
    "end",
    "average_speed_kmh",
    "detour_factor",
    "assumptions",
    "reconstruction_note",
    "sources",
    "stops",
)
STOP_FIELDS = (
    "id",
    "kind",
    "site",
    "place",
    "ags",
    "lat",
    "lon",
    "dwell_min",
    "topic",
    "seen",
    "cooperation",
    "sources",
    "uncertain",
)
TEXT_FIELDS = ("id", "site", "place", "topic", "seen", "uncertain")
SPEED_RANGE_KMH = (10.0, 100.0)
DETOUR_RANGE = (1.0, 2.0)
HEADER = (
    "Erzeugt aus curated/tour.yaml (databuild/tour.py): REKONSTRUIERTE Route der Rundfahrt am\n"
    "11.03.2019; fehlende Standortkoordinaten sind Gemeindemittelpunkte (coordinate_source)."
)


def _has_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _load_mapping(path: str | Path) -> dict[str, Any]:
    return read_yaml(path, dict, "a mapping with tour fields and stops")


def _check_sources(sources: Any, where: str, problems: list[str]) -> list[dict[str, Any]]:
    if not isinstance(sources, list) or not sources:
        problems.append(f"{where}: no sources")
        return []
    result = []
    for index, source in enumerate(sources):
        if not isinstance(source, dict) or not _has_text(source.get("title")):
            problems.append(f"{where}: sources[{index}] has no title")
            continue
        url = source.get("url")
        if url is not None and not (
            _has_text(url) and str(url).startswith(("http://", "https://"))
        ):
            problems.append(f"{where}: sources[{index}] url {url!r} is not a web address")
        result.append({key: source[key] for key in ("title", "url", "note") if key in source})
    return result


def _check_tour_fields(file: str, data: dict[str, Any], problems: list[str]) -> None:
    for field in TOUR_FIELDS:
        if field not in data:
            problems.append(f"tour: field {field!r} is missing")
    try:
        parse_date(data.get("date"))
        start, end = parse_clock(data.get("start")), parse_clock(data.get("end"))
        if start >= end:
            problems.append("tour: start must be before end")
    except (TypeError, ValueError) as error:
        problems.append(f"tour: {error}")
    speed, detour = data.get("average_speed_kmh"), data.get("detour_factor")
    if not _is_number(speed) or not SPEED_RANGE_KMH[0] <= speed <= SPEED_RANGE_KMH[1]:
        problems.append(f"tour: average_speed_kmh {speed!r} not in {SPEED_RANGE_KMH}")
    if not _is_number(detour) or not DETOUR_RANGE[0] <= detour <= DETOUR_RANGE[1]:
        problems.append(f"tour: detour_factor {detour!r} not in {DETOUR_RANGE}")
    for field in ("title", "assumptions", "reconstruction_note"):
        if field in data and not _has_text(data.get(field)):
            problems.append(f"tour: {field} is empty")


def _resolve_stop(
    file: str,
    stop: dict[str, Any],
    where: str,
    register: pd.DataFrame,
    cooperation_ids: set[str],
    problems: list[str],
) -> dict[str, Any]:
    """Check one stop and return it with coordinates, their source and the official name."""
    for field in STOP_FIELDS:
        if field not in stop:
            problems.append(f"{where}: field {field!r} is missing")
    for field in TEXT_FIELDS:
        if field in stop and not _has_text(stop.get(field)):
            problems.append(f"{where}: {field} is empty")
    if stop.get("kind") not in STOP_KINDS:
        problems.append(f"{where}: kind {stop.get('kind')!r} not one of {STOP_KINDS}")
    dwell = stop.get("dwell_min")
    if not isinstance(dwell, int) or isinstance(dwell, bool) or dwell < 0:
        problems.append(f"{where}: dwell_min {dwell!r} is not a whole number of minutes ≥ 0")
    if stop.get("cooperation") not in cooperation_ids:
        problems.append(f"{where}: unknown cooperation {stop.get('cooperation')!r}")
    sources = _check_sources(stop.get("sources"), where, problems)

    ags = stop.get("ags")
    official_name, centre = None, None
    if not isinstance(ags, str) or not AGS_PATTERN.match(ags):
        problems.append(f"{where}: AGS {ags!r} is not a quoted 8-digit string")
    elif ags not in register.index:
        problems.append(f"{where}: AGS {ags} is not in the municipality register")
    else:
        official_name = str(register.at[ags, "name"])
        centre = (register.at[ags, "lat"], register.at[ags, "lon"])

    lat, lon = stop.get("lat"), stop.get("lon")
    if lat is None and lon is None:
        source = COORDINATE_CENTRE
        if centre is None or pd.isna(centre[0]) or pd.isna(centre[1]):
            problems.append(f"{where}: no coordinates and no municipality centre for {ags}")
            lat = lon = None
        else:
            lat, lon = round(float(centre[0]), 6), round(float(centre[1]), 6)
    elif _is_number(lat) and _is_number(lon):
        source = COORDINATE_SITE
        lat, lon = float(lat), float(lon)
    else:
        problems.append(f"{where}: lat/lon must both be numbers or both be null")
        source, lat, lon = COORDINATE_SITE, None, None
    if lat is not None and lon is not None:
        try:
            check_in_germany(file, [lon], [lat])
        except DataValidationError as error:
            problems.append(f"{where}: {error.problem}")

    return {
        **{field: stop.get(field) for field in STOP_FIELDS},
        "lat": lat,
        "lon": lon,
        "coordinate_source": source,
        "official_name": official_name,
        "sources": sources,
        "uncertain": str(stop.get("uncertain") or "").strip(),
    }


def build_tour(
    curated_path: str | Path, register: pd.DataFrame, cooperation_ids: Iterable[str]
) -> dict[str, Any]:
    """Validate the curated tour and return it with every stop's coordinates resolved.

    `register` (columns ags, name, lat, lon) is the municipality register; stops without
    coordinates get their municipality's centre, flagged in `coordinate_source`. Raises
    DataValidationError when a field is missing, an AGS is unknown, coordinates lie outside
    Germany, ids repeat, a cooperation id is unknown, the tour does not start and end in
    Gröditz, or the computed schedule does not fit the programme's time window.
    """
    file = str(curated_path)
    data = _load_mapping(curated_path)
    missing = {"ags", "name", "lat", "lon"} - set(register.columns)
    if missing:
        raise DataValidationError(file, f"municipality register lacks columns {sorted(missing)}")
    known = register.drop_duplicates("ags", keep="last").set_index("ags")
    problems: list[str] = []
    _check_tour_fields(file, data, problems)
    tour_sources = _check_sources(data.get("sources"), "tour", problems)

    raw_stops = data.get("stops")
    if not isinstance(raw_stops, list) or len(raw_stops) < 2:
        problems.append("tour: stops must be a list of at least two stops")
        raw_stops = []
    ids = set(cooperation_ids)
    stops, seen = [], set()
    for position, stop in enumerate(raw_stops, start=1):
        if not isinstance(stop, dict):
            problems.append(f"stop {position}: not a mapping")
            continue
        where = f"stop {position} ({stop.get('id')})"
        if stop.get("id") in seen:
            problems.append(f"{where}: duplicate id")
        seen.add(stop.get("id"))
        stops.append(_resolve_stop(file, stop, where, known, ids, problems))
    if stops:
        first, last = stops[0], stops[-1]
        if first.get("kind") != "Start" or first.get("ags") != HOST_AGS:
            problems.append(f"stop 1: the tour must start in Gröditz ({HOST_AGS}), kind Start")
        if last.get("kind") != "Ziel" or last.get("ags") != HOST_AGS:
            problems.append(
                f"stop {len(stops)}: the tour must end in Gröditz ({HOST_AGS}), kind Ziel"
            )
    if problems:
        raise DataValidationError(file, "; ".join(problems))

    result = {
        **{field: data[field] for field in TOUR_FIELDS if field not in ("sources", "stops")},
        "date": parse_date(data["date"]).isoformat(),
        "sources": tour_sources,
        "stops": stops,
    }
    tour = tour_from_dict(result)
    schedule_problems = check_schedule(tour, schedule(tour))
    if schedule_problems:
        raise DataValidationError(file, "schedule: " + " ".join(schedule_problems))
    return result


def write_tour(tour: dict[str, Any], path: str | Path) -> Path:
    """Write the built tour as UTF-8 YAML with a header naming its source."""
    return write_yaml(tour, path, HEADER)  # type: ignore[arg-type]  # a mapping dumps as well
