"""Validate the hand-curated workshop programme and write data/programme.yaml.

Run alone with `python -m databuild.programme` (reads curated/programme.yaml and
data/cooperations.yaml, writes data/programme.yaml); `python -m databuild` runs it as one step.
"""

from __future__ import annotations

import copy
import logging
import sys
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from databuild.curated_yaml import read_yaml
from ksg_dashboard.core import config
from ksg_dashboard.core.clock import minutes_of_day
from ksg_dashboard.core.config import STATE_NAMES
from ksg_dashboard.core.validation import DataValidationError
from ksg_dashboard.programme.model import page_paths, parse_ref

log = logging.getLogger("databuild.programme")

KINDS = ("pause", "vortrag", "rundfahrt", "diskussion", "thementische", "ende")
REQUIRED = ("title", "subtitle", "dates", "place", "source", "guiding_questions", "days")
HEADER = (
    "# Erzeugt von databuild/programme.py aus curated/programme.yaml (Programmfaltblatt der\n"
    "# Transferwerkstatt); nicht von Hand bearbeiten.\n"
    "# Endzeiten mit end_derived: true sind aus dem Beginn des nächsten Punkts abgeleitet.\n"
)


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _check_refs(
    refs: Any, where: str, cooperation_ids: set[str], pages: set[str], problems: list[str]
) -> None:
    if refs is None:
        return
    if not isinstance(refs, list):
        problems.append(f"{where}: about must be a list")
        return
    for ref in refs:
        try:
            kind, value = parse_ref(ref)
        except ValueError as error:
            problems.append(f"{where}: {error}")
            continue
        known = {"region": cooperation_ids, "land": set(STATE_NAMES), "seite": pages}[kind]
        if value not in known:
            problems.append(f"{where}: unknown {kind} {value!r}")


def _check_speakers(speakers: Any, where: str, problems: list[str]) -> None:
    if speakers is None:
        return
    if not isinstance(speakers, list):
        problems.append(f"{where}: speakers must be a list")
        return
    for index, speaker in enumerate(speakers):
        if not isinstance(speaker, dict) or not (
            _text(speaker.get("name")) or _text(speaker.get("organisation"))
        ):
            problems.append(f"{where}: speakers[{index}] needs a name or an organisation")


def _check_item(
    item: Any, where: str, cooperation_ids: set[str], pages: set[str], problems: list[str]
) -> None:
    if not _text(item.get("title")):
        problems.append(f"{where}: no title")
    if item.get("kind") not in KINDS:
        problems.append(f"{where}: kind {item.get('kind')!r} not in {KINDS}")
    _check_speakers(item.get("speakers"), where, problems)
    _check_refs(item.get("about"), where, cooperation_ids, pages, problems)
    for index, part in enumerate(item.get("parts") or []):
        part_where = f"{where}.parts[{index}]"
        if not isinstance(part, dict) or not _text(part.get("title")):
            problems.append(f"{part_where}: no title")
            continue
        _check_speakers(part.get("speakers"), part_where, problems)
        _check_refs(part.get("about"), part_where, cooperation_ids, pages, problems)


def _with_end_times(day_items: list[dict], where: str, problems: list[str]) -> list[dict]:
    """Check that start times ascend and give each item an end: its own or the next start."""
    starts = [minutes_of_day(i.get("time")) for i in day_items]
    for item, start in zip(day_items, starts, strict=True):
        if start is None:
            problems.append(f"{where} {item.get('id')}: time {item.get('time')!r} is not HH:MM")
    result = []
    for index, item in enumerate(day_items):
        start = starts[index]
        following = starts[index + 1] if index + 1 < len(day_items) else None
        if start is not None and following is not None and following <= start:
            problems.append(f"{where}: times not ascending at {item.get('id')}")
        end = item.get("end")
        derived = False
        if end is not None:
            end_minutes = minutes_of_day(end)
            if end_minutes is None or (start is not None and end_minutes <= start):
                problems.append(f"{where} {item.get('id')}: end {end!r} invalid")
        elif following is not None:
            end, derived = day_items[index + 1]["time"], True
        result.append({**item, "end": end, "end_derived": derived})
    return result


def build_programme(
    curated_path: str | Path, cooperation_ids: Iterable[str], pages: Iterable[str] | None = None
) -> dict:
    """Validate the curated programme and return it with end times added.

    Raises DataValidationError listing every problem: missing fields, duplicate item ids, times
    that are malformed or not ascending within a day, unknown kinds, speakers without name and
    organisation, and references to unknown cooperations, states or pages.
    """
    file = str(curated_path)
    raw = read_yaml(curated_path, dict, "a mapping")
    programme = copy.deepcopy(raw)
    problems = [f"missing {key!r}" for key in REQUIRED if not raw.get(key)]
    if problems:
        raise DataValidationError(file, "; ".join(problems))
    if not _text((raw.get("source") or {}).get("title")):
        problems.append("source needs a title")
    known_ids = set(cooperation_ids)
    known_pages = set(page_paths() if pages is None else pages)
    seen: set[str] = set()
    days = []
    for day_index, day in enumerate(raw["days"]):
        where = f"days[{day_index}]"
        try:
            date.fromisoformat(str(day.get("date")))
        except ValueError:
            problems.append(f"{where}: date {day.get('date')!r} is not YYYY-MM-DD")
        if not _text(day.get("label")) or not day.get("items"):
            problems.append(f"{where}: needs a label and items")
            continue
        for item in day["items"]:
            item_id = item.get("id")
            if not _text(item_id):
                problems.append(f"{where}: item without id")
            elif item_id in seen:
                problems.append(f"{where}: duplicate item id {item_id!r}")
            seen.add(item_id)
            _check_item(item, f"{where} {item_id}", known_ids, known_pages, problems)
        days.append({**day, "items": _with_end_times(day["items"], where, problems)})
    programme["days"] = days
    tables = raw.get("theme_tables") or {}
    if tables:
        if tables.get("item") not in seen:
            problems.append(f"theme_tables: unknown item {tables.get('item')!r}")
        if not tables.get("tables") or not all(_text(t) for t in tables["tables"]):
            problems.append("theme_tables: needs a list of table titles")
    if problems:
        raise DataValidationError(file, "; ".join(problems))
    return programme


def write_programme(programme: dict, path: str | Path) -> Path:
    """Write the programme as UTF-8 YAML below a header naming its source."""
    body = yaml.safe_dump(programme, allow_unicode=True, sort_keys=False, width=100)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(HEADER + body, encoding="utf-8")
    return target


def count_items(programme: dict) -> int:
    """Number of programme items over all days."""
    return sum(len(day["items"]) for day in programme["days"])


def main() -> int:
    """Build data/programme.yaml from curated/programme.yaml; exit 1 on a data problem."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    out = config.data_dir()
    try:
        cooperations = yaml.safe_load((out / "cooperations.yaml").read_text(encoding="utf-8"))
        programme = build_programme(
            config.REPO_ROOT / "curated" / "programme.yaml", [c["id"] for c in cooperations]
        )
    except (DataValidationError, OSError) as error:
        log.error("programme build failed: %s", error)
        return 1
    write_programme(programme, out / "programme.yaml")
    log.info("programme: %d items -> %s", count_items(programme), out / "programme.yaml")
    return 0


if __name__ == "__main__":
    sys.exit(main())
