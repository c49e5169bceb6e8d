"""Selection parsing from URL parameters, its inverse, permalinks and map-click drill-down."""

from __future__ import annotations

import pandas as pd
import pytest

from ksg_dashboard.core import share
from ksg_dashboard.core.selection import (
    Selection,
    municipality_labels,
    parse_query,
    selected_ags,
    selection_from_click,
    to_query,
)

REGIONS = ["region-in-bewegung", "kurstadtregion-elbe-elster", "ag-bachtal"]
AGS = ["14627050", "12062024", "05970004"]
STATES = ["05", "12", "14"]


def parse(params):
    return parse_query(params, REGIONS, AGS, STATES)


def test_repeatable_and_comma_separated_regions_are_merged_in_order():
    parsed = parse({"region": ["ag-bachtal,region-in-bewegung", "ag-bachtal"]})
    assert parsed.selection.regions == ("ag-bachtal", "region-in-bewegung")
    assert parsed.notes == []


def test_lost_leading_zero_is_restored_for_ags_and_state():
    parsed = parse({"ags": ["5970004"], "land": ["5"]})
    assert parsed.selection.ags == "05970004"
    assert parsed.selection.states == ("05",)


@pytest.mark.parametrize(
    ("params", "expected_note"),
    [
        ({"ags": ["abc"]}, "kein gültiger Gemeindeschlüssel"),
        ({"ags": ["99999999"]}, "ist nicht bekannt"),
        ({"region": ["atlantis"]}, "Unbekannte Region „atlantis“"),
        ({"land": ["99"]}, "Unbekanntes Land"),
        ({"land": ["<script>"]}, "Unbekanntes Land"),
        ({"praesentation": ["vielleicht"]}, "praesentation=vielleicht"),
    ],
)
def test_bad_values_are_dropped_with_a_note(params, expected_note):
    parsed = parse(params)
    assert parsed.selection == Selection()
    assert len(parsed.notes) == 1
    assert expected_note in parsed.notes[0]


def test_only_first_valid_ags_is_kept():
    parsed = parse({"ags": ["14627050", "12062024"]})
    assert parsed.selection.ags == "14627050"
    assert "Nur eine Gemeinde" in parsed.notes[0]


def test_presenter_flag():
    assert parse({"praesentation": ["1"]}).selection.presenter is True
    assert parse({"praesentation": ["0"]}).selection.presenter is False
    assert parse({}).selection.presenter is False


def test_to_query_round_trips_through_parse():
    selection = Selection(
        regions=("region-in-bewegung", "ag-bachtal"), ags="12062024", states=("14",), presenter=True
    )
    query = to_query(selection)
    assert query == {
        "region": "region-in-bewegung,ag-bachtal",
        "ags": "12062024",
        "land": "14",
        "praesentation": "1",
    }
    assert parse({k: [v] for k, v in query.items()}).selection == selection


def test_empty_selection_has_no_parameters():
    assert to_query(Selection()) == {}
    assert Selection().is_empty


def test_permalink_for_default_and_named_page():
    permalink = share.view_url
    params = {"region": "a,b", "ags": "14627050"}
    assert permalink("http://h:8501/", "", params) == "http://h:8501/?region=a,b&ags=14627050"
    assert permalink("http://h:8501", "tour", {"stopp": "2"}) == "http://h:8501/tour?stopp=2"
    assert permalink("http://h:8501", "tour", {}) == "http://h:8501/tour"


def test_click_drills_down_from_region_to_municipality():
    start = Selection(presenter=True)
    first = selection_from_click({"region": "ag-bachtal", "ags": "09773170"}, start)
    assert first == Selection(regions=("ag-bachtal",), presenter=True)
    second = selection_from_click({"region": "ag-bachtal", "ags": "09773170"}, first)
    # The municipality alone: under the union rule it would add nothing to its cooperation.
    assert second == Selection(ags="09773170", presenter=True)


def test_click_on_plain_municipality_selects_it_and_ignores_featureless_clicks():
    current = Selection(states=("14",))
    assert selection_from_click({"ags": "14627050"}, current).ags == "14627050"
    assert selection_from_click(None, current) == current
    assert selection_from_click({"name": "x"}, current) == current


def test_selected_ags_union_of_regions_states_and_municipality():
    cooperations = [{"id": "r", "member_ags": ["14627050", "12062024"]}]
    register = pd.DataFrame(
        {
            "ags": ["14627050", "12062024", "14627999", "14000001"],
            "state_key": ["14", "12", "14", "14"],
            "last_year": [2022, 2022, 2022, 2012],
        }
    )
    both = Selection(regions=("r",), states=("14",))
    assert selected_ags(both, cooperations, register) == ["14627050", "12062024", "14627999"]
    # Nothing wins: a municipality adds to the regions (here it is a member already).
    assert selected_ags(Selection(ags="12062024", regions=("r",)), cooperations, register) == [
        "14627050",
        "12062024",
    ]
    assert selected_ags(Selection(ags="14000002", regions=("r",)), cooperations, register) == [
        "14627050",
        "12062024",
        "14000002",
    ]
    assert selected_ags(Selection(), cooperations, register) == []


def test_municipality_labels_mark_former_municipalities():
    register = pd.DataFrame(
        {"ags": ["1", "2"], "name": ["Gröditz, Stadt", "Nauwalde"], "last_year": [2022, 2012]}
    )
    assert municipality_labels(register) == {
        "1": "Gröditz, Stadt (1)",
        "2": "Nauwalde (2, bis 2012)",
    }
