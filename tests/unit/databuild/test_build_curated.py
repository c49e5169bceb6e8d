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
from ksg_dashboard.core.config import REPO_ROOT, facts_dir
from ksg_dashboard.core.validation import DataValidationError

COOPERATIONS = REPO_ROOT / "curated" / "cooperations.yaml"
MEASURE_NOTES = REPO_ROOT / "curated" / "measure_notes.yaml"
EXAMPLES = facts_dir() / "examples.yaml"

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
