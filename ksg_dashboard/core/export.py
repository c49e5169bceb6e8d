"""Downloads of the current selection: a CSV table and GeoJSON polygons (pure).

Every download goes through `neutralised` (no cell can run as a spreadsheet formula, see
text.neutralise_formula) and carries its source line; later Excel or PDF exports should too.
Both also carry a header naming source, reference date, territorial status and licence
(`download_header`): CSV as comment lines `# Quelle: …` before the column names (the app's
own upload skips them), GeoJSON as `properties` of the FeatureCollection.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

import geopandas as gpd
import pandas as pd

from ksg_dashboard.core import territory
from ksg_dashboard.core.config import DEFAULT_BASE_YEAR
from ksg_dashboard.core.text import neutralise_formula

SOURCE_COLUMN = "quelle"
COMMENT = "# "


def download_header(
    sources: Mapping[str, Mapping],
    dataset_ids: Iterable[str],
    territory_label: str,
    reference: str = "",
) -> dict[str, str]:
    """Quelle, Stand, Gebietsstand and Lizenz of a download, from data/sources.json
    (`reference`: the reference date of the values themselves, e.g. 'Einwohner 31.12.2022')."""
    records = [sources[i] for i in dataset_ids if i in sources]
    dates = [
        f"{r['reference_date']} ({r.get('title', '')})".replace(" ()", "")
        for r in records
        if r.get("reference_date")
    ]
    return {
        "Quelle": " · ".join(dict.fromkeys(str(r["attribution"]) for r in records)),
        "Stand": " · ".join([reference, *dates] if reference else dates),
        "Gebietsstand": territory_label,
        "Lizenz": " · ".join(dict.fromkeys(str(r["licence"]) for r in records if r.get("licence"))),
    }


def comment_lines(header: Mapping[str, str]) -> str:
    """'# Quelle: …' lines (one per entry, line breaks inside values removed)."""
    return "".join(
        f"{COMMENT}{key}: {' '.join(str(value).split())}\n"
        for key, value in header.items()
        if value
    )


def source_line(sources: Mapping[str, Mapping], dataset_ids: Iterable[str]) -> str:
    """ "Quelle: A · B" from the attribution lines of data/sources.json."""
    lines = [str(sources[i]["attribution"]) for i in dataset_ids if i in sources]
    return "Quelle: " + " · ".join(lines) if lines else ""


def neutralised(table: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells (and column names) cannot start a spreadsheet formula."""
    result = table.copy()
    for column in result.columns:
        if result[column].dtype == object or pd.api.types.is_string_dtype(result[column]):
            result[column] = result[column].map(neutralise_formula)
    result.columns = [neutralise_formula(str(c)) for c in result.columns]
    return result


