"""Examples page logic on the committed data: validation, filter, URL parameters, map, details."""

from __future__ import annotations

import html
import json
import re
from collections import Counter

import geopandas as gpd
import pandas as pd
import pytest

from ksg_dashboard.core.config import REPO_ROOT
from ksg_dashboard.core.navigation import PAGES
from ksg_dashboard.core.text import escape_markdown
from ksg_dashboard.data import datastore
from ksg_dashboard.examples import categories as example_categories
from ksg_dashboard.examples import criteria as example_criteria
from ksg_dashboard.examples import map as examples_map
from ksg_dashboard.examples import members as example_members
from ksg_dashboard.examples import params as example_params
from ksg_dashboard.examples import records as example_records
from ksg_dashboard.examples.panels import card_markdown

DATA = REPO_ROOT / "data"
# Keys renumbered by the Göttingen district reform (1 Nov 2016) -> their key in VG250 2016.
RENUMBERED = {
    "03159013": "03152009",  # Friedland
    "03159015": "03152011",  # Gleichen
    "03159029": "03152021",  # Rosdorf
    "03159026": "03156011",  # Osterode am Harz
    "03159002": "03156017",  # Bad Grund (Harz)
}


@pytest.fixture(scope="module")
def measures() -> list[dict]:
    return datastore.read_measures(DATA)


@pytest.fixture(scope="module")
def cooperations() -> list[dict]:
    return datastore.read_cooperations(DATA)


@pytest.fixture(scope="module")
def register() -> pd.DataFrame:
    return datastore.read_municipalities(DATA)


@pytest.fixture(scope="module")
def population() -> pd.DataFrame:
    return datastore.read_population(DATA)


@pytest.fixture(scope="module")
def shapes() -> gpd.GeoDataFrame:
    return datastore.read_municipality_shapes("overview", DATA)


@pytest.fixture(scope="module")
def examples(measures, cooperations, register) -> list[example_records.Example]:
    return example_records.build_examples(measures, cooperations, register)


def by_id(examples: list[example_records.Example], example_id: str) -> example_records.Example:
    found = example_records.example_by_id(examples, example_id)
    assert found is not None, example_id
    return found


def ids(examples: list[example_records.Example]) -> list[str]:
    return [e.id for e in examples]


# ---------------------------------------------------------------------------------------------
# Data validation
# ---------------------------------------------------------------------------------------------


def test_every_member_ags_is_in_the_boundaries_or_explicitly_empty(
    measures, register, population, shapes
):
    keys = set(shapes["ags"])
    renumbered = {}
    for record in measures:
        for member in record["members"]:
            ags = member["ags"]
            if ags is None:  # Amt/Samtgemeinde: empty on purpose, as null
                assert "ags" in member
                continue
            assert re.fullmatch(r"\d{8}", ags), (record["id"], member)
            if ags not in keys:
                renumbered[ags] = example_members.boundary_key(ags, register, population, keys)
    # The polygons are on the 2022 territory: even the five keys renumbered in Nov 2016 (whose
    # VG250-2016 polygons carry the old key) have their polygon under the new key.
    assert renumbered == {}
    assert set(RENUMBERED) <= keys
    assert not set(RENUMBERED.values()) & keys


def test_every_record_has_a_source_with_url(measures, examples):
    for record in measures:
        assert record["source"]["title"].strip(), record["id"]
        assert record["source"]["url"].startswith("http"), record["id"]
    for example in examples:
        assert any(url and url.startswith("http") for _, url in example.sources), example.id


def test_every_record_has_coordinates_in_germany(examples):
    for example in examples:
        assert 47.2 <= example.lat <= 55.1 and 5.5 <= example.lon <= 15.3, example.id


def test_example_ids_are_unique_and_params_match_navigation(examples):
    assert len(set(ids(examples))) == len(examples)
    spec = next(p for p in PAGES if p.url_path == "beispiele")
    assert set(spec.params) == set(example_params.EXAMPLE_PARAMS)


# ---------------------------------------------------------------------------------------------
# Merging the workshop cooperations
# ---------------------------------------------------------------------------------------------


def test_sixty_measures_plus_region_in_bewegung(examples, measures):
    assert len(measures) == 60
    assert len(examples) == 61
    # Region in Bewegung is the only workshop cooperation without a researched example.
    assert set(ids(examples)) - {m["id"] for m in measures} == {"region-in-bewegung"}


