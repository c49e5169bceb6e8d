"""Shared Streamlit widgets: source captions, HTML legends, data errors and presenter styling."""

from __future__ import annotations

import html
import logging
from collections.abc import Callable, Iterable, Mapping
from typing import TypeVar

import pandas as pd
import streamlit as st

from ksg_dashboard.assets import read_asset, style_block
from ksg_dashboard.charts.figures import IMAGE_FORMATS, IMAGE_HEIGHT, IMAGE_WIDTH, image_config
from ksg_dashboard.charts.presenter import readable
from ksg_dashboard.core import numbers, territory
from ksg_dashboard.core.text import plain
from ksg_dashboard.core.validation import DataValidationError

log = logging.getLogger(__name__)
T = TypeVar("T")

PRESENTER_CSS = style_block(read_asset("presenter.css"))
BASE_CSS = style_block(read_asset("base.css"))


KEY_IMAGE_FORMAT = "ui.bildformat"


def labelled_choice(widget: Callable, label: str, labels: Mapping, **options):
    """A choice widget (st.selectbox, st.multiselect, st.radio …) over a mapping: its keys are
    the values, its texts are what the reader sees."""
    return widget(label, options=list(labels), format_func=labels.get, **options)


def image_format_control() -> None:
    """Sidebar choice of the format the charts' camera button saves (plotly's config can
    name one format per chart and carries no click handlers, so there is no second button)."""
    with st.sidebar:
        st.radio(
            "Diagramme speichern als",
            IMAGE_FORMATS,
            format_func=str.upper,
            key=KEY_IMAGE_FORMAT,
            horizontal=True,
            help=f"Kamera-Symbol oben rechts im Diagramm: {IMAGE_WIDTH} × {IMAGE_HEIGHT} "
            "Pixel (16:9, für Folien); SVG ist eine Vektorgrafik.",
        )


def chart_config(name: str) -> dict:
    """Plotly config of a chart: saves as `ksg_<name>` in the chosen format, 1600 × 900."""
    return image_config(f"ksg_{name}", st.session_state.get(KEY_IMAGE_FORMAT) or "png")


def apply_styles(presenter: bool) -> None:
    """Base CSS always; presenter mode enlarges type and hides sidebar and secondary text."""
    st.html(BASE_CSS + (PRESENTER_CSS if presenter else ""))


def chart(figure, *, presenter: bool = False, **kwargs):
    """st.plotly_chart; in presenter mode every text of the figure is at least 18 px."""
    return st.plotly_chart(readable(figure) if presenter else figure, **kwargs)


def legend(items: Iterable[tuple[str, str]], shape: str = "square") -> None:
    """A legend drawn in HTML (no map plugin, no CDN): (colour, label) pairs."""
    radius = "50%" if shape == "circle" else "3px"

    def swatch(colour: str) -> str:
        # "hatch:#rrggbb" and "star:#rrggbb" draw the map's hatching and host star.
        if colour.startswith("hatch:"):
            c = colour.removeprefix("hatch:")
            return (
                '<span class="swatch" style="background:repeating-linear-gradient(45deg,'
                f'{c} 0 3px,transparent 3px 6px);border-radius:{radius}"></span>'
            )
        if colour.startswith("star:"):
            c = colour.removeprefix("star:")
            return (
                f'<span class="swatch" style="border:0;color:{c};font-size:1.1em;'
                'line-height:1;width:auto">★</span>'
            )
        if shape == "line":  # a dashed stroke, for outline layers
            return (
                f'<span class="swatch" style="border:0;border-top:3px dashed {colour};'
                'height:0;vertical-align:4px"></span>'
            )
        return f'<span class="swatch" style="background:{colour};border-radius:{radius}"></span>'

    parts = [
        f"<span>{swatch(html.escape(colour))}{html.escape(label)}</span>" for colour, label in items
    ]
    st.html(f'<div class="ksg-legend">{"".join(parts)}</div>')


def sources_caption(sources: dict[str, dict], dataset_ids: Iterable[str]) -> None:
    """The attribution line(s) shown under a map or chart."""
    lines = [sources[i]["attribution"] for i in dataset_ids if i in sources]
    st.html(
        '<div class="ksg-source">Quellen: ' + " · ".join(html.escape(x) for x in lines) + "</div>"
    )


def note(text: str, icon: str = "ℹ️") -> None:
    """An info box whose text is shown literally (it may quote values from the URL or a file).

    Every note that can contain user-provided text goes through here (or `plain_caption`)."""
    st.info(plain(text), icon=icon)


def plain_caption(text: str) -> None:
    """A caption shown literally (e.g. with an uploaded file's name)."""
    st.caption(plain(text))


def data_error(error: DataValidationError) -> None:
    """A clear German message naming the broken file and how to rebuild it."""
    log.error("data problem: %s", error)
    st.error(
        f"Die Datendatei **{error.file}** ist fehlerhaft oder fehlt ({plain(error.problem, 300)}). "
        "Bitte die Daten mit `make data` neu erzeugen.",
        icon="⚠️",
    )


