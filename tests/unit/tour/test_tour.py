"""Tests for the tour: distances, schedule, `stopp` parameter, build validation, map and chart."""

from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from databuild.tour import build_tour, write_tour
from ksg_dashboard.core.config import REPO_ROOT
from ksg_dashboard.core.validation import DataValidationError
from ksg_dashboard.data.datastore import (
    read_cooperations,
    read_municipalities,
    read_municipality_shapes,
    read_population,
    read_tour,
)
from ksg_dashboard.maps import layers as mapdata
from ksg_dashboard.tour import charts as tour_charts
from ksg_dashboard.tour import model as tour

CURATED = REPO_ROOT / "curated" / "tour.yaml"
DATA = REPO_ROOT / "data" / "tour.yaml"
GROEDITZ = "14627050"


@pytest.fixture(scope="module")
def register() -> pd.DataFrame:
    return read_municipalities()


@pytest.fixture(scope="module")
def cooperation_ids() -> list[str]:
    return [c["id"] for c in read_cooperations()]


@pytest.fixture(scope="module")
def real_tour() -> tour.Tour:
    return read_tour()


def make_stop(stop_id: str, kind: str, lat: float, lon: float, dwell: int = 0, ags: str = GROEDITZ):
    return tour.Stop(
        id=stop_id,
        kind=kind,
        site="Ort",
        place=stop_id,
        ags=ags,
        lat=lat,
        lon=lon,
        coordinate_source=tour.COORDINATE_SITE,
        dwell_min=dwell,
        topic="Thema",
        seen="Text",
        cooperation="region-in-bewegung",
        sources=({"title": "Quelle", "url": None},),
        uncertain="nicht belegt",
    )


def make_tour(*stops: tour.Stop, speed: float = 60.0, detour: float = 1.0) -> tour.Tour:
    return tour.Tour(
        title="Test",
        date=dt.date(2019, 3, 11),
        start=dt.time(14, 0),
        end=dt.time(17, 0),
        average_speed_kmh=speed,
        detour_factor=detour,
        assumptions="",
        reconstruction_note="",
        sources=(),
        stops=stops,
    )


# --- distances -----------------------------------------------------------------------------------

ONE_DEGREE_KM = 2 * math.pi * tour.EARTH_RADIUS_KM / 360  # 111.195 km


@pytest.mark.parametrize(
    ("a", "b", "expected_km"),
    [
        ((0.0, 0.0), (1.0, 0.0), ONE_DEGREE_KM),  # along a meridian
        ((0.0, 0.0), (0.0, 1.0), ONE_DEGREE_KM),  # along the equator
        ((0.0, 13.0), (90.0, 13.0), ONE_DEGREE_KM * 90),  # equator to pole
        ((51.0, 13.0), (51.0, 13.0), 0.0),
    ],
)
def test_haversine_matches_arc_lengths(a, b, expected_km):
    assert tour.haversine_km(*a, *b) == pytest.approx(expected_km, rel=1e-9, abs=1e-9)


def test_haversine_leg_groeditz_elsterwerda_matches_hand_calculation():
    # By hand (equirectangular, good to ~0.1 % over 7 km): Δlat 0.042077° = 4.679 km,
    # Δlon 0.076589° × cos(51.433°) × 111.195 = 5.312 km → √(4.679² + 5.312²) = 7.079 km.
    distance = tour.haversine_km(51.412323, 13.447811, 51.4544, 13.5244)
    assert distance == pytest.approx(7.079, abs=0.01)
    assert distance == pytest.approx(tour.haversine_km(51.4544, 13.5244, 51.412323, 13.447811))


@pytest.mark.parametrize(
    ("target", "angle"),
    [((52.0, 13.0), 0.0), ((51.0, 14.0), 90.0), ((50.0, 13.0), 180.0), ((51.0, 12.0), 270.0)],
)
def test_screen_angle_points_the_arrows(target, angle):
    assert tour.screen_angle_deg(51.0, 13.0, *target) == pytest.approx(angle, abs=1e-9)


def test_drive_minutes_round_up_to_whole_minutes():
    assert tour.drive_minutes(10.0, 50.0) == 12  # exactly 12 minutes stays 12
    assert tour.drive_minutes(9.2, 50.0) == 12  # 11.04 → 12
    assert tour.drive_minutes(0.0, 50.0) == 0


# --- schedule ------------------------------------------------------------------------------------


