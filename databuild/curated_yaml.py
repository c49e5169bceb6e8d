"""Reading the hand-curated YAML inputs with clear errors naming the file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ksg_dashboard.core.validation import DataValidationError


def read_yaml(path: str | Path, expected: type, what: str) -> Any:
    """The parsed file; raises DataValidationError when it is missing, invalid or not `expected`
    at the top level (`what` describes the expected shape in the message)."""
    file = str(path)
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise DataValidationError(file, "file is missing") from error
    except yaml.YAMLError as error:
        raise DataValidationError(file, f"invalid YAML: {error}") from error
    if not isinstance(data, expected):
        raise DataValidationError(file, f"top level must be {what}")
    return data
