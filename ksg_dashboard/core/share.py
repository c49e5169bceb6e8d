"""Links and QR codes for the current view: permalink and the participants' link (no Streamlit).

The public base URL comes from `KSG_PUBLIC_URL` (e.g. `https://ksg.example.org/dashboard`
behind a proxy); without it, the address the browser used to reach the server. The QR code is
generated offline with segno.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Mapping, Sequence
from urllib.parse import urlencode, urlsplit

import segno

log = logging.getLogger(__name__)

PUBLIC_URL_ENV = "KSG_PUBLIC_URL"
FALLBACK_BASE = "http://localhost:8501"
# Parameters that only make sense on the presenter's screen: left out of the participants' link.
PRESENTER_ONLY = ("praesentation",)


def _clean_base(url: str) -> str | None:
    """`scheme://host[:port][/path]` without query, fragment or trailing slash; None if not
    an http(s) URL with a host."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}{parts.path}".rstrip("/")


def base_from_page_url(page_url: str | None, url_path: str) -> str | None:
    """The app's base URL from the address of one of its pages (`…/tour?x=1` → `…`)."""
    if not page_url:
        return None
    base = _clean_base(page_url)
    if base and url_path and base.endswith("/" + url_path):
        base = base[: -len(url_path) - 1]
    return base


def public_base(
    page_url: str | None,
    url_path: str,
    env: Mapping[str, str] | None = None,
) -> str:
    """Base URL for links: `KSG_PUBLIC_URL` if set and valid, else the page's own address."""
    configured = (os.environ if env is None else env).get(PUBLIC_URL_ENV, "").strip()
    if configured:
        base = _clean_base(configured)
        if base:
            return base
        log.warning("%s=%r is no http(s) URL; using the server's", PUBLIC_URL_ENV, configured)
    return base_from_page_url(page_url, url_path) or FALLBACK_BASE


def view_url(
    base: str,
    url_path: str,
    params: Mapping[str, str | Sequence[str]],
    *,
    participants: bool = False,
) -> str:
    """Absolute URL of a page with its query parameters (repeated keys kept, commas literal).

    `participants=True` drops what only belongs on the presenter's screen (`praesentation`).
    """
    pairs: list[tuple[str, str]] = []
    for key, value in params.items():
        if participants and key in PRESENTER_ONLY:
            continue
        values = [value] if isinstance(value, str) else list(value)
        pairs += [(key, v) for v in values if v is not None and v != ""]
    link = f"{base.rstrip('/')}/{url_path.strip('/')}"
    return f"{link}?{urlencode(pairs, safe=',')}" if pairs else link


# Encoding a QR code took ~15 ms of every script run (the view tools draw it on each rerun).
# A data URI is at most ~6 kB (version 40 at scale 6): 256 entries hold at most ~1.5 MB.
@functools.lru_cache(maxsize=256)
def qr_data_uri(text: str, scale: int = 6) -> str | None:
    """A QR code of `text` as a PNG data URI (error correction M, quiet zone of 4 modules);
    None when the text is too long for any QR code (e.g. an own list of 300 keys). Cached per
    process by text and scale."""
    try:
        code = segno.make(text, error="m", micro=False)
    except segno.DataOverflowError:
        return None
    return code.png_data_uri(scale=scale, border=4)
