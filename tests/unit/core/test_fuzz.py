"""Property-based tests (hypothesis) for every parser of user input: the query parameters of
every page, the upload reader and the AGS/ARS normaliser, the plain-text helper and the
formula neutraliser. No exception escapes, and every rejection carries a German message."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ksg_dashboard.core import selection, text
from ksg_dashboard.core.config import STATE_NAMES
from ksg_dashboard.demography import views as demography_views
from ksg_dashboard.demography.views import DemographyParams
from ksg_dashboard.examples import params as example_params
from ksg_dashboard.examples import records as example_data
from ksg_dashboard.programme import model as programme
from ksg_dashboard.tour import model as tour
from ksg_dashboard.upload import reader as upload
from ksg_dashboard.upload.reader import KEY_ALIASES, MAX_BYTES, parse_upload

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

KNOWN_AGS = ("14627050", "12062024", "05970004", "09162000", "11000000")
REGIONS = ("region-in-bewegung", "ag-bachtal", "bad-berleburg")
# Hostile pieces an adversary would put into a link, mixed with arbitrary text.
HOSTILE = st.sampled_from(
    [
        "<script>alert(1)</script>",
        "[Hier neu anmelden](http://evil.example/)",
        "![b](http://evil.example/x.png)",
        "**fett**",
        "%00",
        "\x00",
        "‮evil",
        "😀" * 50,
        "9" * 400,
        "-1e309",
        ",,,,",
        "x" * 10_000,
        "14627050",
        "5970004",
        "ag-bachtal",
    ]
)
VALUE = st.one_of(HOSTILE, st.text(max_size=200))
VALUES = st.lists(VALUE, max_size=8)
GERMAN = re.compile(r"(ignoriert|ungültig|unbekannt|Unbekannt|kein|nicht|gekürzt|vertauscht|zu )")
ALL_PARAMS = (
    *selection.FILTER_PARAMS,
    "indikator",
    "jahr",
    "basis",
    "ansicht",
    "stopp",
    "beispiel",
    "thema",
    "bundesland",
    "von",
    "bis",
    "suche",
    "nur_kooperationen",
    "punkt",
)
QUERY = st.dictionaries(st.sampled_from(ALL_PARAMS) | st.text(max_size=20), VALUES, max_size=12)


def _notes_ok(notes: list[str]) -> None:
    for note in notes:
        assert isinstance(note, str) and note.strip()
        assert len(note) <= 1_000, "a note is cut to a readable length"
        assert GERMAN.search(note), note


# --- query parameters ------------------------------------------------------------------------


@FUZZ
@given(QUERY)
def test_bound_query_is_bounded(params):
    bounded, notes = selection.bound_query(params)
    assert len(bounded) <= selection.MAX_PARAMS
    for values in bounded.values():
        assert len(values) <= selection.MAX_VALUES
        assert sum(len(v) for v in values) <= selection.MAX_PARAM_CHARS
    for key in bounded:
        assert len(selection.query_values(bounded, key)) <= selection.MAX_VALUES
    _notes_ok(notes)


@FUZZ
@given(QUERY)
def test_global_filter_parser(params):
    bounded, _ = selection.bound_query(params)
    parsed = selection.parse_query(bounded, REGIONS, KNOWN_AGS, STATE_NAMES)
    chosen = parsed.selection
    assert set(chosen.regions) <= {*REGIONS, selection.CUSTOM_ID}
    assert chosen.ags is None or chosen.ags in KNOWN_AGS
    assert set(chosen.states) <= set(STATE_NAMES)
    assert set(chosen.custom) <= set(KNOWN_AGS)
    _notes_ok(parsed.notes)
    # Notes do not grow with the number of values (a link with 5,000 bad values gives one note,
    # not 5,000): at most one per kind of problem and parameter, region 1, ags 3, land 2,
    # praesentation 1, eigene 2, verband 3.
    assert len(parsed.notes) <= 12
    rejected = [
        v
        for v in selection.query_values(bounded, "region")
        if v not in REGIONS and v != selection.CUSTOM_ID
    ]
    if rejected:
        assert any("Region" in n for n in parsed.notes)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(min_size=1, max_size=12), min_size=300, max_size=1_000))
def test_thousands_of_values_give_one_note(values):
    params, _ = selection.bound_query({"region": [",".join(values)], "land": values})
    parsed = selection.parse_query(params, REGIONS, KNOWN_AGS, STATE_NAMES)
    assert len([n for n in parsed.notes if "Region" in n]) <= 1
    assert len([n for n in parsed.notes if "Land" in n or "Länder" in n]) <= 1


@pytest.fixture(scope="module")
def example_records():
    from ksg_dashboard.data import datastore

    register = datastore.read_municipalities()
    return example_data.build_examples(
        datastore.read_measures(), datastore.read_cooperations(), register
    )


@FUZZ
@given(params=QUERY)
def test_examples_parser(example_records, params):
    bounded, _ = selection.bound_query(params)
    themes = example_data.all_themes(example_records)
    ids = [e.id for e in example_records]
    parsed = example_params.parse_params(
        bounded, themes, ids, example_data.all_states(example_records)
    )
    assert parsed.selected is None or parsed.selected in ids
    assert set(parsed.filter.themes) <= set(themes)
    assert len(parsed.filter.text) <= example_params.MAX_SEARCH_LENGTH
    _notes_ok(parsed.notes)
    assert len(parsed.notes) <= 10


@FUZZ
@given(QUERY)
def test_demography_parser(params):
    bounded, _ = selection.bound_query(params)
    last = {k: v[-1] for k, v in bounded.items() if v}
    parsed = demography_views.parse_params(last)
    assert parsed.params.indicator in demography_views.INDICATORS
    assert parsed.params.view in demography_views.VIEWS
    defaults = DemographyParams()
    for key, field in (("indikator", "indicator"), ("ansicht", "view")):
        if key in last and last[key] != getattr(parsed.params, field):
            assert getattr(parsed.params, field) == getattr(defaults, field)
            assert parsed.notes, "a rejected value has its note"
    _notes_ok(parsed.notes)


@FUZZ
@given(QUERY, st.lists(st.text(min_size=1, max_size=10), min_size=1, max_size=5, unique=True))
def test_programme_parser(params, item_ids):
    bounded, _ = selection.bound_query(params)
    point, notes = programme.parse_point(bounded, item_ids)
    assert point is None or point in item_ids
    # A blank value means no item (as a blank `stopp` on the tour): no note.
    if bounded.get("punkt") and str(bounded["punkt"][-1]).strip() and point is None:
        assert len(notes) == 1
    _notes_ok(notes)


@FUZZ
@given(st.one_of(st.none(), VALUE), st.integers(min_value=1, max_value=20))
def test_tour_stop_parser(value, n_stops):
    index, note = tour.stop_from_param(value, n_stops)
    assert index is None or 0 <= index < n_stops
    if index is None and value is not None and value.strip():
        assert note is not None
    _notes_ok([note] if note else [])


# --- plain text and formulas ---------------------------------------------------------------

_UNESCAPE = re.compile(r"\\(.)")


@FUZZ
@given(st.one_of(HOSTILE, st.text(max_size=300)))
def test_plain_renders_literally(value):
    shown = text.plain(value)
    # Dropping the escapes and word joiners gives back exactly the cut text: nothing is lost
    # or added, and every character Markdown could act on is escaped.
    assert _UNESCAPE.sub(r"\1", shown.replace(text.WORD_JOINER, "")) == text.cut(
        value, text.MAX_PLAIN
    )
    unescaped = re.sub(r"\\.", "", shown)
    assert not re.search(r"[\\`*\[\]<>|~$!&@{}#]", unescaped), shown
    assert "\n" not in shown and "://" not in shown and "www." not in shown.lower()


@FUZZ
@given(st.text(max_size=100))
def test_cut_is_single_line_and_short(value):
    shown = text.cut(value, 40)
    assert len(shown) <= 40 and "\n" not in shown and "\r" not in shown


@FUZZ
@given(st.one_of(st.text(max_size=50), st.integers(), st.floats(allow_nan=True), st.none()))
def test_formula_neutraliser(value):
    result = text.neutralise_formula(value)
    if isinstance(value, str):
        assert not result.startswith(text.FORMULA_START)
        assert result in (value, "'" + value)
    else:
        assert result is value


# --- the upload reader and the key normaliser ----------------------------------------------


def _rejection_ok(result: upload.UploadResult) -> None:
    if result.error is not None:
        assert result.error.strip() and not result.ags
        assert re.search(r"[äöüß]|Datei|bitte|Bitte|keine|nicht", result.error), result.error
    else:
        assert result.ags
    for note in result.notes:
        assert isinstance(note, str) and note.strip()


@FUZZ
@given(st.binary(max_size=4_000), st.text(max_size=40))
def test_upload_arbitrary_bytes(content, filename):
    _rejection_ok(parse_upload(filename, content, KNOWN_AGS))


KEY_FORMS = {
    "ags": lambda a: a,
    "lost zero": lambda a: a.lstrip("0") if a.startswith("0") else a,
    "spaces": lambda a: f" {a[:2]} {a[2:]} ",
    "excel float": lambda a: a + ".0",
    "quoted": lambda a: f"'{a}",
    "ars": lambda a: a[:5] + "0000" + a[5:],
}
ENCODINGS = ("utf-8", "utf-8-sig", "cp1252", "utf-16", "utf-16-le", "utf-16-be")


@SLOW
@given(
    keys=st.lists(st.sampled_from(KNOWN_AGS), min_size=1, max_size=5, unique=True),
    form=st.sampled_from(sorted(KEY_FORMS)),
    header=st.sampled_from(KEY_ALIASES),
    separator=st.sampled_from([";", ",", "\t"]),
    encoding=st.sampled_from(ENCODINGS),
    # Printable names: a file full of control characters is (rightly) rejected as not a text.
    names=st.lists(
        st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=20),
        max_size=5,
    ),
)
def test_upload_well_formed_lists_are_read(keys, form, header, separator, encoding, names):
    rows = [[header, "Name"]]
    for i, key in enumerate(keys):
        name = names[i] if i < len(names) else ""
        rows.append([KEY_FORMS[form](key), name])

    def cell(value: str) -> str:
        value = value.replace('"', '""')
        return f'"{value}"' if any(c in value for c in (separator, '"', "\n", "\r")) else value

    body = "\r\n".join(separator.join(cell(c) for c in row) for row in rows)
    try:
        content = body.encode(encoding)
    except UnicodeEncodeError:
        content = body.encode("utf-8")
    result = parse_upload("liste.csv", content, KNOWN_AGS)
    _rejection_ok(result)
    assert set(result.ags) == set(keys), (result.error, result.notes)


@FUZZ
@given(st.text(max_size=30))
def test_key_normaliser_never_raises(value):
    key, how = upload._to_ags(upload._clean_key(value))
    assert key is None or (len(key) == 8 and key.isdigit() and how)


@FUZZ
@given(st.from_regex(r"\d{12}", fullmatch=True))
def test_ars_becomes_land_rb_kreis_gemeinde(ars):
    key, how = upload._to_ags(ars)
    assert key == ars[:5] + ars[9:] and how == "ars"


def test_size_limit_is_the_widget_limit():
    from pathlib import Path

    config = (Path(__file__).resolve().parents[3] / ".streamlit" / "config.toml").read_text()
    assert re.search(rf"maxUploadSize\s*=\s*{MAX_BYTES // 1024 // 1024}\b", config)
