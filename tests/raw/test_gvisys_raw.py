"""The GV-ISys parser (databuild.gvisys) on the real extracts of 2010–2022."""

from __future__ import annotations

import collections

import pandas as pd
import pytest

from databuild import gvisys
from tests.raw.rawfiles import gv_isys, gv_isys_rows
from tests.unit.databuild.test_build_gvisys import row_of

pytestmark = pytest.mark.raw


def municipality_rows(year: int) -> list[tuple]:
    """The raw Satzart-60 rows of one extract, before any deduplication."""
    return [r for r in gv_isys_rows(year) if gvisys._text(r[0]) == "60"]


# Distinct Satzart-60 records (municipalities incl. unincorporated areas) per 31.12.
EXPECTED_COUNTS = {
    2010: 11_516,
    2011: 11_368,
    2012: 11_296,
    2013: 11_237,
    2015: 11_168,
    2016: 11_135,
    2018: 11_089,
    2022: 10_993,
}
# National sums of the municipality rows; 2016 lacks the six NRW gaps (published: 82,521,653).
EXPECTED_TOTALS = {
    2010: 81_751_602,
    2011: 81_843_743,
    2012: 80_523_746,
    2013: 80_767_463,
    2015: 82_175_684,
    2016: 82_385_138,
    2018: 83_019_213,
    2022: 84_358_845,
}
YEARS = sorted(EXPECTED_COUNTS)


@pytest.mark.parametrize("year", YEARS)
def test_real_counts_and_national_total(year: int) -> None:
    frame = gv_isys(year)
    assert len(frame) == EXPECTED_COUNTS[year]
    assert frame["ags"].is_unique
    assert (frame["year"] == year).all()
    assert frame["population"].sum() == EXPECTED_TOTALS[year]


@pytest.mark.parametrize("year", YEARS)
def test_real_keys_padded_and_consistent(year: int) -> None:
    frame = gv_isys(year)
    assert frame["ags"].str.fullmatch(r"\d{8}").all()
    assert frame["ars"].str.fullmatch(r"\d{12}").all()
    assert (frame["ars"].str[:5] + frame["ars"].str[9:] == frame["ags"]).all()
    assert (frame["ags"].str[:2] == frame["state_key"]).all()
    assert (frame["ags"].str[:5] == frame["district_key"]).all()
    assert frame["state_key"].nunique() == 16
    assert (frame["state_name"] != "").all()
    assert (frame["type"] != "").all(), "unknown Textkennzeichen"


@pytest.mark.parametrize("year", YEARS)
def test_real_counts_add_up_and_names_are_clean(year: int) -> None:
    frame = gv_isys(year)
    both = frame.dropna(subset=["population"])
    assert (both["male"] + both["female"] == both["population"]).all()
    assert not frame["name"].str.contains(r"\d\)\s*$").any()
    assert (frame["name"].str.strip() == frame["name"]).all()
    # Zero only for uninhabited unincorporated areas, which are always zero.
    zero = frame["population"] == 0
    uninhabited = frame["type_code"] == "66"
    assert (zero.fillna(False) == uninhabited).all()
    placed = frame.dropna(subset=["lon", "lat"])
    assert placed["lon"].between(5.5, 15.3).all()
    assert placed["lat"].between(47.2, 55.1).all()


@pytest.mark.parametrize(
    ("year", "population", "male", "female", "area"),
    [
        (2011, 6_919, 3_405, 3_514, 8.43),  # register-based, last year before the census break
        (2012, 6_619, 3_217, 3_402, 8.54),  # census-based
        (2013, 7_524, 3_691, 3_833, 28.9),  # after absorbing Nauwalde
        (2022, 6_877, 3_427, 3_450, 28.94),
    ],
)
def test_real_groeditz(year: int, population: int, male: int, female: int, area: float) -> None:
    groeditz = row_of(gv_isys(year), "14627050")
    assert groeditz["name"] == "Gröditz, Stadt"
    assert groeditz["population"] == population
    assert groeditz["male"] == male
    assert groeditz["female"] == female
    assert groeditz["area_km2"] == pytest.approx(area)
    assert groeditz["district_name"] == "Meißen"
    assert groeditz["state_name"] == "Sachsen"