def test_workshop_cooperations_are_marked_on_their_matching_examples_and_come_first(examples):
    presented = {e.id: e.workshop.cooperation for e in examples if e.workshop}
    assert presented == {
        "region-in-bewegung": "region-in-bewegung",
        "kurstadtregion-elbe-elster": "kurstadtregion-elbe-elster",
        "templin": "mittelbereich-templin",  # same eight members, different id
        "ag-bachtal": "ag-bachtal",
        "bad-berleburg": "bad-berleburg",
    }
    assert ids(examples)[:5] == list(presented)
    assert by_id(examples, "kurstadtregion-elbe-elster").workshop.role == "Rundfahrt"
    assert by_id(examples, "ag-bachtal").workshop.role == "Vortrag 12.03.2019"
    # Nothing claims a poster: the real poster list is unknown.
    assert not any("Poster" in e.workshop.role for e in examples if e.workshop)


def test_region_in_bewegung_is_cross_border_with_its_uncertainties(examples):
    rib = by_id(examples, "region-in-bewegung")
    assert rib.state_keys == ("14", "12")
    assert rib.lead == "Gröditz" and rib.since == 2017
    assert rib.lat == pytest.approx(51.41, abs=0.02)
    assert any("Aufnahmejahr der Kooperation selbst ist nicht belegt" in n for n in rib.uncertain)
    assert example_records.COOPERATION_THEMES_NOTE in rib.uncertain


# ---------------------------------------------------------------------------------------------
# Counts (hand-counted from data/measures.yaml)
# ---------------------------------------------------------------------------------------------


def test_measures_per_state_match_the_research_summary(measures):
    primary = Counter(m["state"] for m in measures)
    assert primary == {
        "BY": 21,
        "NI": 13,
        "BB": 7,
        "RP": 4,
        "NW": 3,
        "SN": 3,
        "SH": 3,
        "SL": 2,
        "BW": 1,
        "MV": 1,
        "ST": 1,
        "TH": 1,
    }


def test_count_by_state_counts_cross_border_examples_in_each_state(examples):
    counts = dict(example_categories.count_by_state(examples))
    # BB 7 + Region in Bewegung; SN 3 + Region in Bewegung; ST 1 + Dommitzsch (member in ST).
    assert counts["09"] == 21 and counts["03"] == 13
    assert counts["12"] == 8 and counts["14"] == 4 and counts["15"] == 2
    assert sum(counts.values()) == 61 + 2
    assert example_categories.count_by_state(examples)[0] == ("09", 21)


def test_count_by_theme(examples):
    counts = dict(example_categories.count_by_theme(examples))
    assert counts["Gesundheit"] == 5
    assert counts["Bildung"] == 13
    assert counts["Mobilität"] == 8
    assert counts["Sport"] == 9  # 8 measures + Region in Bewegung
    assert len(counts) == 12


# ---------------------------------------------------------------------------------------------
# Filter
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        (example_criteria.ExampleFilter(), 61),
        (example_criteria.ExampleFilter(states=("09",)), 21),
        (example_criteria.ExampleFilter(states=("12",)), 8),
        (
            example_criteria.ExampleFilter(states=("12", "14")),
            11,
        ),  # Region in Bewegung counted once
        (example_criteria.ExampleFilter(themes=("Gesundheit",)), 5),
        (example_criteria.ExampleFilter(themes=("Gesundheit", "Mobilität")), 10),  # 3 have both
        (
            example_criteria.ExampleFilter(only_cooperations=True),
            42,
        ),  # 41 measures + Region in Bewegung
        (example_criteria.ExampleFilter(year_from=2011, year_to=2011), 13),
        (example_criteria.ExampleFilter(year_from=2017), 7),  # 2017: 3 + RiB, 2019: 3
        (example_criteria.ExampleFilter(year_to=2010), 6),
        (example_criteria.ExampleFilter(states=("09",), only_cooperations=True), 12),
    ],
)
def test_filter_counts(examples, flt, expected):
    assert len(example_criteria.filter_examples(examples, flt)) == expected


def test_unknown_years_stay_in_until_the_range_is_narrowed(examples):
    assert example_criteria.hidden_for_unknown_year(examples, example_criteria.ExampleFilter()) == 0
    assert (
        example_criteria.hidden_for_unknown_year(
            examples, example_criteria.ExampleFilter(year_from=2011)
        )
        == 28
    )


