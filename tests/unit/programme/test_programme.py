"""The workshop programme: build validation, the committed data file, links and the 'now' item."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from databuild.programme import build_programme, count_items, write_programme
from ksg_dashboard.core.config import REPO_ROOT
from ksg_dashboard.core.validation import DataValidationError
from ksg_dashboard.data import datastore
from ksg_dashboard.programme import model as programme
from ksg_dashboard.programme.panels import container_class, highlight_css, item_markdown

CURATED = REPO_ROOT / "curated" / "programme.yaml"
DATA = REPO_ROOT / "data"
COOPERATION_IDS = [
    "region-in-bewegung",
    "kurstadtregion-elbe-elster",
    "mittelbereich-templin",
    "ag-bachtal",
    "bad-berleburg",
]


@pytest.fixture(scope="module")
def data() -> dict:
    return programme.read_programme(DATA)


@pytest.fixture(scope="module")
def names() -> dict[str, str]:
    return programme.cooperation_names(datastore.read_cooperations(DATA))


def curated_copy(tmp_path: Path, change) -> Path:
    raw = yaml.safe_load(CURATED.read_text(encoding="utf-8"))
    change(raw)
    path = tmp_path / "programme.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------------
# Build and committed data
# ---------------------------------------------------------------------------------------------


def test_committed_data_is_the_build_of_the_curated_file(tmp_path, data):
    cooperations = [c["id"] for c in datastore.read_cooperations(DATA)]
    built = build_programme(CURATED, cooperations)
    assert built == data, "data/programme.yaml is stale: run python -m databuild.programme"
    written = write_programme(built, tmp_path / "programme.yaml")
    assert written.read_text(encoding="utf-8") == (DATA / "programme.yaml").read_text("utf-8")


def test_programme_as_in_the_flyer(data):
    assert [day["date"] for day in data["days"]] == ["2019-03-11", "2019-03-12"]
    starts = [[i["time"] for i in day["items"]] for day in data["days"]]
    assert starts == [
        ["12:30", "13:00", "14:00", "17:00", "17:30", "18:00", "18:30", "19:00"],
        ["09:00", "10:30", "12:30", "13:15", "13:30", "14:00"],
    ]
    assert count_items(data) == 14
    assert len(data["guiding_questions"]) == 4
    assert data["theme_tables"]["tables"] == [
        "Strategien für Netzwerke und Kooperationen",
        "Sicherung der Daseinsvorsorge im Netzwerk",
        "Prozess- und Kooperationsmanagement",
        "Externe Partner im Kooperationsprozess",
    ]
    assert data["moderation"]["name"] == "Holger Pietschmann"
    assert data["source"]["title"]


def test_end_times_come_from_the_next_item_and_the_last_items_have_none(data):
    monday, tuesday = data["days"]
    tour = programme.item_by_id(data, "mo-1400")
    assert (tour["end"], tour["end_derived"]) == ("17:00", True)
    assert monday["items"][-1]["end"] is None  # dinner: no end given
    assert tuesday["items"][-1]["end"] is None  # "Ende der Veranstaltung"
    assert programme.time_label(tour) == "14.00–17.00 Uhr"
    assert programme.time_label(tuesday["items"][0]) == "9.00–10.30 Uhr"


def test_speakers_with_role_and_organisation(data):
    opening = programme.item_by_id(data, "mo-1300")
    reinicke = opening["parts"][0]["speakers"][0]
    assert programme.speaker_label(reinicke) == "Jochen Reinicke, Bürgermeister, Stadt Gröditz"
    templin = programme.item_by_id(data, "di-0900")["parts"][0]
    assert [s["name"] for s in templin["speakers"]] == ["Frank Zimmermann", "Roland Schröder"]
    for item in programme.items(data):
        for speaker in item.get("speakers") or []:
            assert speaker.get("name") or speaker.get("organisation")


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda r: r["days"][0]["items"][2].update(time="12:45"), "times not ascending"),
        (lambda r: r["days"][0]["items"][0].update(time="25:00"), "is not HH:MM"),
        (
            lambda r: r["days"][1]["items"][0]["parts"][1].update(about=["region:atlantis"]),
            "unknown region 'atlantis'",
        ),
        (lambda r: r["days"][0]["items"][2].update(about=["seite:mond"]), "unknown seite"),
        (lambda r: r["days"][0]["items"][2].update(about=["land:99"]), "unknown land"),
        (lambda r: r["days"][0]["items"][2].update(about=["irgendwas"]), "invalid reference"),
        (lambda r: r["days"][1]["items"][1].update(id="mo-1230"), "duplicate item id"),
        (lambda r: r["days"][0]["items"][0].update(kind="party"), "kind 'party'"),
        (lambda r: r["days"][0]["items"][4].update(speakers=[{"role": "x"}]), "name or an org"),
        (lambda r: r.pop("source"), "missing 'source'"),
    ],
)
def test_build_rejects_broken_programmes(tmp_path, change, problem):
    with pytest.raises(DataValidationError, match=problem):
        build_programme(curated_copy(tmp_path, change), COOPERATION_IDS)


def test_read_programme_reports_a_missing_file(tmp_path):
    with pytest.raises(DataValidationError, match=r"programme\.yaml"):
        programme.read_programme(tmp_path)


# ---------------------------------------------------------------------------------------------
# Links
# ---------------------------------------------------------------------------------------------


def hrefs(entry: dict, names: dict[str, str]) -> list[str]:
    return [link.href() for link in programme.links_for(entry, names)]


def test_items_about_regions_link_to_the_overview_and_the_tour(data, names):
    opening = programme.item_by_id(data, "mo-1300")
    assert [hrefs(p, names) for p in opening["parts"]] == [
        ["/?region=region-in-bewegung"],
        ["/?land=14"],
        [],
    ]
    assert hrefs(programme.item_by_id(data, "mo-1400"), names) == [
        "/tour",
        "/?region=region-in-bewegung",
        "/?region=kurstadtregion-elbe-elster",
    ]
    reports = programme.item_by_id(data, "di-0900")
    assert [hrefs(p, names) for p in reports["parts"]] == [
        ["/?region=mittelbereich-templin"],
        ["/?region=ag-bachtal"],
        ["/?region=bad-berleburg"],
    ]
    assert hrefs(programme.item_by_id(data, "mo-1700"), names) == ["/beispiele"]
    assert hrefs(programme.item_by_id(data, "mo-1730"), names) == []


def test_link_labels_and_extra_params(names):
    link = programme.link_for("region:ag-bachtal", names)
    assert link.label == "AG Bachtal auf der Übersichtskarte"
    assert link.href("ksg", {"praesentation": "1"}) == "/ksg/?region=ag-bachtal&praesentation=1"
    assert programme.link_for("land:14", names).label == "Sachsen auf der Übersichtskarte"
    assert programme.link_for("seite:tour", names).href() == "/tour"


def test_items_about_a_region(data):
    found = programme.items_about(data, "region:ag-bachtal")
    assert [i["id"] for i in found] == ["di-0900"]
    assert [i["id"] for i in programme.items_about(data, "region:region-in-bewegung")] == [
        "mo-1300",
        "mo-1400",
    ]


def test_item_markdown_links_open_in_the_same_tab_and_escape_text(names):
    item = {
        "time": "09:00",
        "end": "10:00",
        "kind": "vortrag",
        "title": "*Fett* <b>",
        "about": ["region:ag-bachtal"],
    }
    text = item_markdown(item, names, "", {"praesentation": "1"})
    assert '<a href="/?region=ag-bachtal&amp;praesentation=1" target="_self"' in text
    assert r"\*Fett\* \<b\>" in text


# ---------------------------------------------------------------------------------------------
# The 'now' item
# ---------------------------------------------------------------------------------------------


def test_next_item_crosses_days(data):
    assert programme.next_item(data, "mo-1900")["id"] == "di-0900"
    assert programme.next_item(data, "di-1400") is None


def test_parse_point(data):
    item_ids = [i["id"] for i in programme.items(data)]
    assert programme.parse_point({"punkt": ["mo-1400"]}, item_ids) == ("mo-1400", [])
    assert programme.parse_point({}, item_ids) == (None, [])
    assert programme.parse_point({"punkt": [""]}, item_ids) == (None, [])  # empty: no note
    assert programme.parse_point({"punkt": "  "}, item_ids) == (None, [])
    point, notes = programme.parse_point({"punkt": "xx"}, item_ids)
    assert point is None and "Unbekannter Programmpunkt „xx“" in notes[0]


def test_highlight_targets_the_keyed_container():
    assert container_class("programm.item.di-0900") == "st-key-programm-item-di-0900"
    assert highlight_css("di-0900").startswith("<style>.st-key-programm-item-di-0900, ")
    assert highlight_css(None) == ""


def test_step_item_walks_through_both_days_and_stops_at_the_ends(data) -> None:
    ids = [i["id"] for i in programme.items(data)]
    assert programme.step_item(data, None, 1) == ids[0]
    assert programme.step_item(data, None, -1) is None
    assert programme.step_item(data, ids[0], -1) is None
    assert programme.step_item(data, ids[-1], 1) is None
    days = data["days"]
    last_of_day_one, first_of_day_two = days[0]["items"][-1]["id"], days[1]["items"][0]["id"]
    assert programme.step_item(data, last_of_day_one, 1) == first_of_day_two
    assert programme.step_item(data, first_of_day_two, -1) == last_of_day_one