def test_real_nauwalde_absorbed_in_2013() -> None:
    assert row_of(gv_isys(2012), "14627160")["population"] == 1_007
    assert "14627160" not in set(gv_isys(2013)["ags"])


def test_real_2010_layout() -> None:
    frame = gv_isys(2010)
    # 2010 has only 16 columns; RB is empty for the German-Luxembourg condominium.
    assert max(len(r) for r in municipality_rows(2010)) == 16
    condominium = row_of(frame, "07000999")
    assert condominium["population"] == 0
    assert condominium["lon"] is pd.NA
    # '#N/A' centres in 2010 are missing, not zero.
    sylt = row_of(frame, "01054078")
    assert sylt["name"] == "List"
    assert sylt["population"] == 2_552
    assert sylt["lon"] is pd.NA
    assert frame["lon"].isna().sum() == 58
    assert (frame["lon"].dropna() != 0).all()


def test_real_2015_footnote_markers_removed() -> None:
    names = gv_isys(2015).set_index("ags")["name"]
    assert names["03351006"] == "Celle, Stadt"  # 'Celle, Stadt 3)' in the file
    assert names["03402000"] == "Emden, Stadt"  # 'Emden, Stadt3)'


SLASH_2016 = {
    "05154028": "Kerken",
    "05554052": "Schöppingen",
    "05762004": "Bad Driburg, Stadt",
    "05762012": "Borgentreich, Orgelstadt",
    "05962016": "Hemer, Stadt",
    "05978036": "Unna, Stadt",
}


def test_real_2016_slash_values_are_na_with_clean_names() -> None:
    frame = gv_isys(2016)
    gaps = frame[frame["population"].isna()]
    assert dict(zip(gaps["ags"], gaps["name"], strict=True)) == SLASH_2016
    for column in ("male", "female", "density"):
        assert gaps[column].isna().all(), column
    assert gaps["area_km2"].notna().all()
    assert gaps["lon"].notna().all()
    # The raw cells really hold '/', and the raw names carry the footnote marker '4)'.
    raw = [r for r in municipality_rows(2016) if r[9] == "/"]
    assert len(raw) == 6
    assert all(gvisys._text(r[7]).endswith("4)") for r in raw)


@pytest.mark.parametrize(("year", "raw_rows"), [(2016, 11_143), (2018, 11_097)])
def test_real_verbatim_repeats_collapsed(year: int, raw_rows: int) -> None:
    # The files repeat six Bavarian unincorporated-area rows (Bamberg four times): the raw
    # Satzart-60 count (11,097 in 2018, as in the raw README) exceeds the distinct records by 8.
    rows = municipality_rows(year)
    assert len(rows) == raw_rows
    keys = collections.Counter(gvisys._key(r, "land", "rb", "kreis", "gem") for r in rows)
    repeated = {key: n for key, n in keys.items() if n > 1}
    assert repeated == {
        "09273444": 2,
        "09471444": 4,
        "09472444": 2,
        "09475444": 2,
        "09572444": 2,
        "09673444": 2,
    }
    frame = gv_isys(year)
    assert len(frame) == raw_rows - 8 == len(keys)
    collapsed = frame[frame["ags"].isin(repeated)]
    assert (collapsed["type_code"] == "66").all()
    assert (collapsed["population"] == 0).all()


def test_real_2018_structure_of_count() -> None:
    # 11,089 distinct records = 11,012 municipalities + 77 unincorporated areas (75 uninhabited).
    types = gv_isys(2018)["type_code"].value_counts().to_dict()
    assert types.get("66") == 75
    assert types.get("65") == 2
    assert sum(types.values()) - types["66"] - types["65"] == 11_012


@pytest.mark.parametrize("year", [2016, 2022])
def test_real_2016_plus_layout_has_centres(year: int) -> None:
    frame = gv_isys(year)
    groeditz = row_of(frame, "14627050")
    assert groeditz["lon"] == pytest.approx(13.447811)
    assert groeditz["lat"] == pytest.approx(51.412323)
    assert frame["lon"].notna().mean() > 0.999
