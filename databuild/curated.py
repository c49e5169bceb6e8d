"""Validate and normalise the hand-curated cooperations and the researched practice examples."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from databuild.curated_yaml import read_yaml
from ksg_dashboard.core.config import STATE_ABBREVIATIONS, STATE_NAMES
from ksg_dashboard.core.validation import AGS_PATTERN, DataValidationError, check_in_germany

log = logging.getLogger(__name__)

COOPERATION_KINDS = ("Kooperation", "Einzelmaßnahme")
# Milestone dates: "2014", "2017-01", "2015-05-09" or a span "2016–2018" (en dash or hyphen).
MILESTONE_DATE = re.compile(r"^(\d{4})(?:-\d{2}(?:-\d{2})?|[–-]\d{4})?$")
COOPERATION_FIELDS = (
    "id",
    "name",
    "short_name",
    "kind",
    "lead_ags",
    "states",
    "programme_year",
    "programme_year_note",
    "members",
    "role_at_workshop",
    "summary",
    "key_projects",
    "milestones",
    "sources",
    "uncertain",
)


def known_municipalities(registers: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """Union of municipality registers (columns ags, name, state_key) as one row per known AGS.

    Keys change through mergers, so the build validates against every AGS that existed in any
    register year (2010–2022). Pass the registers oldest first: the newest name of a key wins.
    """
    frames = [frame[["ags", "name", "state_key"]] for frame in registers]
    if not frames:
        return pd.DataFrame(columns=["ags", "name", "state_key"])
    union = pd.concat(frames, ignore_index=True)
    union["ags"] = union["ags"].astype(str)
    return union.drop_duplicates("ags", keep="last").reset_index(drop=True)


def _load_yaml_list(path: str | Path) -> list[dict[str, Any]]:
    """Read a YAML file whose top level is a list of mappings."""
    data = read_yaml(path, list, "a list of records (mappings)")
    if not all(isinstance(item, dict) for item in data):
        raise DataValidationError(str(path), "top level must be a list of records (mappings)")
    return data


def _municipality_names(file: str, municipalities: pd.DataFrame) -> dict[str, str]:
    """Map AGS to official name; the table is simply the set of known AGS with their names."""
    missing = {"ags", "name"} - set(municipalities.columns)
    if missing:
        raise DataValidationError(file, f"municipality table lacks columns {sorted(missing)}")
    return dict(zip(municipalities["ags"].astype(str), municipalities["name"], strict=True))


def _has_text(value: Any) -> bool:
    """True for a non-blank string."""
    return isinstance(value, str) and bool(value.strip())


def _ags(value: Any, where: str, problems: list[str]) -> str | None:
    """Return the AGS as string, None when empty; record a problem when it is malformed."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not AGS_PATTERN.match(value):
        problems.append(f"{where}: AGS {value!r} is not a quoted 8-digit string")
        return None
    return value


def _year(value: Any, where: str, problems: list[str]) -> int | None:
    """Return a year as int, None when empty; record a problem when it is not a year."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        problems.append(f"{where}: {value!r} is not a year")
        return None
    text = str(value).strip()
    if not re.fullmatch(r"\d{4}", text):
        problems.append(f"{where}: {value!r} is not a year")
        return None
    return int(text)


def _raise_if(file: str, problems: list[str]) -> None:
    """Raise one error that lists every collected problem."""
    if problems:
        raise DataValidationError(file, "; ".join(problems))


def _unknown_message(unknown: list[tuple[str, str, str]]) -> str:
    """Describe AGS that are missing from the municipality register, naming record and member."""
    listed = ", ".join(f"{ags} ({rid}: {name})" for rid, name, ags in unknown)
    return f"{len(unknown)} AGS not in the municipality register: {listed}"


def _check_sourced_items(
    items: Any, rid: str, field: str, text_key: str, problems: list[str]
) -> list[dict[str, Any]]:
    """Check a list of {text_key, source} items; every item must carry a source."""
    if items is None:
        return []
    if not isinstance(items, list):
        problems.append(f"{rid}: {field} must be a list")
        return []
    for index, item in enumerate(items):
        if not isinstance(item, dict) or not _has_text(item.get(text_key)):
            problems.append(f"{rid}: {field}[{index}] lacks {text_key!r}")
        elif not _has_text(item.get("source")):
            problems.append(f"{rid}: {field}[{index}] has no source")
    return items


def _check_record_sources(record: dict[str, Any], rid: str, problems: list[str]) -> None:
    """A record lists its sources; each has a title and at least one has a URL."""
    sources = record.get("sources")
    if not isinstance(sources, list) or not sources:
        problems.append(f"{rid}: no sources")
        return
    if any(not isinstance(s, dict) or not _has_text(s.get("title")) for s in sources):
        problems.append(f"{rid}: every source needs a title")
    if not any(isinstance(s, dict) and _has_text(s.get("url")) for s in sources):
        problems.append(f"{rid}: no source with a URL")


def _normalise_milestones(items: Any, rid: str, problems: list[str]) -> list[dict[str, Any]]:
    """Check milestones and add the (first) year as int for sorting."""
    result = []
    for index, item in enumerate(_check_sourced_items(items, rid, "milestones", "text", problems)):
        if not isinstance(item, dict):
            continue
        match = MILESTONE_DATE.match(str(item.get("date", "")))
        if not match:
            problems.append(f"{rid}: milestones[{index}] date {item.get('date')!r} is invalid")
            continue
        result.append({**item, "date": str(item["date"]), "year": int(match.group(1))})
    return result


def _record_id(record: dict, position: int, seen: set[str], problems: list[str]) -> str:
    """The record's id (a placeholder if it has none); missing and repeated ids are problems."""
    rid = record.get("id")
    if not _has_text(rid):
        problems.append(f"record {position}: no id")
        rid = f"record {position}"
    elif rid in seen:
        problems.append(f"{rid}: duplicate id")
    seen.add(rid)
    return rid


