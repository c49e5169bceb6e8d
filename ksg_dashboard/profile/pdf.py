"""The Regionsprofil as PDF bytes (pure): static charts with matplotlib, layout with fpdf2.

Both are pure Python and work offline on a fresh machine: matplotlib draws the map from the
committed polygons (no tiles) and the charts with its Agg renderer, fpdf2 writes the PDF and
embeds matplotlib's bundled DejaVu Sans (Unicode: umlauts, ß, −, ², ‰), so neither a browser
(as plotly's kaleido needs) nor a Debian font package is required. Figures are drawn with
`matplotlib.figure.Figure` (no pyplot state), so several sessions can render at once.
"""

from __future__ import annotations

import io
import math
from pathlib import Path

import matplotlib
import pandas as pd
import segno
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace
from matplotlib import patheffects
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure as MplFigure
from matplotlib.ticker import FuncFormatter, MaxNLocator
from PIL import Image

from ksg_dashboard.core import numbers
from ksg_dashboard.core.config import FIRST_CENSUS_YEAR
from ksg_dashboard.profile.model import CENSUS_NOTE, RegionProfile, fmt_int

FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
FONT = "DejaVu"
MEMBER_COLOUR = "#0072B2"
MALE_COLOUR = "#0072B2"
FEMALE_COLOUR = "#D55E00"
GREY = (85, 96, 107)
DPI = 180
MARGIN = 14.0
PAGE_W = 210.0
CONTENT_W = PAGE_W - 2 * MARGIN
APP_LINE = "KSG-Dashboard · Transferwerkstatt Gröditz 2019 · Kleinere Städte und Gemeinden"


def _png(figure: MplFigure) -> Image.Image:
    """The figure rasterised as an RGB image. Handed to fpdf2 as pixels: encoding a PNG only
    for fpdf2 to decode it again took a third of the time."""
    canvas = FigureCanvasAgg(figure)
    figure.set_dpi(DPI)
    canvas.draw()
    return Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba()).convert("RGB")


def _axes(
    width_mm: float, height_mm: float, left: float, bottom: float, right: float = 3, top: float = 3
):
    """A figure of that size with one axes at fixed margins in mm (a constrained layout
    measures every label and took most of the drawing time)."""
    figure = MplFigure(figsize=(width_mm / 25.4, height_mm / 25.4))
    ax = figure.add_axes(
        (
            left / width_mm,
            bottom / height_mm,
            (width_mm - left - right) / width_mm,
            (height_mm - bottom - top) / height_mm,
        )
    )
    return figure, ax


def _age_label(group: object) -> str:
    """'3 bis unter 6 Jahre' → '3–6', '75 Jahre und mehr' → '75 und mehr' (axis title: Jahre)."""
    return str(group).replace(" bis unter ", "–").replace(" Jahre", "")


def _german(value: float, _position=None) -> str:
    return fmt_int(value)


def map_png(profile: RegionProfile, width_mm: float, height_mm: float) -> Image.Image:
    """The members in colour on district and state outlines (WGS84, aspect by latitude)."""
    figure = MplFigure(figsize=(width_mm / 25.4, height_mm / 25.4))
    ax = figure.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    if not profile.shapes.empty:
        profile.shapes.plot(
            ax=ax, color=MEMBER_COLOUR, alpha=0.55, edgecolor="white", linewidth=0.6
        )
        if not profile.districts.empty:
            profile.districts.boundary.plot(ax=ax, color="#8a96a3", linewidth=0.5)
        if not profile.states.empty:
            profile.states.boundary.plot(ax=ax, color="#333333", linewidth=1.1)
        profile.shapes.dissolve().boundary.plot(ax=ax, color="#08306b", linewidth=1.0)
        _fit(ax, profile.shapes.total_bounds, width_mm / height_mm)
        if profile.labels:
            halo = [patheffects.withStroke(linewidth=2.2, foreground="white")]
            for row in profile.shapes.itertuples():
                point = row.geometry.representative_point()
                ax.annotate(
                    str(row.name),
                    (point.x, point.y),
                    ha="center",
                    va="center",
                    fontsize=6.5,
                    color="#111111",
                    path_effects=halo,
                )
    ax.set_facecolor("white")
    return _png(figure)


