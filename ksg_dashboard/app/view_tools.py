"""The view tools on every page: 'Link kopieren', the QR code for participants and, in
presenter mode, the region chooser and the arrow keys (top right, beside the navigation)."""

from __future__ import annotations

import html

import streamlit as st

from ksg_dashboard.app import browser_js, url_state
from ksg_dashboard.app import sidebar as filters
from ksg_dashboard.app import widgets as ui
from ksg_dashboard.app.cache import load_cooperations
from ksg_dashboard.assets import read_asset, style_block
from ksg_dashboard.core import share
from ksg_dashboard.core.selection import Selection

KEY_TOOLS = "ksg-tools"
KEY_REGION = "presenter.region"
NO_REGION = ""

TOOLS_CSS = style_block(read_asset("view_tools.css"))
PRESENTER_TOOLS_CSS = style_block(read_asset("view_tools_presenter.css"))


def current_page_params() -> dict[str, list[str]]:
    """The query parameters of this view, as the page has just written them."""
    return url_state.query_lists()


def _set_region() -> None:
    """Presenter's region chooser: one cooperation (or none); keeps presenter mode and list."""
    value = st.session_state.get(KEY_REGION) or NO_REGION
    current = filters.current_selection()
    st.session_state[filters.KEY_SELECTION] = Selection(
        regions=(value,) if value else (), presenter=True, custom=current.custom
    )


def region_chooser() -> None:
    """Presenter mode has no sidebar: choose the cooperation from the toolbar on every page."""
    cooperations = ui.load_quietly(load_cooperations, [])
    if not cooperations:
        return
    names = {c["id"]: c["short_name"] for c in cooperations}
    selection = filters.current_selection()
    chosen = next((r for r in selection.regions if r in names), NO_REGION)
    st.session_state[KEY_REGION] = chosen
    with st.popover(
        "🗺️ Region",
        key="presenter.region_popover",
        help=f"Gewählt: {names[chosen]}" if chosen else "Keine Kooperation gewählt",
    ):
        st.radio(
            "Kooperation",
            options=[NO_REGION, *names],
            format_func=lambda r: names.get(r, "Keine (ganz Deutschland)"),
            key=KEY_REGION,
            on_change=_set_region,
        )


def link_popover(link: str, presenter: bool) -> None:
    """The permalink of this view, ready to copy."""
    with st.popover("🔗 Link" if presenter else "🔗 Link kopieren", key="ksg.link_popover"):
        st.caption("Dieser Link öffnet genau diese Ansicht:")
        st.code(link, language=None)


def qr_popover(participants_link: str, presenter: bool) -> None:
    """A QR code of the participants' link (without presenter mode), the link under it."""
    label = "▦ QR" if presenter else "▦ QR-Code"
    with st.popover(label, key="ksg.qr_popover", help="QR-Code dieser Ansicht für Telefone"):
        image = share.qr_data_uri(participants_link)
        if image is None:
            st.info("Dieser Link ist zu lang für einen QR-Code. Bitte „Link kopieren“ nutzen.")
            return
        st.html(
            '<div class="ksg-qr">'
            f'<img src="{image}" '
            f'alt="QR-Code: {html.escape(participants_link)}">'
            f'<div class="ksg-qr-url">{html.escape(participants_link)}</div></div>'
        )
        st.caption("Mit dem Telefon scannen: öffnet diese Ansicht (ohne Präsentationsmodus).")


def view_tools(url_path: str) -> None:
    """Link, QR code (and in presenter mode region chooser and step keys) for this view.

    Call it at the end of a page, after the page has written its own URL parameters."""
    presenter = filters.current_selection().presenter
    params = current_page_params()
    base = share.public_base(st.context.url, url_path)
    permalink = share.view_url(base, url_path, params)
    participants = share.view_url(base, url_path, params, participants=True)
    st.html(TOOLS_CSS + (PRESENTER_TOOLS_CSS if presenter else ""))
    with st.container(key=KEY_TOOLS, horizontal=True, gap="small", width="content"):
        if presenter:
            region_chooser()
        qr_popover(participants, presenter)
        link_popover(permalink, presenter)
    browser_js.step_keys()