def test_text_search_covers_members_and_projects_and_ignores_umlaut_spelling(examples):
    assert ids(
        example_criteria.filter_examples(
            examples, example_criteria.ExampleFilter(text="Syrgenstein")
        )
    ) == ["ag-bachtal"]
    assert ids(
        example_criteria.filter_examples(
            examples, example_criteria.ExampleFilter(text="aerztehaus")
        )
    ) == ["geisa-aerztehaus"]
    groeditz = example_criteria.filter_examples(
        examples, example_criteria.ExampleFilter(text="groeditz")
    )
    assert ids(groeditz) == ["region-in-bewegung"]
    # Every word must match (AND).
    assert (
        example_criteria.filter_examples(
            examples, example_criteria.ExampleFilter(text="Syrgenstein Templin")
        )
        == []
    )


def test_filter_summary():
    assert example_criteria.filter_summary(example_criteria.ExampleFilter()) == ""
    flt = example_criteria.ExampleFilter(("12", "14"), ("Bildung",), 2011, None, " Amt ", True)
    assert (
        example_criteria.filter_summary(flt)
        == "BB, SN · Bildung · seit 2011–2019 · „Amt“ · nur Kooperationen"
    )


def test_normalise_years_drops_edges_and_swaps():
    assert example_criteria.normalise_years(2010, 2019) == (None, None)
    assert example_criteria.normalise_years(2015, 2012) == (2012, 2015)
    assert example_criteria.normalise_years(2012, None) == (2012, None)


# ---------------------------------------------------------------------------------------------
# URL parameters
# ---------------------------------------------------------------------------------------------


def parse(examples, params):
    return example_params.parse_params(
        params,
        example_records.all_themes(examples),
        ids(examples),
        example_records.all_states(examples),
    )


def test_parse_params_accepts_abbreviations_keys_names_and_slugs(examples):
    parsed = parse(
        examples,
        {
            "bundesland": ["by,12", "Sachsen"],
            "thema": "wohnen-leerstand,Mobilität",
            "von": "2011",
            "bis": "2014",
            "suche": " Bürgerhaus ",
            "nur_kooperationen": "1",
            "beispiel": "ag-bachtal",
        },
    )
    assert parsed.notes == []
    assert parsed.selected == "ag-bachtal"
    assert parsed.filter == example_criteria.ExampleFilter(
        states=("09", "12", "14"),
        themes=("Wohnen & Leerstand", "Mobilität"),
        year_from=2011,
        year_to=2014,
        text="Bürgerhaus",
        only_cooperations=True,
    )


def test_params_round_trip(examples):
    flt = example_criteria.ExampleFilter(
        ("03", "09"), ("Verwaltung & Kooperation",), 2011, 2017, "Haus", True
    )
    params = example_params.to_params(flt, "templin")
    assert params == {
        "beispiel": "templin",
        "thema": "verwaltung-kooperation",
        "bundesland": "NI,BY",
        "von": "2011",
        "bis": "2017",
        "suche": "Haus",
        "nur_kooperationen": "1",
    }
    parsed = parse(examples, params)
    assert (parsed.filter, parsed.selected, parsed.notes) == (flt, "templin", [])
    assert example_params.to_params(example_criteria.ExampleFilter()) == {}


@pytest.mark.parametrize(
    ("params", "note"),
    [
        ({"bundesland": "XX"}, "Unbekanntes Bundesland „XX“"),
        ({"bundesland": "HE"}, "Für Hessen liegen keine Beispiele vor"),
        ({"thema": "raumfahrt"}, "Unbekanntes Thema „raumfahrt“"),
        ({"von": "abc"}, "von=abc ist keine Jahreszahl"),
        ({"bis": "2030"}, "außerhalb der Programmlaufzeit"),
        ({"von": "2017", "bis": "2012"}, "vertauscht"),
        ({"nur_kooperationen": "vielleicht"}, "nur_kooperationen=vielleicht wurde ignoriert"),
        ({"beispiel": "atlantis"}, "Unbekanntes Beispiel „atlantis“"),
        ({"suche": "x" * 150}, "gekürzt"),
    ],
)
def test_bad_params_give_notes_not_errors(examples, params, note):
    parsed = parse(examples, params)
    assert any(note in n for n in parsed.notes), parsed.notes


