"""Streamlit parts for the Gemeindeverbände: the relation of a cooperation to the formal bodies."""

from __future__ import annotations

import html
from collections.abc import Sequence

import streamlit as st

from ksg_dashboard import associations, ui
from ksg_dashboard.loaders import load_association_data, load_sources


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
        text = f"{record['display_name']} ({record['type']}, {record['members']} Mitglieder)"
    st.markdown(f"**Gemeindeverband {year}:** {html.escape(text)}")


def card_lines(member_sets: dict[str, Sequence[str]]) -> dict[str, str]:
    """Per example id, the latest relation (and the workshop year's, where it differs)."""
    data = association_data()
    if data is None:
        return {}
    out = {}
    for key, ags in member_sets.items():
        if not ags:
            continue
        latest = associations.relation(data, ags, data.last_year)
        text = f"{data.last_year}: {associations.short_text(latest)}"
        workshop = associations.relation(data, ags, associations.WORKSHOP_YEAR)
        if associations.short_text(workshop) != associations.short_text(latest):
            text = f"{associations.WORKSHOP_YEAR}: {associations.short_text(workshop)} · " + text
        out[key] = text
    return out