def build_cooperations(curated_path: str | Path, municipalities: pd.DataFrame) -> list[dict]:
    """Validate the curated cooperations and return normalised records.

    `municipalities` (columns ags, name, state_key) is the set of known AGS with official names,
    e.g. the union of all register years from `known_municipalities`. Adds `member_ags`, each
    member's `official_name` and `lead_official_name`; raises DataValidationError when ids repeat,
    a member AGS is malformed or unknown, `states` do not match the members' AGS prefixes, or a
    record, member, project or milestone has no source.
    """
    file = str(curated_path)
    records = _load_yaml_list(curated_path)
    names = _municipality_names(file, municipalities)
    problems: list[str] = []
    unknown: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    result = []
    for position, record in enumerate(records):
        rid = _record_id(record, position, seen, problems)
        _check_cooperation_fields(record, rid, problems)
        members = _listed_municipalities(
            record, "members", ("name", "role", "source"), rid, names, problems, unknown, True
        )
        member_ags = [m["ags"] for m in members if m["ags"]]
        _check_members(members, member_ags, rid, problems)
        _check_states(record.get("states") or [], member_ags, rid, problems)
        lead_ags = _ags(record.get("lead_ags"), f"{rid}: lead_ags", problems)
        if lead_ags and lead_ags not in member_ags:
            problems.append(f"{rid}: lead_ags {lead_ags} is not a member")
        _check_year_and_role(record, rid, problems)
        not_members = _listed_municipalities(
            record,
            "not_members",
            ("name", "note", "source"),
            rid,
            names,
            problems,
            unknown,
            members_already=member_ags,
        )
        key_projects = _check_sourced_items(
            record.get("key_projects"), rid, "key_projects", "text", problems
        )
        milestones = _normalise_milestones(record.get("milestones"), rid, problems)
        uncertain = record.get("uncertain") or ""
        if not isinstance(uncertain, str):
            problems.append(f"{rid}: uncertain must be a string")
        normalised = _with_members(record, members, member_ags, lead_ags, names)
        normalised.update(
            not_members=not_members,
            key_projects=key_projects,
            milestones=milestones,
            uncertain=uncertain.strip() if isinstance(uncertain, str) else "",
        )
        result.append(normalised)
    if unknown:
        problems.append(_unknown_message(unknown))
    _raise_if(file, problems)
    return result


def _check_cooperation_fields(record: dict, rid: str, problems: list[str]) -> None:
    for field in COOPERATION_FIELDS:
        if field not in record:
            problems.append(f"{rid}: field {field!r} is missing")
    for field in ("name", "short_name", "summary", "role_at_workshop"):
        if field in record and not _has_text(record.get(field)):
            problems.append(f"{rid}: {field} is empty")
    if record.get("kind") not in COOPERATION_KINDS:
        problems.append(f"{rid}: kind must be one of {COOPERATION_KINDS}")
    _check_record_sources(record, rid, problems)


