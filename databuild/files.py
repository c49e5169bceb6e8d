"""Writers the build steps share, so every output file is written the same way."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import geopandas as gpd
import pandas as pd


def write_geoparquet(frame: gpd.GeoDataFrame, path: Path) -> None:
    """GeoParquet with zstd compression, sorted by its key for stable output."""
    frame.to_parquet(path, compression="zstd", index=False, schema_version="1.0.0")


def write_parquet(frame: pd.DataFrame, path: Path) -> None:
    """Plain Parquet with zstd compression."""
    frame.to_parquet(path, compression="zstd", index=False)


def write_json(record: object, path: Path, indent: int = 1) -> None:
    """Indented UTF-8 JSON with a final newline."""
    path.write_text(json.dumps(record, ensure_ascii=False, indent=indent) + "\n", encoding="utf-8")


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
