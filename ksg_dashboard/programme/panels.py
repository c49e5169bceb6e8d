"""Streamlit parts of the programme page: day timelines, links to views, the 'now' item."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping

import streamlit as st

from ksg_dashboard.app import url_state
from ksg_dashboard.app import widgets as ui
from ksg_dashboard.core.text import escape_markdown
from ksg_dashboard.programme import model as programme

KEY_STATE = "programm.state"  # canonical id of the 'now' item (None: nothing highlighted)
KEY_NOTES = "programm.notes"
KEY_POINT = "programm.punkt"  # the presenter's chooser (mirrors KEY_STATE)
ITEM_KEY_PREFIX = "programm.item."
KEY_BANNER = "programm.jetzt"
LINK_ICONS = {"region": "🗺️", "land": "🗺️", "tour": "🚌", "beispiele": "🏘️"}


def container_class(key: str) -> str:
    """The CSS class Streamlit gives a keyed container ("st-key-" + key with dots as dashes)."""
    return "st-key-" + re.sub(r"[^A-Za-z0-9_-]", "-", key)


def highlight_css(item_id: str | None) -> str:
    """Style that makes the 'now' item stand out (thick accent bar, tinted background)."""
    if not item_id:
        return ""
    item = "." + container_class(ITEM_KEY_PREFIX + item_id)
    banner = "." + container_class(KEY_BANNER)
    return (
        f"<style>{item}, {banner} {{ background: #fff4d6; border: 3px solid #e0a100 !important; "
        "box-shadow: 0 0 0 3px #e0a10040; }</style>"
    )


def page_header(data: Mapping, presenter: bool) -> None:
    """Title and what/when/where; presenter mode: one compact title line."""
    title = "Programm der Transferwerkstatt"
    if presenter:
        st.html(f'<div style="font-size:1.45rem;font-weight:700">{html.escape(title)}</div>')
        return
    st.title(title)
    moderation = data["moderation"]
    event = {k: escape_markdown(data[k]) for k in ("title", "subtitle", "dates", "place")}
    host = {k: escape_markdown(moderation[k]) for k in ("name", "organisation")}
    st.markdown(
        f"**{event['title']}** – {event['subtitle']}, {event['dates']} in {event['place']}. "
        f"Moderation: {host['name']}, {host['organisation']}."
    )


def init_state(item_ids: list[str]) -> None:
    """On the page's first run in a session, read the 'now' item from the URL (`punkt`)."""
    if KEY_STATE in st.session_state:
        return
    params = url_state.query_lists()
    point, notes = programme.parse_point(params, item_ids)
    st.session_state[KEY_STATE] = point
    st.session_state[KEY_NOTES] = notes


def current_point() -> str | None:
    """Id of the highlighted item, if any."""
    return st.session_state.get(KEY_STATE)


def _from_chooser() -> None:
    st.session_state[KEY_STATE] = st.session_state.get(KEY_POINT)


def sync_url(point: str | None) -> None:
    """Write the 'now' item into the URL (parameter `punkt`)."""
    url_state.write(("punkt",), {"punkt": point} if point else {})


def show_notes() -> None:
    """Notes about ignored URL values."""
    url_state.show_notes(KEY_NOTES)


def item_option(item: Mapping) -> str:
    """Chooser label: 'Mo 14.00 Uhr – Stadtentwicklung …'."""
    day = item["day_label"][:2]
    title = item["title"] if len(item["title"]) <= 60 else item["title"][:57] + " …"
    return f"{day} {programme.time_label(item).split('–')[0].removesuffix(' Uhr')} Uhr – {title}"


def _set_point(item_id: str | None) -> None:
    st.session_state[KEY_STATE] = item_id


def point_chooser(data: Mapping) -> None:
    """Presenter mode: choose the item running now (highlighted, shown on top), or step
    with "Vorheriger/Nächster Punkt" (or the arrow keys ←/→)."""
    all_items = {i["id"]: i for i in programme.items(data)}
    now = current_point()
    st.session_state[KEY_POINT] = now
    before, after = programme.step_item(data, now, -1), programme.step_item(data, now, 1)
    left, middle, right = st.columns([1.9, 3, 1.9], vertical_alignment="bottom")
    ui.step_button(left, "Vorheriger Punkt", "programm.prev", _set_point, before, forward=False)
    ui.step_button(right, "Nächster Punkt", "programm.next", _set_point, after, forward=True)
    middle.selectbox(
        "Jetzt läuft",
        options=list(all_items),
        format_func=lambda i: item_option(all_items[i]),
        index=None,
        key=KEY_POINT,
        on_change=_from_chooser,
        placeholder="Programmpunkt wählen …",
    )