def selection_table(
    population: pd.DataFrame,
    register: pd.DataFrame,
    ags: list[str],
    base_year: int = DEFAULT_BASE_YEAR,
    metadata: dict[str, str] | None = None,
    file_names: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """One row per selected municipality: keys, names, latest population, change since base;
    `metadata` (territory, source, licence) as extra columns; with `file_names` (a planner's
    own list) also the name the file gave (`name_in_datei`)."""
    year = int(population["year"].max())
    now = population[population["year"] == year].set_index("ags")
    base = population[population["year"] == base_year].set_index("ags")["population"]
    info = register.set_index("ags")
    rows = []
    for key in ags:
        value = now["population"].get(key)
        before = base.get(key)
        change = None
        if value is not None and before is not None and pd.notna(value) and pd.notna(before):
            change = round((value - before) / before * 100, 2) if before else None
        rows.append(
            {
                "ags": key,
                "name": info["name"].get(key),
                "kreis": info["district_name"].get(key),
                "land": info["state_name"].get(key),
                f"einwohner_{year}": value,
                f"einwohner_{base_year}": before,
                f"veraenderung_pct_{base_year}_{year}": change,
                f"flaeche_km2_{year}": now["area_km2"].get(key),
            }
            | (metadata or {})
        )
    table = pd.DataFrame(rows)
    if file_names:
        table.insert(2, "name_in_datei", [file_names.get(key, "") for key in ags])
    return table


def csv_bytes(
    table: pd.DataFrame, source: str = "", header: Mapping[str, str] | None = None
) -> bytes:
    """CSV for German spreadsheet programs: ';' separated, decimal comma, UTF-8 with BOM; the
    source line in a last column `quelle`; `header` as '# Key: value' lines before the
    column names."""
    table = neutralised(table)
    if source:
        table[SOURCE_COLUMN] = neutralise_formula(source)
    text = comment_lines(header or {}) + table.to_csv(index=False, sep=";", decimal=",")
    return text.encode("utf-8-sig")


def geojson_bytes(
    shapes: gpd.GeoDataFrame,
    table: pd.DataFrame,
    metadata: dict[str, str] | None = None,
    source: str = "",
    header: Mapping[str, str] | None = None,
) -> bytes:
    """Polygons (VG250 2016 on the 2022 territory) of the selected municipalities with the
    table's columns; `metadata` (territory, source, licence), the source line `quelle` and
    `header` (as `properties`) as top-level members of the FeatureCollection (RFC 7946, 6.1)."""
    merged = shapes[["ags", "geometry"]].merge(neutralised(table), on="ags", how="inner")
    collection = json.loads(
        gpd.GeoDataFrame(merged, geometry="geometry", crs=shapes.crs).to_json(drop_id=True)
    )
    head: dict = {"type": collection.pop("type")}
    if metadata:
        head["metadata"] = metadata
    if source:
        head[SOURCE_COLUMN] = source
    if header:
        head["properties"] = dict(header)
    return json.dumps(head | collection, ensure_ascii=False).encode("utf-8")


# --- comparison downloads (page "Vergleich"): CSV with header lines, Excel with a sources sheet


def csv_with_header_lines(table: pd.DataFrame, lines: Iterable[str]) -> bytes:
    """CSV like `csv_bytes` (';', decimal comma, UTF-8 with BOM) preceded by comment lines
    ('# Quelle: …'); line breaks inside a line are flattened so each stays one line."""
    head = "".join(
        "# " + " ".join(str(line).split()).removeprefix("# ") + "\n" for line in lines if line
    )
    body = neutralised(table).to_csv(index=False, sep=";", decimal=",")
    return (head + body).encode("utf-8-sig")


def xlsx_bytes(
    table: pd.DataFrame,
    sources: pd.DataFrame,
    table_sheet: str = "Vergleich",
    sources_sheet: str = "Quellen",
) -> bytes:
    """An Excel workbook: `table` on the first sheet, `sources` (e.g. columns Quelle, Stand,
    Gebietsstand, Lizenz) on a second sheet. Text cells are neutralised, so none is read as a
    formula; header row frozen, columns sized to their content."""
    import io

    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    first = workbook.active
    first.title = table_sheet[:31]
    second = workbook.create_sheet(sources_sheet[:31])
    for sheet, frame in ((first, neutralised(table)), (second, neutralised(sources))):
        sheet.append([str(c) for c in frame.columns])
        for row in frame.itertuples(index=False):
            sheet.append([None if _missing(v) else _excel_value(v) for v in row])
        sheet.freeze_panes = "A2"
        for index, column in enumerate(frame.columns, start=1):
            widest = max([len(str(column))] + [len(str(v)) for v in frame[column].head(200)])
            sheet.column_dimensions[get_column_letter(index)].width = min(60, max(8, widest + 2))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _missing(value: object) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _excel_value(value: object) -> object:
    """Plain Python values for openpyxl (numpy numbers become int/float)."""
    if hasattr(value, "item"):
        return value.item()
    return value


def population_datasets(mode: str) -> list[str]:
    """Datasets behind population figures on the chosen territory."""
    return ["population"] + (["crosswalk"] if mode != territory.PUBLISHED else [])


def csv_with_metadata(table: pd.DataFrame, mode: str, sources: dict, reference: str = "") -> bytes:
    """The table as CSV with columns naming territory, source and licence, and the same as
    '# …' header lines."""
    header = download_header(sources, population_datasets(mode), territory.MODES[mode], reference)
    return csv_bytes(table.assign(**download_metadata(mode, sources)), header=header)


def download_metadata(mode: str, sources: dict) -> dict[str, str]:
    """Territory, source and licence of population downloads."""
    population = sources.get("population", {})
    crosswalk = sources.get("crosswalk", {})
    attribution = population.get("attribution", "Statistisches Bundesamt (Destatis), GV-ISys")
    if mode != territory.PUBLISHED and crosswalk.get("attribution"):
        attribution += "; Gebietsstand: " + crosswalk["attribution"]
    licence = population.get("licence", "")
    return territory.metadata_columns(mode, attribution, licence)
