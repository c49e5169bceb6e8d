"""Streamlit parts of the page "Indikatoren & Quellen": one entry per indicator, the sources."""

from __future__ import annotations

import html
from collections.abc import Mapping

import streamlit as st

from ksg_dashboard.core.indicator_catalogue import BY_KEY, CATALOGUE, THEMES, IndicatorDoc, in_theme
from ksg_dashboard.core.text import quote

PARAM = "indikator"
KEY_THEME = "indikatoren.thema"
ALL_THEMES = "alle"


def requested_entry(query: Mapping[str, str]) -> tuple[str | None, str | None]:
    """The entry asked for by `?indikator=<key>` and a German note if the key is unknown."""
    value = (query.get(PARAM) or "").strip()
    if not value:
        return None, None
    if value in BY_KEY:
        return value, None
    return None, f"Unbekannter Indikator {quote(value)} – es werden alle Einträge gezeigt."


def _sources_html(doc: IndicatorDoc, sources: Mapping[str, dict]) -> str:
    items = []
    for dataset in doc.sources:
        record = sources.get(dataset)
        if record is None:
            continue
        text = html.escape(record.get("attribution") or record.get("title", dataset))
        licence = html.escape(record.get("licence") or "")
        items.append(f"<li>{text}<br><span class='ksg-source'>Lizenz: {licence}</span></li>")
    return "<ul style='margin:.1rem 0 .3rem 1.1rem;padding:0'>" + "".join(items) + "</ul>"


def entry(doc: IndicatorDoc, sources: Mapping[str, dict], expanded: bool) -> None:
    """One indicator: definition, formula, unit, reference date, level, sources, caveats."""
    with st.expander(f"{doc.title} · {THEMES[doc.theme]}", expanded=expanded):
        rows = [
            ("Definition", doc.definition),
            ("Berechnung", doc.formula),
            ("Einheit", doc.unit or "Indexwert"),
            ("Stichtag / Zeitraum", doc.reference),
            ("Räumliche Ebene", doc.level),
            ("URL-Schlüssel", doc.key),
        ]
        body = "".join(
            f"<tr><th style='text-align:left;padding-right:1rem;vertical-align:top'>"
            f"{html.escape(label)}</th><td>{html.escape(value)}</td></tr>"
            for label, value in rows
        )
        st.html(f"<table class='ksg-indicator-entry'>{body}</table>")
        st.html("<b>Quellen</b>" + _sources_html(doc, sources))
        if doc.caveats:
            st.html(
                "<b>Hinweise</b><ul style='margin:.1rem 0 0 1.1rem;padding:0'>"
                + "".join(f"<li>{html.escape(c)}</li>" for c in doc.caveats)
                + "</ul>"
            )


def theme_filter() -> str:
    """Which theme's entries to list (all by default)."""
    options = [ALL_THEMES, *THEMES]
    labels = {ALL_THEMES: "Alle", **THEMES}
    return (
        st.segmented_control(
            "Themenbereich",
            options,
            format_func=labels.get,
            key=KEY_THEME,
            default=ALL_THEMES,
        )
        or ALL_THEMES
    )


def entries(theme: str, requested: str | None, sources: Mapping[str, dict]) -> None:
    """The entries of a theme (or all), the requested one first and open."""
    docs = list(CATALOGUE) if theme == ALL_THEMES else in_theme(theme)
    if requested:
        docs.sort(key=lambda d: d.key != requested)
    for doc in docs:
        entry(doc, sources, expanded=doc.key == requested)


def sources_table(sources: Mapping[str, dict]) -> None:
    """Every dataset of the app with publisher, reference date and licence."""
    st.subheader("Quellen und Lizenzen")
    rows = "".join(
        "<tr>"
        f"<td>{html.escape(r.get('title', key))}</td>"
        f"<td>{html.escape(r.get('publisher', ''))}</td>"
        f"<td>{html.escape(r.get('reference_date', ''))}</td>"
        f"<td>{html.escape(r.get('licence', ''))}</td>"
        "</tr>"
        for key, r in sources.items()
    )
    st.html(
        "<table class='ksg-sources-table'><thead><tr><th>Datensatz</th><th>Herausgeber</th>"
        f"<th>Stand</th><th>Lizenz</th></tr></thead><tbody>{rows}</tbody></table>"
    )
