"""AppTest of the demographics page's themes Altersstruktur, Wanderungen, Natürliche Bewegung.

Expected figures are computed by hand from the raw rows of the Regionaldatenbank files (see
tests/unit/demography/test_daseinsvorsorge.py): Gröditz 14627050, 31.12.2015: 7,409
inhabitants, 2,042 aged 65+ (27.56 %); 2015: 369 moves in, 350 out; aged 18–24: +13 net of 308
(42.21 per 1,000).
"""

from __future__ import annotations

import pytest

from tests.app.test_demographics_page import charts, open_page, values


def comparison(at, first_column: str = "") -> dict[str, dict]:
    """The comparison table (first column is the unit) as {unit: {column: value}}."""
    table = next(d.value for d in at.dataframe if first_column in d.value.columns)
    return table.set_index(first_column).to_dict("index")


def test_age_theme_for_a_municipality_shows_pyramid_shares_and_references():
    at = open_page(ags="14627050", bereich="altersstruktur")
    assert not at.exception, at.exception
    assert at.segmented_control(key="demografie.bereich").value == "altersstruktur"
    assert "**Altersaufbau Gröditz, Stadt** · Stichtag 31.12.2015" in [m.value for m in at.markdown]
    rows = comparison(at)
    assert set(rows) == {"Gröditz, Stadt", "Sachsen", "Deutschland"}
    assert rows["Gröditz, Stadt"]["Anteil 65 Jahre und älter (%)"] == pytest.approx(27.56, abs=0.01)
    assert rows["Gröditz, Stadt"]["Altenquotient (je 100)"] == pytest.approx(47.82, abs=0.01)
    pyramids = [c for c in charts(at) if c.data and c.data[0].orientation == "h"]
    male = -values(pyramids[0].data[0].x)
    female = values(pyramids[0].data[1].x)
    assert male.sum() + female.sum() == 7409
    captions = " ".join(c.value for c in at.caption)
    assert "Stichtag 31.12.2015" in captions and "nicht der heutige Stand" in captions
    assert "/indikatoren?indikator=anteil_65_plus" in captions
    assert at.query_params["bereich"] == ["altersstruktur"] or at.query_params["bereich"] == (
        "altersstruktur"
    )


def test_age_theme_for_a_cooperation_sums_its_members():
    at = open_page(region="region-in-bewegung", bereich="altersstruktur")
    assert not at.exception, at.exception
    rows = comparison(at)
    assert "Region in Bewegung" in rows
    share = rows["Region in Bewegung"]["Anteil 65 Jahre und älter (%)"]
    assert 20 < share < 40
    assert rows["Deutschland"]["Anteil 65 Jahre und älter (%)"] == pytest.approx(21.1, abs=0.1)


def test_migration_theme_names_education_and_family_migration():
    at = open_page(ags="14627050", bereich="wanderungen", indikator="bildungswanderung")
    assert not at.exception, at.exception
    assert at.selectbox(key="demografie.wanderungen.indikator").value == "bildungswanderung"
    rows = comparison(at)
    groeditz = rows["Gröditz, Stadt"]
    assert groeditz["Zuzüge (Personen)"] == 369
    assert groeditz["Fortzüge (Personen)"] == 350
    assert groeditz["Wanderungssaldo (Personen)"] == 19
    assert groeditz["Bildungswanderung (18 bis 24 Jahre) (je 1.000 Einw.)"] == pytest.approx(
        42.21, abs=0.01
    )
    bars = [c for c in charts(at) if c.data and c.data[0].type == "bar"]
    assert [t.name for t in bars[0].data] == ["Gröditz, Stadt", "Sachsen", "Deutschland"]
    assert list(bars[0].data[0].x) == ["unter 18", "18–24", "25–29", "30–49", "50–64", "65+"]


def test_natural_theme_shows_the_district_series_for_a_municipality():
    at = open_page(ags="14627050", bereich="natuerliche_bewegung", indikator="natuerlicher_saldo")
    assert not at.exception, at.exception
    lines = [c for c in charts(at) if c.data and c.data[0].type == "scatter"]
    names = [t.name for t in lines[0].data]
    assert names[0].startswith("Meißen") and names[-1] == "Deutschland"
    meissen = dict(zip(values(lines[0].data[0].x), values(lines[0].data[0].y), strict=True))
    assert meissen[2015] == -1224  # 1,996 births − 3,220 deaths
    assert min(meissen) == 1995
    assert "nur je Kreis" in " ".join(c.value for c in at.caption)


def test_old_permalink_with_a_population_indicator_stays_on_the_population_theme():
    at = open_page(indikator="dichte", region="region-in-bewegung")
    assert not at.exception, at.exception
    assert at.segmented_control(key="demografie.bereich").value == "bevoelkerung"
    assert at.selectbox(key="demografie.indikator").value == "dichte"


def test_indicator_of_another_theme_opens_that_theme_and_bad_theme_gives_a_note():
    at = open_page(indikator="altenquotient")
    assert at.segmented_control(key="demografie.bereich").value == "altersstruktur"
    bad = open_page(bereich="<b>x</b>")
    assert not bad.exception
    notes = " ".join(i.value for i in bad.info)
    assert "Themenbereich im Link ist unbekannt" in notes and "<b>" not in notes


def test_states_on_another_territorial_status_are_marked():
    # Bad Kreuznach (Rheinland-Pfalz): the source stands on the status of the following year.
    at = open_page(ags="07133006", bereich="altersstruktur")
    assert not at.exception, at.exception
    captions = " ".join(c.value for c in at.caption)
    assert "Rheinland-Pfalz (ab 2011): Gebietsstand des Folgejahres" in captions
    saxony = open_page(ags="14627050", bereich="altersstruktur")
    assert "Gebietsstand in der Quelle" not in " ".join(c.value for c in saxony.caption)
