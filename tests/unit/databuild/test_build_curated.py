"""Tests for databuild.curated on the real curated data, the researched facts and the register."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from databuild.curated import (
    build_cooperations,
    build_measures,
    known_municipalities,
    write_yaml,
)
from ksg_dashboard.core.config import REPO_ROOT, facts_dir, raw_dir
from ksg_dashboard.core.validation import DataValidationError

COOPERATIONS = REPO_ROOT / "curated" / "cooperations.yaml"
MEASURE_NOTES = REPO_ROOT / "curated" / "measure_notes.yaml"
EXAMPLES = facts_dir() / "examples.yaml"
GV_DIR = raw_dir() / "destatis-gv-isys"

# AGS and names of the workshop cooperations' members as researched (facts/cooperations.md).
FACT_MUNICIPALITIES = [
    ("14627050", "Gröditz"),
    ("14627340", "Wülknitz"),
    ("14627240", "Röderaue"),
    ("12062124", "Elsterwerda"),
    ("12062024", "Bad Liebenwerda"),
    ("12062128", "Falkenberg/Elster"),
    ("12062341", "Mühlberg/Elbe"),
    ("12062500", "Uebigau-Wahrenbrück"),
    ("12062410", "Röderland"),
    ("12073572", "Templin"),
    ("12073384", "Lychen"),
    ("12073069", "Boitzenburger Land"),
    ("12073201", "Gerswalde"),
    ("12073157", "Flieth-Stegelitz"),
    ("12073396", "Milmersdorf"),
    ("12073404", "Mittenwalde"),
    ("12073569", "Temmen-Ringenwalde"),
    ("09773112", "Bachhagel"),
    ("09773170", "Syrgenstein"),
    ("09773187", "Zöschingen"),
    ("05970004", "Bad Berleburg"),
]


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
    path = GV_DIR / "2022_12_31_Auszug_GV.xlsx"
    if not path.exists():
        pytest.skip(f"raw register missing: {path}")
    return read_register(path)


@pytest.fixture(scope="module")
def register_2016() -> pd.DataFrame:
    """The real municipality register of 31.12.2016 (skipped when the raw sources are absent)."""
    path = GV_DIR / "2016_12_31_Auszug_GV.xlsx"
    if not path.exists():
        pytest.skip(f"raw register missing: {path}")
    return read_register(path)


@pytest.fixture
def tiny_register() -> pd.DataFrame:
    """In-memory municipality table with the researched AGS of the workshop cooperations."""
    return pd.DataFrame(
        {
            "ags": [ags for ags, _ in FACT_MUNICIPALITIES],
            "name": [name for _, name in FACT_MUNICIPALITIES],
            "state_key": [ags[:2] for ags, _ in FACT_MUNICIPALITIES],
        }
    )


def minimal_cooperation(**changes: object) -> dict:
    """A valid one-member cooperation record; keyword arguments replace fields."""
    source = "https://example.org/quelle"
    record = {
        "id": "test",
        "name": "Testkooperation",
        "short_name": "Test",
        "kind": "Kooperation",
        "lead_ags": "14627050",
        "states": ["14"],
        "programme_year": None,
        "programme_year_note": "",
        "members": [{"name": "Gröditz", "ags": "14627050", "role": "Mitglied", "source": source}],
        "role_at_workshop": "Rundfahrt",
        "role_at_workshop_source": "Programm der Transferwerkstatt",
        "summary": "Text.",
        "key_projects": [],
        "milestones": [],
        "sources": [{"title": "Quelle", "url": source}],
        "uncertain": "",
    }
    record.update(changes)
    return record


def dump(tmp_path: Path, records: list[dict], name: str = "data.yaml") -> Path:
    """Write records to a temporary YAML file."""
    path = tmp_path / name
    path.write_text(yaml.safe_dump(records, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def minimal_example(**changes: object) -> dict:
    """A valid practice-example record in the facts format; keyword arguments replace fields."""
    record = {
        "id": "beispiel",
        "name": "Beispiel",
        "state": "SN",
        "members": [{"name": "Gröditz", "ags": "14627050"}, {"name": "Amt X", "ags": ""}],
        "lead": "Gröditz",
        "since": "",
        "themes": [],
        "projects": [],
        "summary": "Text.",
        "lat": 51.4,
        "lon": 13.4,
        "source_title": "Quelle",
        "source_url": "https://example.org/quelle",
        "uncertain": "",
    }
    record.update(changes)
    return record


# --- cooperations -------------------------------------------------------------------------------


def test_curated_cooperations_validate_against_fact_table(tiny_register: pd.DataFrame) -> None:
    records = {r["id"]: r for r in build_cooperations(COOPERATIONS, tiny_register)}
    assert {
        "region-in-bewegung",
        "kurstadtregion-elbe-elster",
        "mittelbereich-templin",
        "ag-bachtal",
        "bad-berleburg",
    } <= set(records)
    host = records["region-in-bewegung"]
    assert host["lead_ags"] == "14627050"
    assert "Gastgeber" in host["role_at_workshop"]
    assert set(host["states"]) == {"12", "14"}
    assert records["bad-berleburg"]["kind"] == "Einzelmaßnahme"
    kurstadt = records["kurstadtregion-elbe-elster"]
    assert kurstadt["programme_year"] == 2014
    assert "2013" in kurstadt["uncertain"]


@pytest.mark.raw
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


def test_roederland_and_zeithain_are_not_members(tiny_register: pd.DataFrame) -> None:
    host = next(
        r
        for r in build_cooperations(COOPERATIONS, tiny_register)
        if r["id"] == "region-in-bewegung"
    )
    member_names = {m["name"] for m in host["members"]}
    assert not member_names & {"Röderland", "Zeithain"}
    assert "12062410" not in host["member_ags"]
    assert [n["name"] for n in host["not_members"]] == ["Röderland"]


def test_every_curated_fact_has_a_source(tiny_register: pd.DataFrame) -> None:
    for record in build_cooperations(COOPERATIONS, tiny_register):
        assert all(m["source"] for m in record["members"])
        assert all(p["source"] for p in record["key_projects"])
        assert all(m["source"] and isinstance(m["year"], int) for m in record["milestones"])
        assert any(s["url"] for s in record["sources"])


def test_unknown_member_ags_is_listed(tmp_path: Path, tiny_register: pd.DataFrame) -> None:
    member = {"name": "Nirgendwo", "ags": "14999999", "role": "Mitglied", "source": "https://x.org"}
    record = minimal_cooperation(members=[*minimal_cooperation()["members"], member])
    with pytest.raises(DataValidationError, match="14999999"):
        build_cooperations(dump(tmp_path, [record]), tiny_register)


def test_cooperation_without_source_raises(tmp_path: Path, tiny_register: pd.DataFrame) -> None:
    with pytest.raises(DataValidationError, match="no sources"):
        build_cooperations(dump(tmp_path, [minimal_cooperation(sources=[])]), tiny_register)


def test_member_without_source_raises(tmp_path: Path, tiny_register: pd.DataFrame) -> None:
    members = [{"name": "Gröditz", "ags": "14627050", "role": "Mitglied"}]
    with pytest.raises(DataValidationError, match="has no source"):
        build_cooperations(dump(tmp_path, [minimal_cooperation(members=members)]), tiny_register)


def test_duplicate_ids_raise(tmp_path: Path, tiny_register: pd.DataFrame) -> None:
    path = dump(tmp_path, [minimal_cooperation(), minimal_cooperation()])
    with pytest.raises(DataValidationError, match="duplicate id"):
        build_cooperations(path, tiny_register)


def test_states_must_match_member_prefixes(tmp_path: Path, tiny_register: pd.DataFrame) -> None:
    path = dump(tmp_path, [minimal_cooperation(states=["12"])])
    with pytest.raises(DataValidationError, match="do not match"):
        build_cooperations(path, tiny_register)


def test_unquoted_ags_is_rejected(tmp_path: Path, tiny_register: pd.DataFrame) -> None:
    members = [{"name": "Gröditz", "ags": 14627050, "role": "Mitglied", "source": "https://x.org"}]
    path = dump(tmp_path, [minimal_cooperation(members=members, lead_ags=None)])
    with pytest.raises(DataValidationError, match="8-digit"):
        build_cooperations(path, tiny_register)


# --- measures (practice examples) ---------------------------------------------------------------


@pytest.mark.raw
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


@pytest.mark.raw
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


@pytest.mark.raw
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


def test_measure_notes_replace_the_uncertain_note(
    tmp_path: Path, tiny_register: pd.DataFrame
) -> None:
    examples = dump(tmp_path, [minimal_example(uncertain="Koordinate = Gröditz.")])
    notes = tmp_path / "notes.yaml"
    notes.write_text(
        "beispiel:\n  uncertain: Der Kartenpunkt liegt in Gröditz.\n", encoding="utf-8"
    )
    [measure] = build_measures(examples, tiny_register, notes)
    assert measure["uncertain"] == "Der Kartenpunkt liegt in Gröditz."
    [unchanged] = build_measures(examples, tiny_register)
    assert unchanged["uncertain"] == "Koordinate = Gröditz."


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("anderes:\n  uncertain: Text.\n", "anderes: no practice example with this id"),
        ("beispiel:\n  uncertain: ''\n", "beispiel: uncertain is empty"),
        ("beispiel:\n  themes: [Sport]\n", "beispiel: unknown field 'themes'"),
        ("beispiel: Text\n", "beispiel: must be a mapping"),
        ("- ex-1\n", "top level must be a mapping"),
    ],
)
def test_measure_notes_are_validated(
    tmp_path: Path, tiny_register: pd.DataFrame, text: str, message: str
) -> None:
    examples = dump(tmp_path, [minimal_example()])
    notes = tmp_path / "notes.yaml"
    notes.write_text(text, encoding="utf-8")
    with pytest.raises(DataValidationError, match=message):
        build_measures(examples, tiny_register, notes)


@pytest.mark.raw
def test_every_curated_measure_note_belongs_to_an_example(register_2022: pd.DataFrame) -> None:
    raw_ids = {r["id"] for r in yaml.safe_load(EXAMPLES.read_text(encoding="utf-8"))}
    notes = yaml.safe_load(MEASURE_NOTES.read_text(encoding="utf-8"))
    assert set(notes) <= raw_ids
    build_measures(EXAMPLES, register_2022, MEASURE_NOTES)  # validates without error


@pytest.mark.raw
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


def test_unknown_example_ags_are_all_listed(tmp_path: Path, tiny_register: pd.DataFrame) -> None:
    members = [
        {"name": "Gröditz", "ags": "14627050"},
        {"name": "A", "ags": "14999998"},
        {"name": "B", "ags": "14999999"},
    ]
    path = dump(tmp_path, [minimal_example(members=members)])
    with pytest.raises(DataValidationError) as caught:
        build_measures(path, tiny_register)
    assert "14999998" in str(caught.value) and "14999999" in str(caught.value)


def test_example_fixture_record_normalises(tmp_path: Path, tiny_register: pd.DataFrame) -> None:
    [measure] = build_measures(dump(tmp_path, [minimal_example()]), tiny_register)
    assert measure["members"][1] == {"name": "Amt X", "ags": None, "official_name": None}
    assert measure["member_ags"] == ["14627050"]
    assert measure["lead_ags"] == "14627050"
    assert measure["since"] is None
    assert measure["state_key"] == "14"
    assert measure["is_cooperation"] is True
    assert measure["source"] == {"title": "Quelle", "url": "https://example.org/quelle"}


def test_example_outside_germany_raises(tmp_path: Path, tiny_register: pd.DataFrame) -> None:
    path = dump(tmp_path, [minimal_example(lat=40.0)])
    with pytest.raises(DataValidationError, match="outside Germany"):
        build_measures(path, tiny_register)


def test_example_without_source_url_raises(tmp_path: Path, tiny_register: pd.DataFrame) -> None:
    path = dump(tmp_path, [minimal_example(source_url="")])
    with pytest.raises(DataValidationError, match="no source URL"):
        build_measures(path, tiny_register)


def test_duplicate_example_ids_raise(tmp_path: Path, tiny_register: pd.DataFrame) -> None:
    path = dump(tmp_path, [minimal_example(), minimal_example()])
    with pytest.raises(DataValidationError, match="duplicate id"):
        build_measures(path, tiny_register)


# --- writing --------------------------------------------------------------------------------------


def test_write_yaml_round_trip_keeps_ags_and_umlauts(
    tmp_path: Path, tiny_register: pd.DataFrame
) -> None:
    records = build_cooperations(COOPERATIONS, tiny_register)
    path = write_yaml(records, tmp_path / "out" / "cooperations.yaml", "Quelle: curated/x.yaml")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Quelle: curated/x.yaml\n")
    assert "Gröditz" in text and "\\u" not in text
    assert "'09773170'" in text
    assert yaml.safe_load(text) == records


def test_known_municipalities_newest_name_wins() -> None:
    old = pd.DataFrame({"ags": ["12345678"], "name": ["Alt"], "state_key": ["12"]})
    new = pd.DataFrame(
        {"ags": ["12345678", "12345679"], "name": ["Neu", "B"], "state_key": ["12"] * 2}
    )
    union = known_municipalities([old, new])
    assert dict(zip(union["ags"], union["name"], strict=True)) == {
        "12345678": "Neu",
        "12345679": "B",
    }
