"""Small scripts run in the app's page (st.html with JavaScript): step keys, closing the sidebar.

Streamlit's own button shortcuts listen on the app document only; once a map (an iframe) has
the focus, the arrow keys go to Leaflet and pan the map. The step-key script listens inside
every iframe that takes the focus and clicks the page's previous/next button instead.
"""

from __future__ import annotations

import json

import streamlit as st

# Buttons the arrow keys press, by the keyed container Streamlit wraps them in.
PREVIOUS_BUTTONS = (".st-key-tour-prev button", ".st-key-programm-prev button")
NEXT_BUTTONS = (".st-key-tour-next button", ".st-key-programm-next button")
# Below this width Streamlit draws the sidebar over the page (its "md" breakpoint).
NARROW_MAX_PX = 767

STEP_KEYS_JS = """
<script>
(() => {
  if (window.__ksgStepKeys) return;
  window.__ksgStepKeys = true;
  const TARGETS = {ArrowLeft: PREVIOUS, ArrowRight: NEXT};
  function step(event) {
    const selector = TARGETS[event.key];
    if (!selector || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    const button = document.querySelector(selector);
    if (!button) return;  // no step buttons on this page: the key stays with the map
    event.preventDefault();
    event.stopPropagation();
    if (!button.disabled) button.click();
  }
  function attach(frame) {
    try {
      const inner = frame.contentWindow;
      if (inner && !inner.__ksgStepKeys) {
        inner.__ksgStepKeys = true;
        inner.addEventListener('keydown', step, true);  // capture: before Leaflet sees it
      }
    } catch (error) { /* another origin: leave it alone */ }
  }
  window.addEventListener('blur', () => setTimeout(() => {
    const active = document.activeElement;
    if (active && active.tagName === 'IFRAME') attach(active);
  }, 0));
})();
</script>
""".replace("PREVIOUS", json.dumps(", ".join(PREVIOUS_BUTTONS))).replace(
    "NEXT", json.dumps(", ".join(NEXT_BUTTONS))
)

CLOSE_SIDEBAR_JS = """
<script>
/* NONCE */
(() => {
  if (!window.matchMedia('(max-width: WIDTHpx)').matches) return;
  const sidebar = document.querySelector('[data-testid=stSidebar]');
  if (!sidebar || sidebar.getAttribute('data-collapsed') === 'true') return;
  const button = document.querySelector('[data-testid=stSidebarCollapseButton] button');
  if (button) button.click();
})();
</script>
"""


def step_keys() -> None:
    """Arrow keys press the previous/next button even while a map has the focus."""
    st.html(STEP_KEYS_JS, unsafe_allow_javascript=True, width="content")


def close_sidebar_on_narrow_screens(nonce: int) -> None:
    """Close the sidebar if it covers the page (phones); `nonce` makes each call run again."""
    st.html(
        CLOSE_SIDEBAR_JS.replace("NONCE", str(int(nonce))).replace("WIDTH", str(NARROW_MAX_PX)),
        unsafe_allow_javascript=True,
        width="content",
    )
