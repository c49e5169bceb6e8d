"""Every data file, missing / truncated / garbage / wrong schema: its checked reader raises
DataValidationError naming the file (never another exception), or, if the damage left a valid
file, returns data that passes the same checks."""

from __future__ import annotations

import shutil

import pytest

from ksg_dashboard.core.config import REPO_ROOT
from ksg_dashboard.core.validation import DataValidationError
from tests.faults import MODES, READERS, break_file


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", sorted(READERS))
def test_broken_file_gives_a_data_error_naming_it(tmp_path, name, mode):
    """With data/manifest.json beside it (as `make data` writes it), every damage is found."""
    shutil.copy(REPO_ROOT / "data" / name, tmp_path / name)
    shutil.copy(REPO_ROOT / "data" / "manifest.json", tmp_path / "manifest.json")
    break_file(tmp_path / name, mode)
    with pytest.raises(DataValidationError) as caught:
        READERS[name](tmp_path)
    assert caught.value.file == name
    assert caught.value.problem


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", sorted(READERS))
def test_broken_file_without_manifest_fails_its_own_checks(tmp_path, name, mode):
    """Without the manifest the format and schema checks alone catch the damage; only a file
    cut after a complete record may still be valid, and then it is read as valid data."""
    shutil.copy(REPO_ROOT / "data" / name, tmp_path / name)
    break_file(tmp_path / name, mode)
    try:
        result = READERS[name](tmp_path)
    except DataValidationError as error:
        assert error.file == name and error.problem
    else:
        assert mode == "abgeschnitten" and name.endswith(".yaml"), f"{name} {mode} was accepted"
        assert result


@pytest.mark.parametrize("name", sorted(READERS))
def test_intact_file_passes(tmp_path, name):
    shutil.copy(REPO_ROOT / "data" / name, tmp_path / name)
    assert READERS[name](tmp_path) is not None
