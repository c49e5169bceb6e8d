"""Entry point of the data build (`make data`): raw sources in, the app's data/ files out.

`python -m databuild` runs every step in order; `python -m databuild population tour` runs
only the named steps (plus any step whose files a named one reads and that are missing);
`python -m databuild --list` lists them. The manifest is rewritten after every run.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from databuild import (
    age,
    associations,
    boundaries,
    curated,
    population,
    programme,
    regional_stats,
    sources,
    territory,
    tour,
)
from databuild.context import COOPERATIONS_FILE, REGISTER_FILE, BuildContext
from databuild.files import write_manifest, write_parquet
from ksg_dashboard.core import config
from ksg_dashboard.core.validation import DataValidationError

log = logging.getLogger("databuild")


@dataclass(frozen=True)
class Step:
    """One build step: the files it writes, the files of other steps it reads, how it runs."""

    name: str
    outputs: tuple[str, ...]
    run: Callable[[BuildContext], None]
    reads: tuple[str, ...] = ()


def _territory(ctx: BuildContext) -> None:
    territory.write_territory(ctx.out, ctx.all_years, ctx.territory_steps, ctx.bbsr, ctx.crosswalk)


def _boundaries(ctx: BuildContext) -> None:
    boundaries.write_boundaries(ctx.out, ctx.dissolved, ctx.districts, ctx.states)


def _population(ctx: BuildContext) -> None:
    population.write_population(ctx.out, ctx.population_table, ctx.crosswalk)


def _register(ctx: BuildContext) -> None:
    write_parquet(ctx.register, ctx.out / REGISTER_FILE)
    log.info("register: %d municipalities", len(ctx.register))


def _associations(ctx: BuildContext) -> None:
    associations.write_associations(ctx.out, ctx.all_years, ctx.polygons_2016, ctx.package)


def _age(ctx: BuildContext) -> None:
    age.write_age(ctx.out, ctx.raw)


def _regional_stats(ctx: BuildContext) -> None:
    counts = regional_stats.build_regional_stats(ctx.raw, ctx.out, ctx.all_years, ctx.crosswalk)
    log.info("regional statistics 2015: %s", counts)


def _curated(ctx: BuildContext) -> None:
    curated.write_curated(
        ctx.out,
        ctx.cooperations,
        ctx.written_register[["ags", "name", "state_key"]],
        config.facts_dir() / "examples.yaml",
        config.REPO_ROOT / "curated" / "measure_notes.yaml",
    )


def _tour(ctx: BuildContext) -> None:
    record = tour.build_tour(
        config.REPO_ROOT / "curated" / "tour.yaml", ctx.written_register, ctx.cooperation_ids
    )
    tour.write_tour(record, ctx.out / "tour.yaml")
    log.info("tour: %d stops", len(record["stops"]))


def _programme(ctx: BuildContext) -> None:
    record = programme.build_programme(
        config.REPO_ROOT / "curated" / "programme.yaml", ctx.cooperation_ids
    )
    programme.write_programme(record, ctx.out / "programme.yaml")
    log.info("programme: %d items", programme.count_items(record))


def _sources(ctx: BuildContext) -> None:
    sources.write_sources(ctx.out, sources.sources(ctx.years))


MUNICIPALITY_LEVELS = tuple(f"municipalities_{level}.parquet" for level in boundaries.TOLERANCES_M)

# In the order of a full build.
STEPS: tuple[Step, ...] = (
    Step(
        "territory",
        ("crosswalk.parquet", "territorial_changes.csv", "territory_validation.json"),
        _territory,
    ),
    Step(
        "boundaries",
        (*MUNICIPALITY_LEVELS, "municipalities_web.json", "districts.parquet", "states.parquet"),
        _boundaries,
    ),
    Step("population", ("population.parquet", "population_2022.parquet"), _population),
    Step("register", (REGISTER_FILE,), _register),
    Step(
        "associations",
        (
            "associations.parquet",
            "association_members.parquet",
            "associations_check.json",
            "association_outlines.parquet",
        ),
        _associations,
        reads=MUNICIPALITY_LEVELS,
    ),
    Step(
        "age",
        ("district_age.parquet", "dependency_ratios.parquet", "official_totals.parquet"),
        _age,
    ),
    Step(
        "regional_stats",
        (
            "municipal_age_2015.parquet",
            "migration_2015.parquet",
            "age_regions_2015.parquet",
            "migration_regions_2015.parquet",
            "natural_change.parquet",
            "age_2015_gebiet2022.parquet",
            "migration_2015_gebiet2022.parquet",
            "regional_stats_notes.json",
        ),
        _regional_stats,
    ),
    Step("curated", (COOPERATIONS_FILE, "measures.yaml"), _curated, reads=(REGISTER_FILE,)),
    Step("tour", ("tour.yaml",), _tour, reads=(REGISTER_FILE, COOPERATIONS_FILE)),
    Step("programme", ("programme.yaml",), _programme, reads=(COOPERATIONS_FILE,)),
    Step("sources", ("sources.json", "SOURCES.md"), _sources),
)


def step_names(steps: Iterable[Step] = STEPS) -> list[str]:
    return [step.name for step in steps]


def resolve(names: Sequence[str], out: Path, steps: Sequence[Step] = STEPS) -> list[Step]:
    """The named steps plus the producers of files they read that are missing in `out`,
    in build order; no names means every step. Raises KeyError for an unknown name."""
    by_name = {step.name: step for step in steps}
    unknown = [name for name in names if name not in by_name]
    if unknown:
        raise KeyError(", ".join(unknown))
    if not names:
        return list(steps)
    producer = {file: step.name for step in steps for file in step.outputs}
    wanted: set[str] = set()
    pending = list(names)
    while pending:
        name = pending.pop()
        if name in wanted:
            continue
        wanted.add(name)
        pending += [producer[f] for f in by_name[name].reads if not (out / f).is_file()]
    return [step for step in steps if step.name in wanted]


def build(out: Path, names: Sequence[str] = (), steps: Sequence[Step] = STEPS) -> None:
    """Run the steps (all by default); each validates its output and raises
    DataValidationError on a problem. The manifest is rewritten afterwards."""
    started = time.monotonic()
    out.mkdir(parents=True, exist_ok=True)
    chosen = resolve(names, out, steps)
    context = BuildContext(out)
    log.info("raw sources: %s -> %s; steps: %s", context.raw, out, " ".join(step_names(chosen)))
    for step in chosen:
        step_started = time.monotonic()
        step.run(context)
        log.info("step %s done in %.1f s", step.name, time.monotonic() - step_started)
    write_manifest(out)
    log.info("done in %.0f s", time.monotonic() - started)


def parser() -> argparse.ArgumentParser:
    cli = argparse.ArgumentParser(
        prog="python -m databuild",
        description="Build data/ (or KSG_DATA_DIR) from the raw sources: all steps or the named.",
    )
    cli.add_argument("steps", nargs="*", metavar="STEP", help="steps to run (default: all)")
    cli.add_argument("--list", action="store_true", help="list the steps and their files")
    return cli


def list_steps(steps: Sequence[Step] = STEPS) -> str:
    width = max(len(step.name) for step in steps)
    return "\n".join(f"{step.name:<{width}}  {', '.join(step.outputs)}" for step in steps)


def main(argv: Sequence[str] | None = None, steps: Sequence[Step] = STEPS) -> int:
    """Build the named steps; exit 2 on an unknown step name, 1 on any data problem."""
    cli = parser()
    args = cli.parse_args(argv)
    if args.list:
        print(list_steps(steps))
        return 0
    unknown = [name for name in args.steps if name not in step_names(steps)]
    if unknown:
        cli.error(
            f"unknown step {', '.join(repr(n) for n in unknown)}; "
            f"valid steps: {', '.join(step_names(steps))}"
        )
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    try:
        build(config.data_dir(), args.steps, steps)
    except DataValidationError as error:
        log.error("data build failed: %s", error)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