def test_schedule_adds_driving_and_dwell_times():
    start = make_stop("a", "Start", 51.0, 13.0)
    visit = make_stop("b", "Halt", 52.0, 13.0, dwell=10)  # 111.195 km north
    end = make_stop("c", "Ziel", 51.0, 13.0)
    plan = tour.schedule(make_tour(start, visit, end, speed=120.0, detour=1.1))
    # 111.195 km × 1.1 = 122.31 km at 120 km/h = 61.2 min → 62 min
    assert plan["drive_min"].tolist() == [0, 62, 62]
    assert [tour.clock_label(t) for t in plan["arrival"]] == ["14:00", "15:02", "16:14"]
    assert [tour.clock_label(t) for t in plan["departure"]] == ["14:00", "15:12", "16:14"]
    straight, road = tour.total_distance_km(plan)
    assert straight == pytest.approx(2 * ONE_DEGREE_KM)
    assert road == pytest.approx(2 * ONE_DEGREE_KM * 1.1)
    assert tour.check_schedule(make_tour(start, visit, end, speed=120.0, detour=1.1), plan) == []


def test_check_schedule_finds_a_tour_that_ends_too_late():
    the_tour = make_tour(
        make_stop("a", "Start", 51.0, 13.0),
        make_stop("b", "Halt", 51.1, 13.0, dwell=170),
        make_stop("c", "Ziel", 51.0, 13.0),
    )
    problems = tour.check_schedule(the_tour, tour.schedule(the_tour))
    assert any("außerhalb von 14:00–17:00" in p for p in problems)


def test_check_schedule_finds_wrong_ends_and_dwelling_pass_through():
    the_tour = make_tour(
        make_stop("a", "Start", 51.0, 13.0, ags="12062124"),
        make_stop("b", "Durchfahrt", 51.1, 13.0, dwell=5),
        make_stop("c", "Halt", 51.0, 13.0),
    )
    problems = " ".join(tour.check_schedule(the_tour, tour.schedule(the_tour)))
    assert "Gröditz" in problems
    assert "„Ziel“" in problems
    assert "Durchfahrt hat keinen Aufenthalt" in problems


def test_check_schedule_finds_overlapping_stops():
    the_tour = make_tour(
        make_stop("a", "Start", 51.0, 13.0),
        make_stop("b", "Halt", 51.1, 13.0, dwell=10),
        make_stop("c", "Ziel", 51.0, 13.0),
    )
    plan = tour.schedule(the_tour)
    plan.loc[2, "arrival"] = plan.loc[1, "departure"] - pd.Timedelta(minutes=5)
    assert any("beginnt, bevor Halt 2 endet" in p for p in tour.check_schedule(the_tour, plan))


def test_real_tour_is_consistent(real_tour):
    plan = tour.schedule(real_tour)
    assert tour.check_schedule(real_tour, plan) == []
    assert plan["ags"].iloc[0] == GROEDITZ and plan["ags"].iloc[-1] == GROEDITZ
    assert plan["kind"].iloc[0] == "Start" and plan["kind"].iloc[-1] == "Ziel"
    assert plan["departure"].iloc[0] == pd.Timestamp("2019-03-11 14:00")
    assert (plan["arrival"] <= plan["departure"]).all()
    assert (plan["arrival"].iloc[1:].to_numpy() >= plan["departure"].iloc[:-1].to_numpy()).all()
    assert plan["arrival"].iloc[-1] <= pd.Timestamp("2019-03-11 17:00")
    assert 0 <= tour.buffer_minutes(real_tour, plan) <= 20  # a small buffer, not an idle hour
    assert len(set(plan["id"])) == len(plan)
    assert {"region-in-bewegung", "kurstadtregion-elbe-elster"} <= set(plan["cooperation"])


# --- stopp parameter -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "index"),
    [("1", 0), ("2", 1), ("7", 6), (" 3 ", 2), ("03", 2), (None, None), ("", None)],
)
def test_stop_from_param_accepts_stop_numbers(value, index):
    assert tour.stop_from_param(value, 7) == (index, None)


@pytest.mark.parametrize("value", ["0", "8", "-1", "abc", "2.5", "1e1", "٣", "99999"])
def test_stop_from_param_rejects_bad_values_with_a_note(value):
    index, note = tour.stop_from_param(value, 7)
    assert index is None
    assert note is not None and f"stopp={value}" in note and "1 bis 7" in note


