"""Links and QR codes for the current view: base URL, query composition, presenter flag."""

from __future__ import annotations

import base64
import io

import segno
from PIL import Image

from ksg_dashboard.core import share


def test_configured_public_url_wins_over_the_server_address() -> None:
    env = {share.PUBLIC_URL_ENV: "https://ksg.example.org/werkstatt/"}
    base = share.public_base("http://10.0.0.5:8501/tour", "tour", env)
    assert base == "https://ksg.example.org/werkstatt"


def test_without_configuration_the_page_address_gives_the_base() -> None:
    assert share.public_base("http://10.0.0.5:8501/tour", "tour", {}) == "http://10.0.0.5:8501"
    assert share.public_base("http://host:8501/", "", {}) == "http://host:8501"
    # Behind a path prefix the prefix stays, only the page path goes.
    assert share.public_base("https://h/app/beispiele", "beispiele", {}) == "https://h/app"


def test_a_broken_configuration_falls_back_to_the_server_address() -> None:
    env = {share.PUBLIC_URL_ENV: "ksg.example.org"}  # no scheme
    assert share.public_base("http://h:1/programm", "programm", env) == "http://h:1"
    assert share.public_base(None, "programm", {}) == share.FALLBACK_BASE


def test_view_url_keeps_the_current_params_and_drops_presenter_mode_for_participants() -> None:
    params = {
        "praesentation": ["1"],
        "region": ["region-in-bewegung,kurstadtregion-elbe-elster"],
        "stopp": ["3"],
        "land": ["14", "12"],
    }
    presenter = share.view_url("https://ksg.example.org", "tour", params)
    participants = share.view_url("https://ksg.example.org", "tour", params, participants=True)
    assert presenter == (
        "https://ksg.example.org/tour?praesentation=1"
        "&region=region-in-bewegung,kurstadtregion-elbe-elster&stopp=3&land=14&land=12"
    )
    assert participants == (
        "https://ksg.example.org/tour?region=region-in-bewegung,kurstadtregion-elbe-elster"
        "&stopp=3&land=14&land=12"
    )
    assert share.view_url("http://h", "", {"praesentation": "1"}, participants=True) == "http://h/"


def test_view_url_encodes_text_values() -> None:
    url = share.view_url("http://h", "beispiele", {"suche": ["Ärztehaus & Co"]})
    assert url == "http://h/beispiele?suche=%C3%84rztehaus+%26+Co"


def test_qr_code_encodes_the_link() -> None:
    link = "https://ksg.example.org/tour?stopp=3"
    uri = share.qr_data_uri(link, scale=1)
    assert uri.startswith("data:image/png;base64,")
    image = Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))).convert("L")
    expected = segno.make(link, error="m", micro=False)
    width, _ = expected.symbol_size(scale=1, border=4)
    assert image.size == (width, width)
    # Pixel by pixel the image is the QR symbol of exactly this link (dark = module set).
    side = range(width - 8)
    pixels = [[image.getpixel((x + 4, y + 4)) < 128 for x in side] for y in side]
    assert pixels == [[bool(v) for v in row] for row in expected.matrix]


def test_a_link_too_long_for_any_qr_code_gives_none():
    long_link = "http://localhost:8501/?eigene=" + ",".join(f"{i:08d}" for i in range(600))
    assert share.qr_data_uri(long_link) is None
    assert share.qr_data_uri("http://localhost:8501/tour?stopp=2").startswith("data:image/png")


def test_qr_codes_are_encoded_once_per_link(monkeypatch) -> None:
    share.qr_data_uri.cache_clear()
    calls = []
    make = segno.make
    monkeypatch.setattr(share.segno, "make", lambda *a, **k: calls.append(a[0]) or make(*a, **k))
    first = share.qr_data_uri("https://ksg.example.org/?region=ag-bachtal")
    again = share.qr_data_uri("https://ksg.example.org/?region=ag-bachtal")
    other = share.qr_data_uri("https://ksg.example.org/?region=bad-berleburg")
    assert again == first != other
    assert calls == [
        "https://ksg.example.org/?region=ag-bachtal",
        "https://ksg.example.org/?region=bad-berleburg",
    ]
    assert share.qr_data_uri.cache_info().maxsize == 256