def load_or_stop(loader: Callable[[], T]) -> T:
    """Call a loader; on a data problem show the message and stop this page only."""
    try:
        return loader()
    except DataValidationError as error:
        data_error(error)
        st.stop()
        raise  # unreachable: st.stop() raises


def load_or_default(loader: Callable[[], T], default: T) -> T:
    """Call a loader; on a data problem show the message and carry on with a default."""
    try:
        return loader()
    except DataValidationError as error:
        data_error(error)
        return default


def load_quietly(loader: Callable[[], T], default: T) -> T:
    """Call a loader for something a page can do without; on a data problem log it and carry
    on with the default (the frame already shows one note about the file)."""
    try:
        return loader()
    except DataValidationError as error:
        log.warning("data problem (page degrades): %s", error)
        return default


def number_columns(frame: pd.DataFrame) -> dict[str, st.column_config.NumberColumn]:
    """Column config showing numbers in the reader's locale (1.234,5 in German browsers), with
    one number of decimals per column (the step sets it: never "32" above "27,3")."""
    return {
        column: st.column_config.NumberColumn(
            format="localized", step=10.0 ** -numbers.column_digits(frame[column])
        )
        for column in frame.columns
        if pd.api.types.is_numeric_dtype(frame[column])
        and not pd.api.types.is_bool_dtype(frame[column])
    }


# Up to this many rows a table shows the app's own number format (pandas Styler: German in
# every browser, true minus sign, "+" for changes; sorting stays numeric). Longer tables (the
# Germany-wide ranking) would take seconds to style: they use the browser's locale format.
STYLED_MAX_ROWS = 2_000


def table(frame: pd.DataFrame, max_height: int = 320, presenter: bool = False) -> None:
    """A read-only table with German numbers, as tall as its rows up to max_height.

    Presenter mode enlarges the type, so rows are taller (every row stays visible)."""
    row = 46 if presenter else 35
    height = min(max_height * row // 35, row * (len(frame) + 1) + 3)
    if len(frame) <= STYLED_MAX_ROWS:
        shown = frame.style.format(numbers.column_formatters(frame))
        st.dataframe(shown, hide_index=True, height=height, row_height=row)
    else:
        st.dataframe(
            frame,
            hide_index=True,
            column_config=number_columns(frame),
            height=height,
            row_height=row,
        )


def change_notes(
    changes: pd.DataFrame | None,
    events: pd.DataFrame | None,
    register: pd.DataFrame,
    ags: list[str],
    mode: str,
    limit: int = 12,
) -> None:
    """Captions for the territorial changes of the selected municipalities, from the register."""
    if changes is None or events is None or not ags:
        return
    rows = events[events["ags22"].isin(set(ags))]
    names = register.set_index("ags")["name"]
    lines = []
    for (key, year), group in rows.groupby(["ags22", "year"]):
        kinds = ", ".join(sorted({territory.CHANGE_KINDS.get(k, k) for k in group["kind"]}))
        others = ", ".join(sorted({str(o) for o in group["other"] if o}))
        what = f"{names.get(key, key)} {int(year)}: {kinds}" + (f" ({others})" if others else "")
        if mode == territory.PUBLISHED:
            lines.append(f"⚑ Gebietsänderung {what}; Werte über {int(year)} hinweg markiert.")
        elif set(group["kind"]) == {"boundary_shift"}:
            lines.append(
                f"Gebietsänderung {what}: Einwohnerzahl der Fläche unbekannt, nicht umgerechnet."
            )
        else:
            lines.append(
                f"Gebietsänderung {what}: Werte vor {int(year)} auf den Gebietsstand "
                "31.12.2022 umgerechnet."
            )
    for line in lines[:limit]:
        st.caption(line)
    if len(lines) > limit:
        st.caption(f"… und {len(lines) - limit} weitere Gebietsänderungen.")


def step_button(
    slot,
    label: str,
    key: str,
    on_click: Callable[[object], None],
    target: object,
    *,
    forward: bool,
    disabled: bool | None = None,
) -> None:
    """A previous/next button in `slot` (a column) bound to the arrow key ←/→: a click calls
    `on_click(target)`; disabled when there is no step that way (`target` None by default)."""
    slot.button(
        label,
        key=key,
        icon="▶️" if forward else "◀️",
        type="primary" if forward else "secondary",
        on_click=on_click,
        args=(target,),
        disabled=target is None if disabled is None else disabled,
        shortcut="Right" if forward else "Left",
        width="stretch",
    )


def source_links_html(sources: Iterable[Mapping[str, str | None]], style: str = "") -> str:
    """A list of curated sources: each title, linked when it has a URL (escaped HTML)."""
    items = []
    for source in sources:
        title = html.escape(str(source.get("title") or ""))
        url = source.get("url")
        items.append(
            f'<li><a href="{html.escape(url)}" target="_blank" rel="noopener">{title}</a></li>'
            if url
            else f"<li>{title}</li>"
        )
    opening = f"<ul style='{style}'>" if style else "<ul>"
    return opening + "".join(items) + "</ul>"