def _listed_municipalities(
    record: dict,
    key: str,
    required: tuple[str, ...],
    rid: str,
    names: Mapping[str, str],
    problems: list[str],
    unknown: list[tuple[str, str, str]],
    need_ags: bool = False,
    members_already: Sequence[str] = (),
) -> list[dict]:
    """The entries of `members` or `not_members` with their checked AGS and official name
    (`need_ags`: an entry without AGS is a problem; `members_already`: AGS an entry must not
    have)."""
    entries = []
    for index, entry in enumerate(record.get(key) or []):
        where = f"{rid}: {key}[{index}]"
        if not isinstance(entry, dict):
            problems.append(f"{where} is not a mapping")
            continue
        ags = _ags(entry.get("ags"), where, problems)
        if need_ags and ags is None and entry.get("ags") in (None, ""):
            problems.append(f"{where} has no AGS")
        if ags and ags not in names:
            unknown.append((rid, str(entry.get("name")), ags))
        if ags and ags in members_already:
            problems.append(f"{where}: {ags} is also listed as a member")
        for field in required:
            if not _has_text(entry.get(field)):
                problems.append(f"{where} has no {field}")
        entries.append({**entry, "ags": ags, "official_name": names.get(ags) if ags else None})
    return entries


def _check_members(
    members: list[dict], member_ags: list[str], rid: str, problems: list[str]
) -> None:
    if not members:
        problems.append(f"{rid}: no members")
    if len(set(member_ags)) != len(member_ags):
        problems.append(f"{rid}: a member AGS is listed twice")


def _check_states(states: object, member_ags: list[str], rid: str, problems: list[str]) -> None:
    """`states` lists exactly the states of the members (a cooperation may cross a border)."""
    if not isinstance(states, list) or any(s not in STATE_NAMES for s in states):
        problems.append(f"{rid}: states must be a list of 2-digit state keys")
    elif member_ags and set(states) != {ags[:2] for ags in member_ags}:
        problems.append(
            f"{rid}: states {sorted(states)} do not match member AGS prefixes "
            f"{sorted({ags[:2] for ags in member_ags})}"
        )


def _check_year_and_role(record: dict, rid: str, problems: list[str]) -> None:
    """The programme year and the role at the workshop each need their source."""
    programme_year = record.get("programme_year")
    if programme_year is not None and (
        isinstance(programme_year, bool) or not isinstance(programme_year, int)
    ):
        problems.append(f"{rid}: programme_year must be an int or null")
    elif programme_year is not None and not _has_text(record.get("programme_year_source")):
        problems.append(f"{rid}: programme_year has no programme_year_source")
    if _has_text(record.get("role_at_workshop")) and not _has_text(
        record.get("role_at_workshop_source")
    ):
        problems.append(f"{rid}: role_at_workshop has no role_at_workshop_source")


def _with_members(
    record: dict,
    members: list[dict],
    member_ags: list[str],
    lead_ags: str | None,
    names: Mapping[str, str],
) -> dict[str, Any]:
    """The record in its own key order, with checked members, `member_ags` right after them
    and the lead's official name right after `lead_ags`."""
    normalised: dict[str, Any] = {}
    for key, value in record.items():
        normalised[key] = value
        if key == "members":
            normalised["members"] = members
            normalised["member_ags"] = member_ags
        elif key == "lead_ags":
            normalised["lead_ags"] = lead_ags
            normalised["lead_official_name"] = names.get(lead_ags) if lead_ags else None
    return normalised


NOTE_FIELDS = ("uncertain",)


def load_measure_notes(path: str | Path, ids: Iterable[str]) -> dict[str, dict[str, str]]:
    """The curated reader-facing notes (curated/measure_notes.yaml): id -> {"uncertain": text}.

    Raises DataValidationError when the file is not a mapping, an id is not among `ids`, an
    entry has a field other than those in NOTE_FIELDS, or a text is empty.
    """
    file = str(path)
    data = read_yaml(path, dict, "a mapping of example ids to notes")
    known = set(ids)
    problems = []
    for rid, entry in data.items():
        if rid not in known:
            problems.append(f"{rid}: no practice example with this id")
        if not isinstance(entry, dict) or not entry:
            problems.append(f"{rid}: must be a mapping with {NOTE_FIELDS}")
            continue
        for key, value in entry.items():
            if key not in NOTE_FIELDS:
                problems.append(f"{rid}: unknown field {key!r} (allowed: {NOTE_FIELDS})")
            elif not _has_text(value):
                problems.append(f"{rid}: {key} is empty")
    _raise_if(file, problems)
    return {
        rid: {key: value.strip() for key, value in entry.items()} for rid, entry in data.items()
    }