def test_swapped_years_are_used_swapped(examples):
    parsed = parse(examples, {"von": "2017", "bis": "2012"})
    assert (parsed.filter.year_from, parsed.filter.year_to) == (2012, 2017)


# ---------------------------------------------------------------------------------------------
# Colours and map
# ---------------------------------------------------------------------------------------------


def test_marker_category_prefers_chosen_theme(examples):
    templin = by_id(examples, "templin")  # Bildung, Gesundheit, Mobilität, ...
    assert example_categories.marker_category(templin, "theme", ()) == "Bildung"
    assert (
        example_categories.marker_category(templin, "theme", ("Mobilität", "Gesundheit"))
        == "Mobilität"
    )
    assert example_categories.marker_category(templin, "state", ()) == "12"


def test_category_colours_rank_by_frequency_and_grey_the_rest():
    categories = ["a"] * 5 + ["b"] * 3 + list("cdefghij")
    colours = example_categories.category_colours(categories)
    assert (
        colours["a"] == example_categories.CATEGORY_COLOURS[0]
        and colours["b"] == example_categories.CATEGORY_COLOURS[1]
    )
    assert sum(c == example_categories.OTHER_COLOUR for c in colours.values()) == 10 - 7
    items = example_categories.legend_items(colours, "theme")
    assert items[-1] == (example_categories.OTHER_COLOUR, "weitere (h, i, j)")


def map_script(fmap) -> str:
    return fmap.get_root().render()


def test_map_has_one_marker_per_example_and_escapes_tooltips(examples, register):
    states = datastore.read_states(DATA)
    evil = example_records.Example(
        id="evil",
        name='<script>alert("x")</script>',
        state_key="09",
        state_keys=("09",),
        members=(example_records.Member("A", "09773112"),),
        lead=None,
        lead_ags=None,
        since=None,
        themes=("Bildung",),
        projects=(),
        summary="",
        lat=48.6,
        lon=10.3,
        sources=(("Quelle", "https://example.org"),),
    )
    shown = [*examples[:9], evil]
    categories = {e.id: example_categories.marker_category(e, "theme", ()) for e in shown}
    colours = example_categories.category_colours(categories.values())
    fmap = examples_map.build_examples_map(shown, colours, categories, states)
    script = map_script(fmap)
    assert script.count(f'"className": "{examples_map.MARKER_CLASS}"') == 10
    assert '"keyboard": false' in script
    assert "<script>alert" not in script
    assert "&lt;script&gt;" in script
    # Only Leaflet-core layers: no plugin scripts, no branca colormap (which pulls d3 from a CDN).
    assert "d3" not in json.dumps(fmap.default_js) and "colormap" not in script.lower()


def test_map_outlines_selected_members_and_zooms_to_them(examples, register, population):
    regional = datastore.read_municipality_shapes("regional", DATA)
    states = datastore.read_states(DATA)
    bachtal = by_id(examples, "ag-bachtal")
    outlines = example_members.member_shapes(bachtal, regional, register, population)
    assert sorted(outlines["ags"]) == ["09773112", "09773170", "09773187"]
    fmap = examples_map.build_examples_map(
        examples, {}, {}, states, selected=bachtal, outlines=outlines, host=(51.41, 13.45, "G")
    )
    script = map_script(fmap)
    assert script.count('"ags": "09773187"') == 1  # the outlined member polygon
    assert script.count(examples_map.MARKER_CLASS) == len(examples)
    (south, west), (north, east) = examples_map.map_bounds(examples, bachtal, outlines)
    assert 48.5 < south < 48.65 and 48.65 < north < 48.8 and east - west < 0.5


def test_member_shapes_resolve_renumbered_keys(examples, register, population, shapes):
    friedland = by_id(examples, "friedland-gleichen-rosdorf")
    outlines = example_members.member_shapes(friedland, shapes, register, population)
    assert sorted(outlines["ags"]) == ["03159013", "03159015", "03159029"]