def test_stop_param_round_trip_and_stepping():
    for index in range(7):
        assert tour.stop_from_param(tour.stop_param(index), 7) == (index, None)
    assert tour.stop_param(None) is None
    assert tour.next_stop(None, 7) == 0
    assert tour.next_stop(2, 7) == 3
    assert tour.next_stop(6, 7) == 6
    assert tour.previous_stop(None) is None
    assert tour.previous_stop(3) == 2
    assert tour.previous_stop(0) == 0


# --- data build ----------------------------------------------------------------------------------


def test_data_tour_is_the_build_of_the_curated_file(register, cooperation_ids):
    built = build_tour(CURATED, register, cooperation_ids)
    assert yaml.safe_load(DATA.read_text(encoding="utf-8")) == built


def test_build_resolves_missing_coordinates_to_municipality_centres(register, cooperation_ids):
    built = build_tour(CURATED, register, cooperation_ids)
    centres = register.set_index("ags")
    for stop in built["stops"]:
        if stop["coordinate_source"] == tour.COORDINATE_CENTRE:
            assert stop["lat"] == pytest.approx(centres.at[stop["ags"], "lat"], abs=1e-6)
            assert stop["lon"] == pytest.approx(centres.at[stop["ags"], "lon"], abs=1e-6)
        else:
            assert stop["coordinate_source"] == tour.COORDINATE_SITE
    elsterwerda = next(s for s in built["stops"] if s["ags"] == "12062124")
    assert (elsterwerda["lat"], elsterwerda["lon"]) == (51.4544, 13.5244)  # Schloss, researched


def test_every_stop_names_a_source_and_what_is_uncertain(real_tour):
    for stop in real_tour.stops:
        assert stop.sources and all(s.get("title") for s in stop.sources)
        assert "nicht" in stop.uncertain  # every stop says what is not verified


def write_variant(tmp_path: Path, edit) -> Path:
    data = yaml.safe_load(CURATED.read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / "tour.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d["stops"][2].update(ags="12062999"), "12062999 is not in the municipality"),
        (lambda d: d["stops"][2].update(ags="1206202"), "not a quoted 8-digit string"),
        (lambda d: d["stops"].pop(0), "must start in Gröditz"),
        (lambda d: d["stops"][-1].update(ags="12062124"), "must end in Gröditz"),
        (lambda d: d["stops"][1].update(cooperation="atlantis"), "unknown cooperation"),
        (lambda d: d["stops"][2].update(id=d["stops"][1]["id"]), "duplicate id"),
        (lambda d: d["stops"][1].update(lat=48.85, lon=2.35), "outside Germany"),
        (lambda d: d["stops"][1].update(lon=None), "both be numbers or both be null"),
        (lambda d: d.update(start=840), "quoted 'HH:MM'"),
        (lambda d: d["stops"][2].update(sources=[]), "no sources"),
        (lambda d: d["stops"][2].update(dwell_min=120), "außerhalb von 14:00–17:00"),
        (lambda d: d.update(average_speed_kmh=500), "average_speed_kmh"),
    ],
)
def test_build_rejects_broken_tours(tmp_path, register, cooperation_ids, edit, message):
    path = write_variant(tmp_path, edit)
    with pytest.raises(DataValidationError) as error:
        build_tour(path, register, cooperation_ids)
    assert message in error.value.problem
    assert error.value.file == str(path)


def test_build_reports_a_missing_file(tmp_path, register, cooperation_ids):
    with pytest.raises(DataValidationError, match="missing"):
        build_tour(tmp_path / "nope.yaml", register, cooperation_ids)


def test_write_tour_round_trip(tmp_path, register, cooperation_ids):
    built = build_tour(CURATED, register, cooperation_ids)
    path = write_tour(built, tmp_path / "tour.yaml")
    assert path.read_text(encoding="utf-8").startswith("# Erzeugt aus curated/tour.yaml")
    assert read_tour(tmp_path).stops == tour.tour_from_dict(built).stops


@pytest.mark.parametrize(
    ("content", "problem"),
    [(None, "Datei fehlt"), ("stops: [", "kein gültiges YAML"), ("title: x\n", "unvollständig")],
)
def test_read_tour_reports_broken_files(tmp_path, content, problem):
    if content is not None:
        (tmp_path / "tour.yaml").write_text(content, encoding="utf-8")
    with pytest.raises(DataValidationError, match=problem):
        read_tour(tmp_path)


# --- table, map, timeline ------------------------------------------------------------------------