def _fit(ax, bounds, ratio: float) -> None:
    """Limits around `bounds` (with a margin) widened so that the frame of width/height
    `ratio` is filled at the true aspect (1/cos(latitude) for degrees)."""
    west, south, east, north = bounds
    scale = math.cos(math.radians((south + north) / 2))
    width = (east - west) * 1.16 + 0.02
    height = (north - south) * 1.16 + 0.02
    if width * scale / height < ratio:
        width = height * ratio / scale
    else:
        height = width * scale / ratio
    cx, cy = (west + east) / 2, (south + north) / 2
    ax.set_xlim(cx - width / 2, cx + width / 2)
    ax.set_ylim(cy - height / 2, cy + height / 2)
    ax.set_aspect(1 / scale)


def trend_png(profile: RegionProfile, width_mm: float, height_mm: float) -> Image.Image:
    """Population per year with the census break marked."""
    figure, ax = _axes(width_mm, height_mm, left=17, bottom=7)
    frame = profile.trend.dropna()
    for part in (
        frame[frame["year"] < FIRST_CENSUS_YEAR],
        frame[frame["year"] >= FIRST_CENSUS_YEAR],
    ):
        ax.plot(
            part["year"],
            part["population"].astype(float),
            color=MEMBER_COLOUR,
            marker="o",
            markersize=3,
            linewidth=1.6,
        )
    ax.axvline(FIRST_CENSUS_YEAR - 0.5, color="#888888", linestyle="--", linewidth=0.8)
    ax.text(
        FIRST_CENSUS_YEAR - 0.45,
        0.97,
        "Zensus 2011",
        transform=ax.get_xaxis_transform(),
        fontsize=7,
        color="#555555",
        va="top",
    )
    ax.yaxis.set_major_formatter(FuncFormatter(_german))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel("Einwohner (31.12.)", fontsize=8)
    ax.tick_params(labelsize=7)
    ax.grid(axis="y", color="#e5e5e5", linewidth=0.6)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if frame.empty:
        ax.clear()
        ax.set_axis_off()
        ax.text(0.5, 0.5, "keine Werte für alle Gemeinden", transform=ax.transAxes, ha="center")
    return _png(figure)


def pyramid_png(pyramid: pd.DataFrame, width_mm: float, height_mm: float) -> Image.Image:
    """Age pyramid of 31.12.2015: men to the left, women to the right."""
    figure, ax = _axes(width_mm, height_mm, left=17, bottom=9)
    positions = range(len(pyramid))
    male = pyramid["male"].astype(float)
    female = pyramid["female"].astype(float)
    ax.barh(positions, -male, color=MALE_COLOUR, label="männlich", height=0.85)
    ax.barh(positions, female, color=FEMALE_COLOUR, label="weiblich", height=0.85)
    ax.set_yticks(list(positions), [_age_label(g) for g in pyramid["age_group"]])
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: fmt_int(abs(v))))
    ax.xaxis.set_major_locator(MaxNLocator(5))
    ax.tick_params(labelsize=6)
    ax.set_xlabel("Einwohner", fontsize=6.5)
    ax.legend(fontsize=6, loc="lower right", frameon=False)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return _png(figure)


def migration_png(table: pd.DataFrame, width_mm: float, height_mm: float) -> Image.Image:
    """Net migration 2015 per 1,000 inhabitants of each age group."""
    figure, ax = _axes(width_mm, height_mm, left=19, bottom=10)
    values = table["net_per_1000_age"].astype(float)
    colours = [MEMBER_COLOUR if v >= 0 else FEMALE_COLOUR for v in values]
    positions = range(len(table))
    ax.barh(positions, values, color=colours, height=0.7)
    ax.axvline(0, color="#333333", linewidth=0.8)
    ax.set_yticks(list(positions), [_age_label(g) for g in table["age_group"]])
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: numbers.number(v, 0, signed=True)))
    ax.set_xlabel("Saldo je 1.000 Einw. der Altersgruppe", fontsize=6.5)
    ax.tick_params(labelsize=6.5)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return _png(figure)


def qr_png(link: str) -> io.BytesIO:
    """The permalink as a QR code (error correction M, segno's own PNG writer)."""
    buffer = io.BytesIO()
    segno.make(link, error="m", micro=False).save(buffer, kind="png", scale=8, border=2)
    buffer.seek(0)
    return buffer