def link_html(link: programme.Link, base_path: str, extra: Mapping[str, str]) -> str:
    """An in-app link that opens the view in the same tab (a permalink: full page load)."""
    target = link.path or ("land" if "land" in link.params else "region")
    icon = LINK_ICONS.get(target, "➡️")
    return (
        f'{icon} <a href="{html.escape(link.href(base_path, extra))}" target="_self" '
        f'class="ksg-programme-link">{html.escape(link.label)}</a>'
    )


def _speakers(entry: Mapping) -> list[str]:
    return [escape_markdown(programme.speaker_label(s)) for s in entry.get("speakers") or []]


def item_markdown(
    item: Mapping, names: Mapping[str, str], base_path: str, extra: Mapping[str, str]
) -> str:
    """One programme item as markdown with HTML links (render with unsafe_allow_html)."""
    icon = programme.KIND_ICONS.get(item.get("kind", ""), "")
    lines = [f"**{programme.time_label(item)}** {icon}", f"**{escape_markdown(item['title'])}**"]
    lines += [f"_{s}_" for s in _speakers(item)]
    if item.get("location"):
        lines.append(f"📍 {escape_markdown(item['location'])}")
    for part in item.get("parts") or []:
        part_lines = [f"- **{escape_markdown(part['title'])}**"]
        part_lines += [f"  <br>_{s}_" for s in _speakers(part)]
        part_lines += [
            f"  <br>{link_html(link, base_path, extra)}"
            for link in programme.links_for(part, names)
        ]
        lines.append("\n".join(part_lines))
    lines += [link_html(link, base_path, extra) for link in programme.links_for(item, names)]
    return "\n\n".join(lines)


def item_box(
    item: Mapping,
    names: Mapping[str, str],
    base_path: str,
    extra: Mapping[str, str],
    tables: Mapping | None,
    now: bool,
) -> None:
    """One item in a bordered box; the 'now' item gets a badge (and the highlight style)."""
    with st.container(border=True, key=ITEM_KEY_PREFIX + item["id"]):
        if now:
            st.markdown(":orange-badge[▶ Jetzt]")
        st.markdown(item_markdown(item, names, base_path, extra), unsafe_allow_html=True)
        if tables and tables.get("item") == item["id"]:
            st.markdown(
                "\n".join(f"{i}. {escape_markdown(t)}" for i, t in enumerate(tables["tables"], 1))
            )
            st.caption(f"{tables['format']} · Moderation: {tables['moderation']}")
        if item.get("uncertain"):
            st.caption(f"Unsicher: {item['uncertain']}")


def timeline(
    data: Mapping, names: Mapping[str, str], base_path: str, extra: Mapping[str, str]
) -> None:
    """Both days side by side (stacked on a phone), each item a box in time order."""
    now = current_point()
    if now:
        st.html(highlight_css(now))
    columns = st.columns(len(data["days"]), gap="medium")
    for column, day in zip(columns, data["days"], strict=True):
        with column:
            st.subheader(day["label"])
            for item in day["items"]:
                item_box(
                    {**item, "day_label": day["label"]},
                    names,
                    base_path,
                    extra,
                    data.get("theme_tables"),
                    item["id"] == now,
                )


def now_banner(
    data: Mapping, names: Mapping[str, str], base_path: str, extra: Mapping[str, str]
) -> None:
    """The chosen item large on top, with what comes next."""
    item = programme.item_by_id(data, current_point())
    if item is None:
        return
    with st.container(border=True, key=KEY_BANNER):
        st.markdown(f":orange-badge[▶ Jetzt] **{escape_markdown(item['day_label'])}**")
        st.markdown(item_markdown(item, names, base_path, extra), unsafe_allow_html=True)
        following = programme.next_item(data, item["id"])
        if following:
            st.caption(
                f"Danach: {programme.time_label(following)} – {following['title']}"
                + ("" if following["date"] == item["date"] else f" ({following['day_label']})")
            )


def guiding_questions(data: Mapping) -> None:
    """The workshop's four guiding questions."""
    st.subheader("Leitfragen")
    st.markdown(
        "\n".join(f"{i}. {escape_markdown(q)}" for i, q in enumerate(data["guiding_questions"], 1))
    )


def theme_tables(data: Mapping) -> None:
    """The four theme tables of the second day as a 2 × 2 grid."""
    tables = data.get("theme_tables")
    if not tables:
        return
    item = programme.item_by_id(data, tables["item"]) or {}
    st.subheader("Thementische")
    st.caption(
        f"{item.get('day_label', '')}, {programme.time_label(item) if item else ''}: "
        f"{tables['format']}. Moderation: {tables['moderation']}."
    )
    titles = tables["tables"]
    for start in range(0, len(titles), 2):
        columns = st.columns(2)
        for column, (number, title) in zip(
            columns, list(enumerate(titles, 1))[start : start + 2], strict=False
        ):
            with column.container(border=True):
                st.markdown(f"**Tisch {number}**\n\n{escape_markdown(title)}")