def build_measures(
    examples_path: str | Path, municipalities: pd.DataFrame, notes_path: str | Path | None = None
) -> list[dict]:
    """Convert the researched practice examples into the project's normalised measure records.

    `municipalities` is the set of known AGS with names (see `build_cooperations`). Empty AGS
    (Ämter, Samtgemeinden) become null and the member is kept. `notes_path` (optional,
    curated/measure_notes.yaml) replaces the `uncertain` note of the listed examples with a
    text written for readers. Raises DataValidationError for duplicate ids, unknown states,
    malformed or unknown AGS (all unknown keys are listed), coordinates outside Germany, records
    without a source URL and notes for unknown ids.
    """
    file = str(examples_path)
    records = _load_yaml_list(examples_path)
    notes = (
        load_measure_notes(notes_path, (r.get("id") for r in records))
        if notes_path is not None
        else {}
    )
    names = _municipality_names(file, municipalities)
    problems: list[str] = []
    unknown: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    result = []
    for position, raw in enumerate(records):
        rid = _record_id(raw, position, seen, problems)

        state = raw.get("state")
        state_key = STATE_ABBREVIATIONS.get(state) if isinstance(state, str) else None
        if state_key is None:
            problems.append(f"{rid}: unknown state {state!r}")

        members = []
        for index, member in enumerate(raw.get("members") or []):
            where = f"{rid}: members[{index}]"
            if not isinstance(member, dict) or not _has_text(member.get("name")):
                problems.append(f"{where} has no name")
                continue
            ags = _ags(member.get("ags"), where, problems)
            if ags and ags not in names:
                unknown.append((rid, member["name"], ags))
            official = names.get(ags) if ags else None
            members.append({"name": member["name"], "ags": ags, "official_name": official})
        if not members:
            problems.append(f"{rid}: no members")

        lead = raw.get("lead") or None
        lead_ags = next((m["ags"] for m in members if lead and m["name"] == lead), None)

        lat, lon = raw.get("lat"), raw.get("lon")
        for label, value in (("lat", lat), ("lon", lon)):
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int | float)
            ):
                problems.append(f"{rid}: {label} {value!r} is not a number")
        if isinstance(lat, int | float) and isinstance(lon, int | float):
            try:
                check_in_germany(file, [float(lon)], [float(lat)])
            except DataValidationError as error:
                problems.append(f"{rid}: {error.problem}")

        source_url = raw.get("source_url")
        if not _has_text(source_url):
            problems.append(f"{rid}: no source URL")
        uncertain = notes.get(rid, {}).get("uncertain", raw.get("uncertain") or "")

        result.append(
            {
                "id": rid,
                "name": raw.get("name"),
                "state": state,
                "state_key": state_key,
                "members": members,
                "member_ags": [m["ags"] for m in members if m["ags"]],
                "lead": lead,
                "lead_ags": lead_ags,
                "since": _year(raw.get("since"), f"{rid}: since", problems),
                "themes": list(raw.get("themes") or []),
                "projects": list(raw.get("projects") or []),
                "summary": raw.get("summary") or "",
                "lat": float(lat) if isinstance(lat, int | float) else None,
                "lon": float(lon) if isinstance(lon, int | float) else None,
                "source": {"title": raw.get("source_title") or "", "url": source_url},
                "uncertain": str(uncertain).strip(),
                "is_cooperation": len(members) > 1,
            }
        )
    if unknown:
        problems.append(_unknown_message(unknown))
    _raise_if(file, problems)
    return result


class _QuotingDumper(yaml.SafeDumper):
    """Safe dumper that always quotes digit-only strings, so AGS keep their leading zeros."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    """Quote digit-only strings (AGS, years as text); leave other strings to the default style."""
    style = "'" if value.isdigit() else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_QuotingDumper.add_representer(str, _represent_str)


def write_yaml(records: list[dict], path: str | Path, header_comment: str) -> Path:
    """Write records as UTF-8 YAML below a comment header that names the source."""
    if not header_comment.strip():
        raise ValueError("header_comment must name the source of the data")
    header = "".join(
        (line if line.startswith("#") else f"# {line}".rstrip()) + "\n"
        for line in header_comment.strip().splitlines()
    )
    body = yaml.dump(
        records,
        Dumper=_QuotingDumper,
        allow_unicode=True,
        sort_keys=False,
        width=100,
        default_flow_style=False,
    )
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(header + body, encoding="utf-8")
    return target


def write_curated(
    out: Path, cooperations: list[dict], known: pd.DataFrame, examples: Path, notes: Path
) -> None:
    """cooperations.yaml (from curated/cooperations.yaml) and measures.yaml (the examples of
    the fact collection with the curated notes on uncertain readings)."""
    write_yaml(cooperations, out / "cooperations.yaml", "Erzeugt aus curated/cooperations.yaml")
    measures = build_measures(examples, known, notes)
    write_yaml(
        measures,
        out / "measures.yaml",
        "Erzeugt aus den Praxisbeispielen der Faktensammlung (facts/examples.yaml);\n"
        "Hinweise „Unsicher“ in Leserfassung aus curated/measure_notes.yaml",
    )
    log.info("cooperations: %d, measures: %d", len(cooperations), len(measures))
