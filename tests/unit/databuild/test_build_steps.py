"""Tests for the data build's command line (databuild.__main__): the step table, names,
dependency resolution and that one step writes only its files. Fast: fake steps and fake
inputs, never the real build."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
import yaml

from databuild import __main__ as cli
from databuild import population
from databuild.context import BuildContext
from ksg_dashboard.core.config import REPO_ROOT
from ksg_dashboard.core.validation import DataValidationError

DATA = REPO_ROOT / "data"
NAMES = [
    "territory",
    "boundaries",
    "population",
    "register",
    "associations",
    "age",
    "regional_stats",
    "curated",
    "tour",
    "programme",
    "sources",
]


def writer(*files: str):
    """A step body that writes each file with its own name as content."""

    def run(ctx) -> None:
        for name in files:
            (ctx.out / name).write_text(name, encoding="utf-8")

    return run


def fake_steps() -> tuple[cli.Step, ...]:
    return (
        cli.Step("first", ("a.txt", "b.txt"), writer("a.txt", "b.txt")),
        cli.Step("second", ("c.txt",), writer("c.txt"), reads=("a.txt",)),
        cli.Step("third", ("d.txt",), writer("d.txt"), reads=("c.txt",)),
        cli.Step("other", ("e.txt",), writer("e.txt")),
    )


@pytest.fixture
def out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    target = tmp_path / "data"
    monkeypatch.setenv("KSG_DATA_DIR", str(target))
    return target


# --- the step table ---------------------------------------------------------------------------


def test_steps_in_build_order() -> None:
    assert cli.step_names() == NAMES


def test_steps_name_every_committed_file_once() -> None:
    outputs = [file for step in cli.STEPS for file in step.outputs]
    assert len(outputs) == len(set(outputs))
    manifest = json.loads((DATA / "manifest.json").read_text(encoding="utf-8"))
    assert set(outputs) == set(manifest["files"])


def test_reads_are_files_of_earlier_steps() -> None:
    seen: set[str] = set()
    for step in cli.STEPS:
        assert set(step.reads) <= seen, step.name
        seen |= set(step.outputs)
    associations = next(s for s in cli.STEPS if s.name == "associations")
    assert associations.reads == (
        "municipalities_overview.parquet",
        "municipalities_regional.parquet",
    )


def test_list_prints_each_step_with_its_files(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == NAMES
    assert lines[NAMES.index("tour")].split() == ["tour", "tour.yaml"]
    assert "municipalities.parquet" in lines[NAMES.index("register")]


# --- names ------------------------------------------------------------------------------------


def test_unknown_step_exits_2_naming_the_valid_ones(
    out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["population", "popluation"])
    assert exit_info.value.code == 2
    error = capsys.readouterr().err
    assert "unknown step 'popluation'" in error
    assert "valid steps: " + ", ".join(NAMES) in error
    assert not out.exists()  # nothing was built


def test_resolve_unknown_name_raises() -> None:
    with pytest.raises(KeyError, match="nope"):
        cli.resolve(["nope"], Path("/nonexistent"), fake_steps())


# --- dependency resolution --------------------------------------------------------------------


def names_of(steps: list[cli.Step]) -> list[str]:
    return [step.name for step in steps]


def test_resolve_no_names_is_every_step(tmp_path: Path) -> None:
    assert names_of(cli.resolve([], tmp_path, fake_steps())) == [
        "first",
        "second",
        "third",
        "other",
    ]


def test_resolve_adds_producers_of_missing_files_in_build_order(tmp_path: Path) -> None:
    assert names_of(cli.resolve(["third"], tmp_path, fake_steps())) == ["first", "second", "third"]
    (tmp_path / "a.txt").write_text("a")
    assert names_of(cli.resolve(["third"], tmp_path, fake_steps())) == ["second", "third"]
    (tmp_path / "c.txt").write_text("c")
    assert names_of(cli.resolve(["third"], tmp_path, fake_steps())) == ["third"]


def test_resolve_keeps_build_order_and_drops_repeats(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("a")
    chosen = cli.resolve(["other", "second", "other"], tmp_path, fake_steps())
    assert names_of(chosen) == ["second", "other"]


def test_associations_alone_needs_boundaries_only_when_their_files_are_missing(
    tmp_path: Path,
) -> None:
    assert names_of(cli.resolve(["associations"], tmp_path)) == ["boundaries", "associations"]
    for name in ("municipalities_overview.parquet", "municipalities_regional.parquet"):
        (tmp_path / name).write_bytes(b"")
    assert names_of(cli.resolve(["associations"], tmp_path)) == ["associations"]


def test_curated_tour_programme_read_the_written_register_and_cooperations(
    tmp_path: Path,
) -> None:
    assert names_of(cli.resolve(["tour"], tmp_path)) == ["register", "curated", "tour"]
    assert names_of(cli.resolve(["programme"], tmp_path)) == ["register", "curated", "programme"]
    (tmp_path / "municipalities.parquet").write_bytes(b"")
    assert names_of(cli.resolve(["tour", "programme"], tmp_path)) == [
        "curated",
        "tour",
        "programme",
    ]
    (tmp_path / "cooperations.yaml").write_text("[]")
    assert names_of(cli.resolve(["programme"], tmp_path)) == ["programme"]


# --- running ----------------------------------------------------------------------------------


def manifest_files(out: Path) -> set[str]:
    return set(json.loads((out / "manifest.json").read_text(encoding="utf-8"))["files"])


def test_one_step_writes_only_its_files_and_the_manifest(out: Path) -> None:
    out.mkdir()
    (out / "a.txt").write_text("kept")
    assert cli.main(["second"], fake_steps()) == 0
    assert sorted(p.name for p in out.iterdir()) == ["a.txt", "c.txt", "manifest.json"]
    assert (out / "a.txt").read_text() == "kept"  # present, so "first" did not run
    assert manifest_files(out) == {"a.txt", "c.txt"}


def test_several_steps_and_full_run(out: Path) -> None:
    assert cli.main(["other", "first"], fake_steps()) == 0
    assert manifest_files(out) == {"a.txt", "b.txt", "e.txt"}
    assert cli.main([], fake_steps()) == 0
    assert manifest_files(out) == {"a.txt", "b.txt", "c.txt", "d.txt", "e.txt"}


def test_data_problem_exits_1_and_names_the_file(
    out: Path, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(ctx) -> None:
        raise DataValidationError("x.parquet", "negative counts")

    steps = (cli.Step("broken", ("x.parquet",), broken),)
    assert cli.main(["broken"], steps) == 1
    assert "data build failed: x.parquet: negative counts" in caplog.text


def test_steps_share_one_context(out: Path) -> None:
    contexts = []
    steps = tuple(cli.Step(name, (), lambda ctx: contexts.append(ctx)) for name in ("one", "two"))
    assert cli.main([], steps) == 0
    assert len(contexts) == 2 and contexts[0] is contexts[1]
    assert contexts[0].out == out


# --- real steps on fake inputs ----------------------------------------------------------------


def test_programme_step_reproduces_the_committed_file(tmp_path: Path) -> None:
    cooperations = yaml.safe_load((DATA / "cooperations.yaml").read_text(encoding="utf-8"))
    ctx = SimpleNamespace(out=tmp_path, cooperation_ids=[c["id"] for c in cooperations])
    step = next(s for s in cli.STEPS if s.name == "programme")
    step.run(ctx)
    assert sorted(p.name for p in tmp_path.iterdir()) == list(step.outputs)
    assert (tmp_path / "programme.yaml").read_bytes() == (DATA / "programme.yaml").read_bytes()


def test_sources_step_reproduces_the_committed_files(tmp_path: Path) -> None:
    ctx = SimpleNamespace(out=tmp_path, years=list(range(2010, 2023)))
    step = next(s for s in cli.STEPS if s.name == "sources")
    step.run(ctx)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(step.outputs)
    for name in step.outputs:
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), name


# --- the shared inputs ------------------------------------------------------------------------


def test_context_reads_gv_isys_once_and_only_when_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []
    frame = pd.DataFrame({"ags": ["01001000", "01001000"], "year": [2021, 2022]})

    def read_all_years(directory: Path) -> pd.DataFrame:
        calls.append(directory)
        return frame

    monkeypatch.setattr(population, "read_all_years", read_all_years)
    raw = tmp_path / "raw"
    (raw / "destatis-gv-isys").mkdir(parents=True)
    for year in (2022, 2010):
        (raw / "destatis-gv-isys" / f"{year}_12_31_Auszug_GV.xlsx").write_bytes(b"")
    ctx = BuildContext(tmp_path / "out", raw=raw, cache=tmp_path / "cache")
    assert ctx.years == [2010, 2022]  # from the file names alone
    assert calls == []
    assert ctx.latest["year"].tolist() == [2022]
    assert ctx.all_years is frame
    assert calls == [raw / "destatis-gv-isys"]


def test_context_reads_register_and_cooperation_ids_from_out(tmp_path: Path) -> None:
    for name in ("municipalities.parquet", "cooperations.yaml"):
        (tmp_path / name).write_bytes((DATA / name).read_bytes())
    ctx = BuildContext(tmp_path, raw=tmp_path / "no-raw", cache=tmp_path / "no-cache")
    assert ctx.cooperation_ids == [
        "region-in-bewegung",
        "kurstadtregion-elbe-elster",
        "mittelbereich-templin",
        "ag-bachtal",
        "bad-berleburg",
    ]
    register = ctx.written_register
    assert register.set_index("ags").loc["14627050", "name"] == "Gröditz, Stadt"
    assert {c["id"] for c in ctx.cooperations} == set(ctx.cooperation_ids)
