"""Streamlit parts for the Gemeindeverbände: the relation of a cooperation to the formal bodies."""

from __future__ import annotations

import html
from collections.abc import Sequence

import streamlit as st

from ksg_dashboard.app import widgets as ui
from ksg_dashboard.app.cache import load_association_data, load_sources
from ksg_dashboard.associations import model as associations
from ksg_dashboard.core import numbers


def association_data() -> associations.AssociationData | None:
    """The bodies, or None (with a message naming the file) if their files are broken."""
    return ui.load_or_default(load_association_data, None)


def relation_section(member_ags: Sequence[str], names: dict[str, str]) -> None:
    """'Gemeindeverbände': how the members relate to the formal bodies, per period."""
    data = association_data()
    if data is None or not member_ags:
        return
    st.markdown("**Gemeindeverbände** (Ämter, Verwaltungsgemeinschaften, Verbandsgemeinden …)")
    lines = []
    for label, rel in associations.timeline(data, member_ags):
        text = html.escape(associations.short_text(rel, names))
        lines.append(f"<li><b>{html.escape(label)}:</b> {text}</li>")
    st.html(f'<ul class="ksg-relations">{"".join(lines)}</ul>')
    st.caption(
        f"Stand jeweils 31.12.; die Werkstatt im März 2019 fiel in den Stand "
        f"31.12.{associations.WORKSHOP_YEAR}."
    )
    ui.sources_caption(ui.load_or_default(load_sources, {}), ["associations"])


def membership_line(ags: str) -> None:
    """The body a municipality belongs to in the latest year (or 'verbandsfrei')."""
    data = association_data()
    if data is None:
        return
    year = data.last_year
    rows = data.members[(data.members["year"] == year) & (data.members["ags"] == ags)]
    if rows.empty:
        known = data.known[(data.known["year"] == year) & (data.known["ags"] == ags)]
        text = "verbandsfrei" if not known.empty else f"zum 31.12.{year} nicht geführt"
    else:
        record = associations.body_record(data, str(rows["association_key"].iloc[0]), year)
        members = numbers.count(record["members"], "Mitglied", "Mitglieder")
        text = f"{record['display_name']} ({record['type']}, {members})"
    st.markdown(f"**Gemeindeverband {year}:** {html.escape(text)}")


def card_lines(member_sets: dict[str, Sequence[str]]) -> dict[str, str]:
    """Per example id, the latest relation (and the workshop year's, where it differs)."""
    data = association_data()
    if data is None:
        return {}
    key = tuple((k, tuple(v)) for k, v in member_sets.items() if v)
    return dict(_card_lines(key, data))


@st.cache_resource(show_spinner=False, max_entries=64)
def _card_lines(
    member_sets: tuple[tuple[str, tuple[str, ...]], ...],
    _data: associations.AssociationData,
) -> tuple[tuple[str, str], ...]:
    out = []
    last, workshop_year = _data.last_year, associations.WORKSHOP_YEAR
    for example_id, ags in member_sets:
        latest = associations.short_text(associations.relation(_data, ags, last))
        text = f"{latest} (31.12.{last})"
        workshop = associations.short_text(associations.relation(_data, ags, workshop_year))
        if workshop != latest:
            text += f"; zur Zeit der Werkstatt {workshop} (31.12.{workshop_year})"
        out.append((example_id, text))
    return tuple(out)
