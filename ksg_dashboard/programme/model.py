"""The workshop programme (data/programme.yaml): items per day, links to views, the 'now' item."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

import yaml

from ksg_dashboard.core.config import STATE_NAMES, data_dir
from ksg_dashboard.core.navigation import PAGES
from ksg_dashboard.core.text import quote
from ksg_dashboard.core.validation import DataValidationError, check_manifest_size
from ksg_dashboard.data.schemas import check_programme

REF_RE = re.compile(r"^(region|land|seite):([a-z0-9-]+)$")
PAGE_LABELS = {
    "tour": "Zur Rundfahrt",
    "beispiele": "Zu den Beispielen aus der Programmumsetzung",
}
KIND_ICONS = {
    "pause": "☕",
    "vortrag": "🎤",
    "rundfahrt": "🚌",
    "diskussion": "💬",
    "thementische": "🗂️",
    "ende": "🏁",
}
FILE = "programme.yaml"


@dataclass(frozen=True)
class Link:
    """A view of the app an item refers to: page path ("" = overview) and query parameters."""

    label: str
    path: str
    params: dict[str, str] = field(default_factory=dict)

    def href(self, base_path: str = "", extra: Mapping[str, str] | None = None) -> str:
        """Relative URL (absolute path) of the view, e.g. "/?region=ag-bachtal" or "/tour"."""
        base = base_path.strip("/")
        prefix = "/" + (f"{base}/" if base else "") + self.path
        params = {**self.params, **(extra or {})}
        return f"{prefix}?{urlencode(params, safe=',')}" if params else prefix


def read_programme(directory=None) -> dict:
    """data/programme.yaml as written by the data build (a mapping with days and items)."""
    path = (directory or data_dir()) / FILE
    if not path.exists():
        raise DataValidationError(FILE, "Datei fehlt")
    check_manifest_size(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as error:
        raise DataValidationError(FILE, f"kein gültiges YAML ({type(error).__name__})") from error
    if not isinstance(data, dict) or not isinstance(data.get("days"), list):
        raise DataValidationError(FILE, "erwartet ein Programm mit Tagen (days)")
    return check_programme(FILE, data)


def parse_ref(ref: str) -> tuple[str, str]:
    """('region', id), ('land', key) or ('seite', path) from a reference string."""
    match = REF_RE.match(str(ref))
    if not match:
        raise ValueError(f"invalid reference {ref!r} (expected region:/land:/seite:)")
    return match.group(1), match.group(2)


def page_paths() -> set[str]:
    """URL paths of the app's pages other than the overview."""
    return {spec.url_path for spec in PAGES if spec.url_path}


def link_for(ref: str, cooperation_names: Mapping[str, str]) -> Link:
    """The view a reference opens: a cooperation or a state on the overview map, or a page."""
    kind, value = parse_ref(ref)
    if kind == "region":
        name = cooperation_names.get(value, value)
        return Link(f"{name} auf der Übersichtskarte", "", {"region": value})
    if kind == "land":
        return Link(f"{STATE_NAMES.get(value, value)} auf der Übersichtskarte", "", {"land": value})
    return Link(PAGE_LABELS.get(value, value), value)


def refs_of(entry: Mapping) -> list[str]:
    """An item's or part's references, the item's own first, then those of its parts."""
    refs = list(entry.get("about") or [])
    for part in entry.get("parts") or []:
        refs += [r for r in part.get("about") or [] if r not in refs]
    return refs


def links_for(entry: Mapping, cooperation_names: Mapping[str, str]) -> list[Link]:
    """Links of an item or part (only its own `about`, not its parts')."""
    return [link_for(ref, cooperation_names) for ref in entry.get("about") or []]


def items(programme: Mapping) -> list[dict]:
    """All items in order, each with its day's `date` and `day_label` added."""
    result = []
    for day in programme["days"]:
        for item in day["items"]:
            result.append({**item, "date": day["date"], "day_label": day["label"]})
    return result


def item_by_id(programme: Mapping, item_id: str | None) -> dict | None:
    """The item with that id, if any."""
    return next((i for i in items(programme) if i["id"] == item_id), None)


def next_item(programme: Mapping, item_id: str) -> dict | None:
    """The item after the given one (across days), if any."""
    ordered = items(programme)
    ids = [i["id"] for i in ordered]
    if item_id not in ids or ids.index(item_id) + 1 >= len(ordered):
        return None
    return ordered[ids.index(item_id) + 1]


def step_item(programme: Mapping, item_id: str | None, step: int) -> str | None:
    """Id of the item `step` places after (negative: before) the given one, across days.

    Without a current item, a step forward starts at the first item; past either end there
    is none (None)."""
    ids = [i["id"] for i in items(programme)]
    if item_id not in ids:
        return ids[0] if step > 0 and ids else None
    target = ids.index(item_id) + step
    return ids[target] if 0 <= target < len(ids) else None


def time_label(item: Mapping) -> str:
    """'13.00–14.00 Uhr' in the programme's style; '19.00 Uhr' when there is no end."""
    start = item["time"].replace(":", ".").lstrip("0") or "0"
    if item.get("end"):
        return f"{start}–{item['end'].replace(':', '.').lstrip('0')} Uhr"
    return f"{start} Uhr"


def speaker_label(speaker: Mapping) -> str:
    """'Jochen Reinicke, Bürgermeister, Stadt Gröditz' (missing parts left out)."""
    parts = [speaker.get(k) for k in ("name", "role", "organisation")]
    return ", ".join(p for p in parts if p)


def parse_point(
    params: Mapping[str, Iterable[str] | str], item_ids: Iterable[str]
) -> tuple[str | None, list[str]]:
    """The 'now' item from `punkt`; an unknown id gives a German note instead of an error."""
    raw = params.get("punkt", [])
    values = [raw] if isinstance(raw, str) else list(raw)
    if not values:
        return None, []
    value = str(values[-1]).strip()
    if not value:  # `?punkt=`: no item chosen, nothing to correct
        return None, []
    if value in set(item_ids):
        return value, []
    return None, [f"Unbekannter Programmpunkt {quote(value)} wurde ignoriert."]


def items_about(programme: Mapping, ref: str) -> list[dict]:
    """Items whose own or parts' references include `ref` (e.g. 'region:ag-bachtal')."""
    return [item for item in items(programme) if ref in refs_of(item)]


def cooperation_names(cooperations: Iterable[Mapping]) -> dict[str, str]:
    """Short name per cooperation id, for link labels."""
    return {c["id"]: c.get("short_name") or c["name"] for c in cooperations}
