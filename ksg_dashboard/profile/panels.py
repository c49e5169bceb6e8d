"""Streamlit part of the Regionsprofil: the PDF download of any selection (built on click)."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from ksg_dashboard.app import sidebar as filters
from ksg_dashboard.app import widgets as ui
from ksg_dashboard.app.cache import (
    load_cooperations,
    load_migration,
    load_municipal_age,
    load_municipalities,
    load_overview_data,
    load_region_age,
    load_region_migration,
)
from ksg_dashboard.core.selection import Selection
from ksg_dashboard.core.validation import DataValidationError
from ksg_dashboard.profile import model as profile


def profile_download(
    selection: Selection,
    ags: list[str],
    mode: str,
    sources: dict,
    url_path: str,
    key: str,
    page_params: dict[str, str] | None = None,
) -> None:
    """The Regionsprofil (PDF) of the selection, generated only when clicked: Streamlit runs
    the callable on the download request, not on every rerun, so the page loads no extra
    frames (the overview's polygons, the 2015 tables) until someone asks for a profile. Age
    and migration are left out, with a note in the PDF, if their files cannot be read."""
    if not ags:
        st.caption("Regionsprofil (PDF): zuerst eine Region, ein Land oder eine Gemeinde wählen.")
        return
    cooperations = filters.session_cooperations(ui.load_quietly(load_cooperations, []))
    register = ui.load_quietly(load_municipalities, None)
    if register is None:
        return
    link = filters.permalink_url(url_path, page_params)
    title, _, _ = profile.title_of(selection, register, cooperations)

    def pdf() -> bytes:
        # Imported on the first download: matplotlib and fpdf2 are ~45 MB of a process's memory
        # that page views never need.
        from ksg_dashboard.profile.pdf import error_pdf, render_pdf

        try:
            data = replace(load_overview_data(mode), cooperations=cooperations)
        except DataValidationError as error:
            return error_pdf(
                f"Die Datendatei {error.file} ist fehlerhaft oder fehlt ({error.problem}). "
                "Bitte die Daten mit „make data“ neu erzeugen."
            )
        frames = {
            name: ui.load_quietly(loader, None)
            for name, loader in (
                ("age", load_municipal_age),
                ("migration", load_migration),
                ("region_age", load_region_age),
                ("region_migration", load_region_migration),
            )
        }
        model = profile.build_profile(
            data, selection, list(ags), sources, mode, permalink=link, **frames
        )
        return render_pdf(model)

    st.download_button(
        "Regionsprofil (PDF)",
        data=pdf,
        file_name=profile.file_name(title),
        mime="application/pdf",
        on_click="ignore",
        key=key,
        icon="📄",
        help="Zwei Seiten A4 zum Ausdrucken: Karte, Kennzahlen mit Stichtag, Entwicklung, Alter "
        "und Wanderung 2015, Gemeinden, Quellen und Lizenzen, Link als QR-Code. Wird beim "
        "Klicken erstellt (etwa 1–3 s).",
    )