class _Document(FPDF):
    """A4 portrait with DejaVu Sans and a footer naming the date, the page and the app."""

    generated = ""

    def multi_cell(self, *args, **kwargs):
        """Ragged right by default: justified text leaves wide gaps in narrow columns."""
        kwargs.setdefault("align", "L")
        return super().multi_cell(*args, **kwargs)

    def footer(self) -> None:
        self.set_y(-11)
        self.set_font(FONT, size=7)
        self.set_text_color(*GREY)
        self.cell(
            0,
            4,
            f"Regionsprofil · erstellt am {self.generated} · {APP_LINE} · Seite "
            f"{self.page_no()}/{{nb}}",
            align="C",
        )


def _caption(pdf: FPDF, text: str, width: float, size: float = 6.8) -> None:
    if not text:
        return
    x = pdf.get_x()
    pdf.set_font(FONT, size=size)
    pdf.set_text_color(*GREY)
    pdf.multi_cell(width, 3.1, text, new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_x(x)
    pdf.set_text_color(0, 0, 0)


def _heading(pdf: FPDF, text: str, size: float = 10.5) -> None:
    pdf.set_font(FONT, "B", size)
    pdf.cell(0, 6, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, size=8.5)


def _figure_rows(pdf: FPDF, figures, x: float, width: float) -> None:
    """Label and value (bold, right-aligned) on one line, the reference date below the label."""
    for item in figures:
        pdf.set_x(x)
        pdf.set_font(FONT, size=8.2)
        pdf.cell(width * 0.5, 4.2, item.label)
        pdf.set_font(FONT, "B", 9)
        pdf.cell(width * 0.5, 4.2, item.value, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_x(x)
        pdf.set_font(FONT, size=6.4)
        pdf.set_text_color(*GREY)
        pdf.cell(width, 3.0, item.reference, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_text_color(0, 0, 0)
        pdf.ln(0.6)


def _dv_line(figures) -> str:
    """The 2015 figures as one text, grouped by reference date."""
    groups: dict[str, list[str]] = {}
    for item in figures:
        groups.setdefault(item.reference, []).append(f"{item.label} {item.value}")
    return "\n".join(f"{ref}: " + " · ".join(parts) for ref, parts in groups.items())


def _header(pdf: FPDF, profile: RegionProfile) -> float:
    """Title, kind, territory and date; the permalink's QR code on the right. Returns the y
    below it."""
    qr_size = 24.0
    if profile.permalink:
        pdf.image(qr_png(profile.permalink), x=PAGE_W - MARGIN - qr_size, y=MARGIN - 2, w=qr_size)
    text_w = CONTENT_W - qr_size - 4
    pdf.set_font(FONT, size=8)
    pdf.set_text_color(*GREY)
    pdf.cell(text_w, 4, "Regionsprofil", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(FONT, "B", 17)
    pdf.multi_cell(text_w, 7.5, profile.title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, size=8.5)
    pdf.multi_cell(
        text_w,
        4.2,
        " · ".join(dict.fromkeys((profile.kind, profile.subtitle))),
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.set_font(FONT, size=7.5)
    pdf.set_text_color(*GREY)
    link = " · Link zu dieser Ansicht im QR-Code" if profile.permalink else ""
    pdf.multi_cell(
        text_w,
        3.8,
        f"{profile.territory} · erstellt am {profile.generated}{link}",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.set_text_color(0, 0, 0)
    return max(pdf.get_y() + 3, MARGIN + qr_size + 1)


def _new_document(profile: RegionProfile) -> _Document:
    """An empty A4 document with the profile's title, the DejaVu fonts and the margins."""
    pdf = _Document(orientation="P", unit="mm", format="A4")
    pdf.generated = profile.generated
    pdf.set_title(f"Regionsprofil {profile.title}")
    pdf.set_author("KSG-Dashboard")
    pdf.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=14)
    return pdf


def _map_and_key_figures(pdf: FPDF, profile: RegionProfile, top: float) -> None:
    """The map on the left, the key figures on the right, each with its caption."""
    map_w, map_h = 86.0, 66.0
    pdf.image(map_png(profile, map_w, map_h), x=MARGIN, y=top, w=map_w, h=map_h)
    pdf.rect(MARGIN, top, map_w, map_h)
    pdf.set_xy(MARGIN, top + map_h + 0.8)
    _caption(
        pdf,
        f"Karte: {numbers.municipality_count(profile.members_total)} der Auswahl (blau), "
        "Kreis- und Landesgrenzen. " + profile.attribution(["boundaries"]),
        map_w,
    )
    below_map = pdf.get_y()
    right_x = MARGIN + map_w + 6
    right_w = CONTENT_W - map_w - 6
    pdf.set_xy(right_x, top - 1)
    pdf.set_font(FONT, "B", 10.5)
    pdf.cell(right_w, 6, "Kennzahlen", new_x=XPos.LEFT, new_y=YPos.NEXT)
    _figure_rows(pdf, profile.figures, right_x, right_w)
    pdf.set_x(right_x)
    _caption(pdf, profile.attribution(["population", "crosswalk"]), right_w)
    pdf.set_xy(MARGIN, max(below_map, pdf.get_y()) + 3)


def _trend_section(pdf: FPDF, profile: RegionProfile) -> None:
    """The population trend chart across the page and its caption."""
    _heading(pdf, "Bevölkerungsentwicklung")
    trend_h = 44.0
    pdf.image(
        trend_png(profile, CONTENT_W, trend_h), x=MARGIN, y=pdf.get_y(), w=CONTENT_W, h=trend_h
    )
    pdf.set_y(pdf.get_y() + trend_h + 0.5)
    _caption(
        pdf,
        f"Einwohner am 31.12., Summe der Gemeinden; {profile.territory}. {CENSUS_NOTE} "
        "Jahre ohne Wert aller Mitglieder bleiben leer. "
        + profile.attribution(["population", "crosswalk"]),
        CONTENT_W,
    )


def _age_and_migration_section(pdf: FPDF, profile: RegionProfile) -> None:
    """The 2015 figures line, the age pyramid and the migration chart side by side (or
    'keine Angabe' where the source lacks a member), and their caption."""
    pdf.ln(2.5)
    _heading(pdf, "Alter und Wanderung 2015")
    pdf.set_font(FONT, size=7.8)
    if profile.dv_figures:
        pdf.multi_cell(
            CONTENT_W, 3.8, _dv_line(profile.dv_figures), new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
    chart_w = (CONTENT_W - 6) / 2
    bottom = pdf.h - 14 - 3.1 * 4  # leave room for the caption above the footer
    chart_h = min(56.0, bottom - pdf.get_y() - 1)
    y = pdf.get_y() + 0.5
    for i, (frame, draw, title) in enumerate(
        (
            (profile.pyramid, pyramid_png, "Altersaufbau 31.12.2015 (Alter in Jahren)"),
            (profile.migration, migration_png, "Wanderungssaldo 2015 nach Alter (in Jahren)"),
        )
    ):
        x = MARGIN + i * (chart_w + 6)
        pdf.set_xy(x, y)
        pdf.set_font(FONT, "B", 8)
        pdf.cell(chart_w, 4, title)
        if frame is None:
            pdf.set_xy(x, y + 5)
            _caption(
                pdf, "keine Angabe: die Quelle enthält nicht für alle Gemeinden Werte.", chart_w, 8
            )
        elif chart_h > 20:
            pdf.image(draw(frame, chart_w, chart_h - 4), x=x, y=y + 4, w=chart_w, h=chart_h - 4)
    pdf.set_xy(MARGIN, y + chart_h + 0.5)
    _caption(
        pdf,
        "Werte von 2015, nicht der heutige Stand. Altersaufbau: Einwohner nach "
        "Geschlecht und den Altersgruppen der Quelle. Wanderungen über die Gemeindegrenzen, "
        "Saldo je 1.000 Einwohner der Altersgruppe. "
        + profile.attribution(["municipal_age_2015", "migration_2015"]),
        CONTENT_W,
    )


def _members_and_notes(pdf: FPDF, profile: RegionProfile) -> None:
    """The member table with its note and the profile's notes (if any)."""
    _heading(pdf, f"Gemeinden der Auswahl ({fmt_int(profile.members_total)})")
    _member_table(pdf, profile.members)
    _caption(
        pdf,
        " ".join(
            x for x in (profile.members_note, profile.attribution(["population", "crosswalk"])) if x
        ),
        CONTENT_W,
    )
    pdf.ln(2.5)
    if profile.notes:
        _heading(pdf, "Hinweise")
        pdf.set_font(FONT, size=7.6)
        for note in profile.notes:
            pdf.multi_cell(CONTENT_W, 3.5, f"• {note}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(2.5)


def _sources_section(pdf: FPDF, profile: RegionProfile) -> None:
    """Each source: title, then publisher, date, licence and attribution on one line."""
    _heading(pdf, "Quellen und Lizenzen")
    for source in profile.sources.values():
        pdf.set_font(FONT, "B", 7.6)
        pdf.multi_cell(CONTENT_W, 3.5, source.title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font(FONT, size=7.2)
        parts = [
            f"Herausgeber: {source.publisher}" if source.publisher else "",
            f"Stand: {source.reference_date}" if source.reference_date else "",
            f"Lizenz: {source.licence}" if source.licence else "",
            f"Quellenvermerk: {source.attribution}" if source.attribution else "",
        ]
        pdf.multi_cell(
            CONTENT_W, 3.3, " · ".join(x for x in parts if x), new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        pdf.ln(1)
    pdf.ln(2)


def _permalink_section(pdf: FPDF, profile: RegionProfile) -> None:
    """The link to this view and the line saying when and how the profile was made."""
    _heading(pdf, "Link zu dieser Ansicht")
    pdf.set_font(FONT, size=7.4)
    pdf.multi_cell(
        CONTENT_W, 3.6, profile.permalink or "nicht verfügbar", new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    pdf.set_text_color(*GREY)
    pdf.multi_cell(
        CONTENT_W,
        3.6,
        f"Erstellt am {profile.generated} mit dem KSG-Dashboard aus "
        "den veröffentlichten Daten; unbekannte Werte sind als „unbekannt“ bzw. „keine "
        "Angabe“ ausgewiesen.",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )


def render_pdf(profile: RegionProfile) -> bytes:
    """The profile on two A4 pages (German): page 1 map, key figures and charts; page 2
    members, notes, sources and licences, permalink."""
    pdf = _new_document(profile)
    pdf.add_page()
    _map_and_key_figures(pdf, profile, _header(pdf, profile))
    _trend_section(pdf, profile)
    _age_and_migration_section(pdf, profile)
    pdf.add_page()
    _members_and_notes(pdf, profile)
    _sources_section(pdf, profile)
    _permalink_section(pdf, profile)
    return bytes(pdf.output())


def error_pdf(message: str) -> bytes:
    """A one-page PDF saying why the profile could not be made (a download cannot show a
    Streamlit message)."""
    pdf = _Document(orientation="P", unit="mm", format="A4")
    pdf.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.add_page()
    _heading(pdf, "Regionsprofil nicht erstellt", 14)
    pdf.set_font(FONT, size=10)
    pdf.multi_cell(CONTENT_W, 5, message, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())


def _member_table(pdf: FPDF, members: pd.DataFrame) -> None:
    """The member table with German numbers."""
    columns = list(members.columns)
    widths = {"Gemeinde": 52, "AGS": 20, "Kreis": 46}
    rest = (CONTENT_W - sum(widths.get(c, 0) for c in columns)) / max(
        1, len([c for c in columns if c not in widths])
    )
    col_widths = tuple(widths.get(c, rest) for c in columns)
    pdf.set_font(FONT, size=7.4)
    with pdf.table(
        col_widths=col_widths,
        width=CONTENT_W,
        text_align=tuple("RIGHT" if c not in widths else "LEFT" for c in columns),
        line_height=4.2,
        first_row_as_headings=True,
        headings_style=FontFace(emphasis="BOLD"),
        borders_layout="HORIZONTAL_LINES",
    ) as table:
        table.row([str(c) for c in columns])
        for values in members.itertuples(index=False):
            cells = []
            for column, value in zip(columns, values, strict=True):
                if column == "± %":
                    cells.append(numbers.number(value, 1, signed=True, missing="unbekannt"))
                elif column.startswith("Einw."):
                    cells.append(fmt_int(value))
                else:
                    cells.append("" if value is None or pd.isna(value) else str(value))
            table.row(cells)