def test_clicked_tooltip_finds_the_example(examples):
    assert len({e.name for e in examples}) == len(examples)  # names are unique
    bachtal = by_id(examples, "ag-bachtal")
    # streamlit-folium sends the tooltip's textContent: tags dropped, no line breaks
    text = html.unescape(re.sub(r"<[^>]+>", "", examples_map.tooltip(bachtal)))
    assert text.startswith("Arbeitsgemeinschaft BachtalBY · seit 2010")
    assert examples_map.example_from_tooltip(text, examples) == bachtal
    assert examples_map.example_from_tooltip("Gröditz (Gastgeber)", examples) is None
    assert examples_map.example_from_tooltip(None, examples) is None
    for example in examples:  # no name hides another one
        plain = html.unescape(re.sub(r"<[^>]+>", "", examples_map.tooltip(example)))
        assert examples_map.example_from_tooltip(plain, examples) == example


# ---------------------------------------------------------------------------------------------
# Details: members' population
# ---------------------------------------------------------------------------------------------


def test_population_series_continues_across_renumbering(examples, register, population):
    friedland = by_id(examples, "friedland-gleichen-rosdorf")
    series = example_members.population_series(friedland, population, register)
    own = series[series["member"] == "Friedland"].set_index("year")
    assert list(own.index) == list(range(2010, 2023))
    assert own.loc[2015, "key"] == "03152009" and own.loc[2016, "key"] == "03159013"
    assert own.loc[2012, "population"] == 7655 and own.loc[2022, "population"] == 14744


def test_population_table_for_ag_bachtal(examples, register, population):
    table = example_members.population_table(
        example_members.population_series(by_id(examples, "ag-bachtal"), population, register)
    )
    assert list(table["Gemeinde"]) == ["Bachhagel", "Syrgenstein", "Zöschingen", "Zusammen"]
    total = table.set_index("Gemeinde").loc["Zusammen"]
    # 31.12.2022: 2,298 + 3,895 + 771 (Destatis GV-ISys)
    assert total["Einw. 2022"] == 6964
    assert total["± %"] == pytest.approx((6964 - 6474) / 6474 * 100, abs=0.05)


def test_members_without_ags_have_no_series(examples, register, population):
    aue = by_id(examples, "samtgemeinde-aue")
    assert aue.member_ags == ()
    assert example_members.population_series(aue, population, register).empty


# ---------------------------------------------------------------------------------------------
# Card text
# ---------------------------------------------------------------------------------------------


def test_markdown_escaping_neutralises_formatting():
    assert escape_markdown("*a* [b](c) $x$ :red[y]") == r"\*a\* \[b\](c) \$x\$ \:red\[y\]"
    assert escape_markdown("1. Platz") == r"1\. Platz"


def test_card_shows_workshop_badge_tags_source_and_amt_marker(examples):
    text = card_markdown(by_id(examples, "saengerstadtregion"))
    assert "Amt Elsterland¹" in text and "ohne eigenen Gemeindeschlüssel" in text
    assert ":gray-badge[Bildung]" in text
    assert "](https://" in text or "](http://" in text
    bachtal = card_markdown(by_id(examples, "ag-bachtal"))
    assert "Auf der Werkstatt vorgestellt" in bachtal
    assert "Poster" not in bachtal


def test_population_display_is_german_text_with_blanks_for_gaps():
    table = pd.DataFrame(
        {
            "Gemeinde": ["Gröditz, Stadt", "Wülknitz"],
            "AGS": ["14627050", "14627340"],
            "Einw. 2022": [6877.0, None],
            "Einw. 2012": [7626.0, 2100.0],
            "± %": [-9.82, None],
        }
    )
    shown = example_members.population_display(table)
    assert shown["Einw. 2022"].tolist() == ["6.877", ""]
    assert shown["Einw. 2012"].tolist() == ["7.626", "2.100"]
    assert shown["± %"].tolist() == ["−9,8", ""]
    assert shown["Gemeinde"].tolist() == table["Gemeinde"].tolist()
    assert table["Einw. 2022"].iloc[0] == 6877.0  # the input stays numeric


def test_workshop_links_point_to_the_map_and_the_programme(examples):
    example = next(e for e in examples if e.workshop)
    data = {"days": []}
    links = example_params.workshop_links(example, data, {"praesentation": "1"})
    href, label = links[0]
    assert f"region={example.workshop.cooperation}" in href and "praesentation=1" in href
    assert label == f"{example.workshop.short_name} auf der Übersichtskarte"
    assert len(links) == 1  # no programme items without a programme
