"""The comparison model (ksg_dashboard.comparison.model) on the committed data: member values,
reference rows, the 12 limit, link parsing; and the comparison downloads (CSV, xlsx)."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from openpyxl import load_workbook

from ksg_dashboard.comparison import model as cmp
from ksg_dashboard.core.export import csv_with_header_lines, xlsx_bytes
from ksg_dashboard.data import datastore

GROEDITZ = "14627050"  # Gröditz, Stadt (Landkreis Meißen, Sachsen)
ELSTERWERDA = "12062124"  # Elsterwerda, Stadt (Elbe-Elster, Brandenburg)
BOREN_OLD = "01059011"  # Boren, merged 2013 into the new Boren 01059187
# 12411-02-03-5_2015.csv, row "14627050; Gröditz, Stadt": 17 age groups, male then female
# (the same rows as tests/unit/demography/test_daseinsvorsorge.py).
GROEDITZ_MALE = [95, 92, 120, 156, 71, 44, 119, 255, 251, 235, 194, 266, 338, 344, 266, 382, 457]
GROEDITZ_FEMALE = [85, 86, 98, 138, 72, 40, 105, 185, 175, 184, 162, 234, 319, 336, 302, 476, 727]


@pytest.fixture(scope="module")
def data() -> cmp.ComparisonData:
    return cmp.ComparisonData(
        population=datastore.read_population_2022(),
        register=datastore.read_municipalities(),
        age=datastore.read_age_2015_territory(),
        migration=datastore.read_migration_2015_territory(),
        regions_age=datastore.read_region_age_2015(),
        regions_migration=datastore.read_region_migration_2015(),
        natural=datastore.read_natural_change(),
        official_totals=datastore.read_official_totals(),
    )


@pytest.fixture(scope="module")
def similar(data) -> pd.DataFrame:
    return cmp.municipal_indicators(data)


@pytest.fixture(scope="module")
def frame(data, similar) -> pd.DataFrame:
    return cmp.comparison_frame(data, [GROEDITZ, ELSTERWERDA], similar_table=similar)


def row(frame: pd.DataFrame, kind: str, key: str) -> pd.Series:
    rows = frame[(frame["art"] == kind) & (frame["schluessel"] == key)]
    assert len(rows) == 1, f"expected one {kind} row {key}, got {len(rows)}"
    return rows.iloc[0]


def test_member_values_are_the_published_figures(frame):
    groeditz = row(frame, cmp.KIND_MEMBER, GROEDITZ)
    assert groeditz["gebiet"] == "Gröditz, Stadt"
    # GV-ISys: 7.626 inhabitants on 31.12.2012, 6.877 on 31.12.2022.
    assert groeditz["einwohner"] == 6877
    assert groeditz[cmp.BASE_POPULATION] == 7626
    assert groeditz["veraenderung"] == 6877 - 7626
    assert groeditz["veraenderung_pct"] == pytest.approx((6877 / 7626 - 1) * 100, abs=0.01)
    total = sum(GROEDITZ_MALE) + sum(GROEDITZ_FEMALE)
    over_65 = GROEDITZ_MALE[15] + GROEDITZ_MALE[16] + GROEDITZ_FEMALE[15] + GROEDITZ_FEMALE[16]
    assert groeditz["anteil_65_plus"] == pytest.approx(over_65 / total * 100, abs=0.01)
    # Natural change is published per district only: empty for the municipality.
    assert pd.isna(groeditz["geburten"])


def test_reference_rows_district_state_similar_germany(data, frame):
    kinds = list(frame["art"])
    assert kinds[:2] == [cmp.KIND_MEMBER, cmp.KIND_MEMBER]
    assert kinds[-1] == cmp.KIND_GERMANY
    meissen = row(frame, cmp.KIND_DISTRICT, "14627")
    assert meissen["gebiet"] == "Meißen"
    assert meissen["bezug"] == "Gröditz, Stadt"
    now = data.population[data.population["year"] == 2022]
    assert meissen["einwohner"] == now.loc[now["district_key"] == "14627", "population"].sum()
    assert pd.notna(meissen["geburten"])  # the district row carries natural change
    # The figure for Brandenburg alone: +123.624 (+5,0 %) since 2012.
    brandenburg = row(frame, cmp.KIND_STATE, "12")
    assert brandenburg["veraenderung"] == 123624
    assert brandenburg["bezug"] == "Elsterwerda, Stadt"
    germany = row(frame, cmp.KIND_GERMANY, cmp.GERMANY)
    assert germany["einwohner"] == now["population"].sum()
    similar = frame[frame["art"] == cmp.KIND_SIMILAR]
    assert len(similar) == 2  # Gröditz (SN, 5.000–9.999) and Elsterwerda (BB, 5.000–9.999)


def test_similar_group_is_same_state_and_size_class(data, frame, similar):
    current = cmp.current_municipalities(data.population)
    expected = current[
        (current["state_key"] == "14")
        & (current["population"] >= 5_000)
        & (current["population"] < 10_000)
    ]
    group = row(frame, cmp.KIND_SIMILAR, "14-2")
    assert f"Median aus {len(expected)})" in group["gebiet"]
    assert "Sachsen, 5.000–9.999 Einw." in group["gebiet"]
    assert GROEDITZ in set(expected["ags"])
    values = similar[similar["ags"].isin(expected["ags"])]["einwohner"]
    assert group["einwohner"] == values.median()
    assert "5.000–9.999" in cmp.SIMILAR_RULE and "ab 500.000" in cmp.SIMILAR_RULE


def test_size_classes_bounds():
    assert cmp.size_class(1_999) == 0
    assert cmp.size_class(2_000) == 1
    assert cmp.size_class(6_877) == 2
    assert cmp.size_class(500_000) == len(cmp.SIZE_CLASSES) - 1
    assert cmp.size_class(None) is None


def test_at_most_twelve_members_with_a_note_naming_the_kept(data):
    labels = cmp.member_labels(data.population, data.register)
    keys = list(labels)[:13]
    names = dict(zip(data.population["ags"], data.population["name"], strict=True))
    limited = cmp.limit(keys, names)
    assert limited.ags == tuple(keys[:12])
    assert len(limited.notes) == 1
    note = limited.notes[0]
    assert "höchstens 12" in note and "von 13" in note
    assert names[keys[11]] in note
    assert names[keys[12]] not in note.split(": ", 1)[1]
    assert cmp.limit(keys[:12], names).notes == []


def test_model_caps_members_at_twelve(data, similar):
    labels = cmp.member_labels(data.population, data.register)
    keys = [k for k in labels if k.startswith("14627")][:14]
    frame = cmp.comparison_frame(data, keys, similar_table=similar)
    assert (frame["art"] == cmp.KIND_MEMBER).sum() == 12


def test_link_values_old_unknown_and_malformed_keys(data):
    labels = cmp.member_labels(data.population, data.register)
    values = [GROEDITZ, BOREN_OLD, "99999999", "abc", "5970004", GROEDITZ]
    parsed = cmp.parse_members(values, labels, data.register, labels)
    assert parsed.ags == (GROEDITZ, "01059187", "05970004")
    text = " ".join(parsed.notes)
    assert "01059011" in text and "Nachfolgegemeinde" in text and "01059187" in text
    assert "„99999999“" in text and "Unbekannte" in text
    assert "„abc“" in text
    assert cmp.to_query(parsed.ags) == {"vergleich": "14627050,01059187,05970004"}
    assert cmp.to_query(()) == {}


def test_labels_tell_equal_names_apart(data):
    labels = cmp.member_labels(data.population, data.register)
    assert labels[GROEDITZ] == "Gröditz, Stadt (Meißen)"
    assert labels["11000000"].endswith("(kreisfrei)")
    assert not any(v.startswith("Gemeindefreies Gebiet") for v in labels.values())


def test_index_long_is_100_in_the_base_year(data):
    long = cmp.index_long(data, [GROEDITZ, ELSTERWERDA], base_year=2012)
    assert set(long["series"]) == {"Gröditz, Stadt", "Elsterwerda, Stadt", "Deutschland"}
    base = long[long["year"] == 2012]
    assert (base["value"].round(6) == 100).all()
    groeditz = long[(long["series"] == "Gröditz, Stadt") & (long["year"] == 2022)]
    assert groeditz["value"].iloc[0] == pytest.approx(6877 / 7626 * 100, abs=0.01)


def test_csv_has_provenance_header_lines(frame):
    table = cmp.display_table(frame, 2022, 2012)
    lines = ["Quelle: Destatis", "Stand: 31.12.2022", "Gebietsstand: 31.12.2022", "Lizenz: dl"]
    text = csv_with_header_lines(table, lines).decode("utf-8-sig")
    head = text.splitlines()
    assert head[:4] == ["# " + line for line in lines]
    assert head[4].startswith("Schlüssel;Gebiet;Art;")
    assert "Gröditz, Stadt" in text


def test_xlsx_has_table_and_quellen_sheet(frame):
    sources = datastore.read_sources()
    table = cmp.display_table(frame, 2022, 2012)
    table.loc[0, "Bezug (Gemeinden)"] = "=HYPERLINK(1)"  # must not become a formula
    book = load_workbook(io.BytesIO(xlsx_bytes(table, cmp.provenance(sources))))
    assert book.sheetnames == ["Vergleich", "Quellen"]
    first = book["Vergleich"]
    header = [c.value for c in first[1]]
    assert header[:3] == ["Schlüssel", "Gebiet", "Art"]
    assert first.cell(row=2, column=2).value == "Gröditz, Stadt"
    assert first.cell(row=2, column=4).value == "'=HYPERLINK(1)"
    quellen = book["Quellen"]
    assert [c.value for c in quellen[1]] == [
        "Inhalt",
        "Datensatz",
        "Quelle",
        "Stand",
        "Gebietsstand",
        "Lizenz",
    ]
    texts = [str(c.value) for line in quellen.iter_rows(min_row=2) for c in line]
    assert any("Destatis" in t for t in texts)
    assert any("31.12.2010 bis 31.12.2022" in t for t in texts)


def test_charts_draw_one_line_per_member_and_germany(data):
    from ksg_dashboard.comparison.charts import make_index_chart, make_small_multiples

    long = cmp.index_long(data, [GROEDITZ, ELSTERWERDA, "12062024"], base_year=2012)
    figure = make_index_chart(long, 2012)
    assert [t.name for t in figure.data] == [
        "Gröditz, Stadt",
        "Elsterwerda, Stadt",
        "Bad Liebenwerda, Stadt",
        "Deutschland",
    ]
    assert figure.data[-1].line.dash == "dash"
    panels = make_small_multiples(long, 2012)
    titles = [a.text for a in panels.layout.annotations]
    assert titles[:3] == ["Gröditz, Stadt", "Elsterwerda, Stadt", "Bad Liebenwerda, Stadt"]
    assert sum(t.name == "Deutschland" for t in panels.data) == 3  # one reference per panel


def test_map_click_toggles_and_respects_the_limit():
    names = {"1": "Eins", "13": "Dreizehn"}
    assert cmp.toggle(("1", "2"), "2", names).ags == ("1",)
    assert cmp.toggle(("1",), "3", names).ags == ("1", "3")
    full = tuple(str(i) for i in range(1, 13))
    result = cmp.toggle(full, "13", names)
    assert result.ags == full
    assert "Dreizehn nicht hinzugefügt" in result.notes[0] and "höchstens 12" in result.notes[0]


def test_an_unknown_key_among_the_members_does_not_break_the_table(data, similar):
    # The page resolves keys first; the model must still not fail on one it cannot place.
    frame = cmp.comparison_frame(data, ["14627050", "99999999"], similar_table=similar)
    assert "14627050" in set(frame.loc[frame["art"] == cmp.KIND_MEMBER, "schluessel"])
    assert "14627" in set(frame.loc[frame["art"] == cmp.KIND_DISTRICT, "schluessel"])
