"""databuild.curated on the real GV-ISys registers of 2016 and 2022 and the fact collection."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from databuild.curated import build_cooperations, build_measures, known_municipalities
from tests.raw.rawfiles import gv_isys_file
from tests.unit.databuild.test_build_curated import COOPERATIONS, EXAMPLES, MEASURE_NOTES

pytestmark = pytest.mark.raw


def read_register(path: Path) -> pd.DataFrame:
    """Municipalities (Satzart 60) of a GV-ISys extract as columns ags, name, state_key."""
    sheet = pd.read_excel(path, sheet_name=1, header=None, dtype=str)
    rows = sheet[sheet[0].astype(str).str.strip() == "60"]
    part = {column: rows[column].astype(str).str.strip() for column in (2, 3, 4, 6, 7)}
    ags = part[2] + part[3] + part[4] + part[6]
    return pd.DataFrame(
        {"ags": ags.to_numpy(), "name": part[7].to_numpy(), "state_key": part[2].to_numpy()}
    )


@pytest.fixture(scope="module")
def register_2022() -> pd.DataFrame:
    """The real municipality register of 31.12.2022 (skipped when the raw sources are absent)."""
    return read_register(gv_isys_file(2022))


@pytest.fixture(scope="module")
def register_2016() -> pd.DataFrame:
    """The real municipality register of 31.12.2016 (skipped when the raw sources are absent)."""
    return read_register(gv_isys_file(2016))


def test_cooperation_members_resolve_in_2022_register(register_2022: pd.DataFrame) -> None:
    records = {r["id"]: r for r in build_cooperations(COOPERATIONS, register_2022)}
    names = {
        m["ags"]: m["official_name"].split(",")[0] for r in records.values() for m in r["members"]
    }
    assert names["14627050"] == "Gröditz"
    assert names["12062024"] == "Bad Liebenwerda"
    assert names["09773170"] == "Syrgenstein"
    assert names["05970004"] == "Bad Berleburg"
    assert records["region-in-bewegung"]["member_ags"] == [
        "14627050",
        "14627340",
        "14627240",
        "12062024",
        "12062124",
    ]
    assert sorted(records["kurstadtregion-elbe-elster"]["member_ags"]) == [
        "12062024",
        "12062128",
        "12062341",
        "12062500",
    ]
    assert len(records["mittelbereich-templin"]["member_ags"]) == 8
    assert records["ag-bachtal"]["member_ags"] == ["09773112", "09773170", "09773187"]
    assert records["bad-berleburg"]["member_ags"] == ["05970004"]
    assert records["region-in-bewegung"]["lead_official_name"].startswith("Gröditz")


def test_all_60_examples_convert(register_2022: pd.DataFrame) -> None:
    measures = build_measures(EXAMPLES, register_2022)
    assert len(measures) == 60
    assert len({m["id"] for m in measures}) == 60
    assert all(m["state_key"] and len(m["state_key"]) == 2 for m in measures)
    assert all(m["source"]["url"] for m in measures)
    by_id = {m["id"]: m for m in measures}
    templin = by_id["templin"]
    assert templin["lead_ags"] == "12073572"
    assert templin["state_key"] == "12"
    assert templin["since"] == 2010
    assert templin["is_cooperation"] is True
    assert by_id["bad-berleburg"]["is_cooperation"] is False
    assert by_id["ilzer-land"]["since"] is None


def test_members_with_empty_ags_become_null(register_2022: pd.DataFrame) -> None:
    by_id = {m["id"]: m for m in build_measures(EXAMPLES, register_2022)}
    saenger = by_id["saengerstadtregion"]
    amt = next(m for m in saenger["members"] if m["name"] == "Amt Elsterland")
    assert amt == {"name": "Amt Elsterland", "ags": None, "official_name": None}
    assert len(saenger["members"]) == 5
    assert saenger["member_ags"] == ["12062140", "12062092", "12062469"]
    aue = by_id["samtgemeinde-aue"]
    assert aue["member_ags"] == []
    assert aue["members"][0]["ags"] is None


def test_uncertain_notes_and_empty_leads(register_2022: pd.DataFrame) -> None:
    by_id = {m["id"]: m for m in build_measures(EXAMPLES, register_2022, MEASURE_NOTES)}
    kurstadt = by_id["kurstadtregion-elbe-elster"]
    assert kurstadt["uncertain"].startswith("Keine Leitkommune ausgewiesen")
    assert "Kartenpunkt liegt in Bad Liebenwerda" in kurstadt["uncertain"]
    assert kurstadt["lead"] is None and kurstadt["lead_ags"] is None
    assert by_id["kleeblattregion"]["uncertain"] == ""
    # Examples with a curated note show it; all others keep the note of the facts file.
    raw = yaml.safe_load(EXAMPLES.read_text(encoding="utf-8"))
    curated = yaml.safe_load(MEASURE_NOTES.read_text(encoding="utf-8"))
    for record in raw:
        expected = curated.get(record["id"], {}).get("uncertain", record["uncertain"] or "")
        assert by_id[record["id"]]["uncertain"] == expected.strip()


def test_every_curated_measure_note_belongs_to_an_example(register_2022: pd.DataFrame) -> None:
    raw_ids = {r["id"] for r in yaml.safe_load(EXAMPLES.read_text(encoding="utf-8"))}
    notes = yaml.safe_load(MEASURE_NOTES.read_text(encoding="utf-8"))
    assert set(notes) <= raw_ids
    build_measures(EXAMPLES, register_2022, MEASURE_NOTES)  # validates without error


def test_example_keys_in_2016_and_union(
    register_2016: pd.DataFrame, register_2022: pd.DataFrame
) -> None:
    # The Göttingen/Osterode district merger (03159, Nov 2016) keys exist from 2016 on;
    # the union of years is what the real build validates against.
    union = known_municipalities([register_2016, register_2022])
    measures = build_measures(EXAMPLES, union)
    assert len(measures) == 60
    names = dict(zip(union["ags"], union["name"], strict=True))
    assert names["03159026"].startswith("Osterode am Harz")
