"""The one German number formatter: separators, minus sign, rounding, plurals, missing values."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ksg_dashboard.core import numbers
from ksg_dashboard.core.numbers import MINUS, count, number, percent, plural, table_text

PACKAGE = Path(__file__).resolve().parents[3] / "ksg_dashboard"


@pytest.mark.parametrize(
    ("value", "digits", "signed", "expected"),
    [
        (7792, 0, False, "7.792"),
        (83_019_213, 0, False, "83.019.213"),
        (27.25, 1, False, "27,3"),  # half up, not half to even
        (2.675, 2, False, "2,68"),  # the decimal value, not the binary float below it
        (32, 1, False, "32,0"),  # the same decimals for every value of a kind
        (-7.14, 1, False, f"{MINUS}7,1"),
        (-592, 0, True, f"{MINUS}592"),
        (258, 0, True, "+258"),
        (1234.5, 1, True, "+1.234,5"),
        (-1234567.891, 2, False, f"{MINUS}1.234.567,89"),
        (-0.04, 1, True, "0,0"),  # rounds to zero: no sign, never "−0,0"
        (0, 0, True, "0"),
        (np.int64(11000), 0, False, "11.000"),
        (np.float64(-0.5), 0, False, f"{MINUS}1"),
    ],
)
def test_number(value, digits, signed, expected) -> None:
    assert number(value, digits, signed) == expected


@pytest.mark.parametrize("missing", [None, float("nan"), np.nan, pd.NA, math.inf])
def test_missing_values(missing) -> None:
    assert number(missing) == "–"
    assert number(missing, missing="keine Angabe") == "keine Angabe"
    assert percent(missing, missing="unbekannt") == "unbekannt"


def test_no_hyphen_minus() -> None:
    for value in (-1, -0.5, -1234.56, -1e7):
        text = number(value, 1)
        assert "-" not in text and text.startswith(MINUS)


def test_percent() -> None:
    assert percent(27.26) == "27,3 %"
    assert percent(-6.6, signed=True) == f"{MINUS}6,6 %"
    assert percent(2.4, signed=True) == "+2,4 %"


@pytest.mark.parametrize(
    ("n", "expected"),
    [(0, "0 Gemeinden"), (1, "1 Gemeinde"), (2, "2 Gemeinden"), (1234, "1.234 Gemeinden")],
)
def test_count(n, expected) -> None:
    assert count(n, "Gemeinde", "Gemeinden") == expected
    assert plural(n, "Halt", "Halte") == ("Halt" if n == 1 else "Halte")


def test_table_text_uses_one_number_of_decimals_per_column() -> None:
    frame = pd.DataFrame(
        {
            "Gemeinde": ["A", "B", "C"],
            "Jahr": [2012, 2015, 2022],
            "Einwohner": [28_000, 7_626, 512],
            "Anteil 65+ (%)": [32.0, 27.3, np.nan],
            "± seit 2012 (%)": [-6.6, 2.4, 0.0],
        }
    )
    shown = table_text(frame)
    assert shown["Gemeinde"].tolist() == ["A", "B", "C"]
    assert shown["Jahr"].tolist() == ["2012", "2015", "2022"]
    assert shown["Einwohner"].tolist() == ["28.000", "7.626", "512"]
    assert shown["Anteil 65+ (%)"].tolist() == ["32,0", "27,3", "–"]
    assert shown["± seit 2012 (%)"].tolist() == [f"{MINUS}6,6", "+2,4", "0,0"]
    assert frame["Einwohner"].dtype.kind == "i"  # the input is not changed


def test_column_digits() -> None:
    assert numbers.column_digits(pd.Series([1.0, 2.0, None])) == 0
    assert numbers.column_digits(pd.Series([1.0, 2.5])) == 1
    assert numbers.column_digits(pd.Series([1.25, 2.123])) == 1  # capped: one decimal
    assert numbers.column_digits(pd.Series([1.25, 2.123]), max_digits=2) == 2


# Hand-made number formatting: a thousands separator in an f-string, the dot/comma swap,
# or an explicit decimal format in a Python f-string (plotly's own %{...} templates are fine).
HAND_FORMATTING = re.compile(
    r"""(?<![%{])\{[^{}]*:[+ ]?,|\.replace\(",", "\."\)|\.replace\("\.", ","\)"""
    r"""|(?<![%{])\{[^{}]*:[+,]?\.\d+f\}"""
)
ALLOWED = {"numbers.py"}


def test_no_module_formats_numbers_by_hand() -> None:
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")) + sorted((PACKAGE.parent / "app_pages").glob("*.py")):
        if path.name in ALLOWED:
            continue
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if HAND_FORMATTING.search(line):
                offenders.append(f"{path.relative_to(PACKAGE.parent)}:{lineno}: {line.strip()}")
    assert not offenders, "format numbers with ksg_dashboard.core.numbers:\n" + "\n".join(offenders)


def test_tables_show_one_number_of_decimals_per_column() -> None:
    """st.dataframe shows 32.0 as "32" next to "27,3" unless the column's step fixes it."""
    from ksg_dashboard.app.widgets import number_columns

    config = number_columns(pd.DataFrame({"a": [32.0, 27.3], "b": [1, 2], "c": ["x", "y"]}))
    assert set(config) == {"a", "b"}
    assert config["a"]["type_config"] == {**config["a"]["type_config"], "step": 0.1}
    assert config["b"]["type_config"]["step"] == 1.0
    assert config["a"]["type_config"]["format"] == "localized"
