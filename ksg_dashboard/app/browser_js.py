"""Small scripts run in the app's page (st.html with JavaScript): step keys, closing the sidebar.

Streamlit's own button shortcuts listen on the app document only; once a map (an iframe) has
the focus, the arrow keys go to Leaflet and pan the map. The step-key script listens inside
every iframe that takes the focus and clicks the page's previous/next button instead.
"""

from __future__ import annotations

import json

import streamlit as st

from ksg_dashboard.assets import fill_asset, script_block

# Buttons the arrow keys press, by the keyed container Streamlit wraps them in.
PREVIOUS_BUTTONS = (".st-key-tour-prev button", ".st-key-programm-prev button")
NEXT_BUTTONS = (".st-key-tour-next button", ".st-key-programm-next button")
# Below this width Streamlit draws the sidebar over the page (its "md" breakpoint).
NARROW_MAX_PX = 767

STEP_KEYS_JS = script_block(
    fill_asset(
        "step_keys.js",
        previous_buttons=json.dumps(", ".join(PREVIOUS_BUTTONS)),
        next_buttons=json.dumps(", ".join(NEXT_BUTTONS)),
    )
)


def step_keys() -> None:
    """Arrow keys press the previous/next button even while a map has the focus."""
    st.html(STEP_KEYS_JS, unsafe_allow_javascript=True, width="content")


def close_sidebar_script(nonce: int) -> str:
    """The script that closes the sidebar on narrow screens; `nonce` makes each one differ."""
    return script_block(fill_asset("close_sidebar.js", nonce=int(nonce), max_width=NARROW_MAX_PX))


def close_sidebar_on_narrow_screens(nonce: int) -> None:
    """Close the sidebar if it covers the page (phones); `nonce` makes each call run again."""
    st.html(close_sidebar_script(nonce), unsafe_allow_javascript=True, width="content")