def test_stop_table_marks_the_active_stop_and_formats_in_german(real_tour):
    plan = tour.schedule(real_tour)
    table = tour.stop_table(plan, {}, {"region-in-bewegung": "Region in Bewegung"}, active=1)
    assert table[" "].tolist() == ["", "▶"] + [""] * (len(plan) - 2)
    assert table["Zeit"].iloc[0] == "Abfahrt 14:00"
    assert table["Zeit"].iloc[-1].startswith("Ankunft ")
    assert table["Etappe (Luftlinie)"].iloc[0] == "–"
    assert re.fullmatch(r"\d+,\d km", table["Etappe (Luftlinie)"].iloc[1])


def test_stop_table_flags_changes_that_include_a_territorial_change(real_tour):
    plan = tour.schedule(real_tour)
    population = read_population()
    figures = tour.municipality_figures(population, plan["ags"].tolist())
    table = tour.stop_table(plan, figures, {}, active=None)
    groeditz = table.iloc[0]
    assert groeditz["± seit 2012"].endswith("¹")  # Gröditz incorporated a neighbour in 2013
    assert groeditz["Einw. 2022"] == "6.877"
    after = tour.figures_after_change(population, figures)
    assert set(after) == {GROEDITZ}
    assert after[GROEDITZ].base_year == 2013 and after[GROEDITZ].change_pct < 0


def map_html(real_tour, active):
    plan = tour.schedule(real_tour)
    cooperations = read_cooperations()
    shapes = read_municipality_shapes("regional")
    toured = {s.cooperation for s in real_tour.stops}
    latest = pd.DataFrame({"ags": [], "year": [], "population": []})
    members = mapdata.region_members([c for c in cooperations if c["id"] in toured], shapes, latest)
    fmap = tour_charts.build_tour_map(
        plan,
        members,
        mapdata.region_outlines(members),
        mapdata.region_colours(cooperations),
        active=active,
    )
    return fmap.get_root().render()


def test_map_has_route_numbered_stops_and_one_highlight(real_tour):
    html = map_html(real_tour, active=2)
    n = len(real_tour.stops)
    assert sorted(int(x) for x in re.findall(r'data-stop=\\?"(\d+)\\?"', html)) == list(
        range(1, n + 1)
    )
    assert len(re.findall(r'class=\\?"ksg-stop ksg-stop-active\\?"', html)) == 1
    assert re.search(r'ksg-stop-active\\?" data-stop=\\?"3\\?"', html)
    assert '"className": "ksg-route"' in html
    assert html.count('class=\\"ksg-arrow\\"') + html.count('class="ksg-arrow"') == n - 1
    # Leaflet core only: no icon fonts, no colormaps, no plugins from CDNs.
    assert "AwesomeMarkers" not in html and "d3.min.js" not in html and "colormap" not in html
    # zoomed to the highlighted stop
    lat, lon = real_tour.stops[2].lat, real_tour.stops[2].lon
    (south, west), (north, east) = tour_charts.stop_bounds(tour.schedule(real_tour), 2)
    assert south < lat < north and west < lon < east


def test_labels_go_left_when_a_neighbour_sits_just_east():
    plan = pd.DataFrame({"lat": [51.587, 51.594, 51.0, 51.0], "lon": [13.236, 13.2995, 13.0, 13.0]})
    # the first stop has a neighbour 4 km east; stops at the same place do not count
    assert tour_charts.label_on_left(plan) == [True, False, False, False]


def test_map_without_highlight_shows_whole_route(real_tour):
    html = map_html(real_tour, active=None)
    assert "ksg-stop-active" not in html.split("</style>")[-1]


def test_timeline_highlights_the_active_stop(real_tour):
    plan = tour.schedule(real_tour)
    colours = {"region-in-bewegung": "#E69F00", "kurstadtregion-elbe-elster": "#0072B2"}
    fig = tour_charts.make_tour_timeline(real_tour, plan, colours, {}, active=2)
    names = [trace.name for trace in fig.data]
    assert names[0] == "Fahrt (geschätzt)"
    assert any(name.startswith("Puffer bis 17:00") for name in names)
    stays = [t for t in fig.data if t.name.startswith("Halt – ")]
    numbers = sorted(int(n) for t in stays for n in t.customdata)
    assert numbers == sorted(plan.loc[plan["dwell_min"] > 0, "number"].tolist())
    for trace in stays:
        for number, opacity in zip(trace.customdata, trace.marker.opacity, strict=True):
            assert opacity == (1.0 if number == 3 else 0.35)
    assert fig.layout.yaxis.ticktext[2] == "<b>3 Bad Liebenwerda</b>"
    assert fig.layout.xaxis.tickformat == "%H:%M"
