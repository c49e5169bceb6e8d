"""The one German number format of the app (pure, no Streamlit).

Every number shown as text goes through here: thousands ".", decimal ",", the true minus sign
"−" (U+2212), "+" where a change is shown, rounding half up (2,25 → 2,3, as taught, not
Python's half-to-even on binary floats), a fixed number of decimals per kind of figure, and
German singular/plural for counts ("1 Gemeinde", "2 Gemeinden"). Missing values (None, NaN,
pd.NA) become a dash or the text the caller passes. Plotly charts use `PLOTLY_SEPARATORS`.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

MINUS = "\u2212"
MISSING = "–"
# Plotly's layout.separators: decimal mark first, then the thousands separator.
PLOTLY_SEPARATORS = ",."
# Decimals of a table column: as many as its values need, at most this many (shares, rates
# per 1,000, ratios and areas are shown with one decimal everywhere in the app).
MAX_TABLE_DIGITS = 1


def is_missing(value: object) -> bool:
    """True for None, NaN, pd.NA, NaT and infinities (nothing sensible to show)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float):  # also numpy floats (fast path for 11,000 map labels)
        return not math.isfinite(value)
    if isinstance(value, int | np.integer):
        return False
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def number(value: object, digits: int = 0, signed: bool = False, missing: str = MISSING) -> str:
    """'7.792', '27,3', '−7,1', '+258' (signed: a plus for positive changes); `missing` for
    None/NaN. A value that rounds to zero has no sign."""
    if is_missing(value):
        return missing
    try:
        as_float = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return missing
    scaled = abs(as_float) * 10**digits
    if abs(scaled - math.floor(scaled) - 0.5) < 1e-6:
        # Near a tie: decide on the decimal value as written (2,675 → 2,68), half up.
        exact = Decimal(str(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
        magnitude, negative = abs(exact), exact < 0
    else:  # the fast path (11,000 map labels): no tie, so every rounding agrees
        magnitude, negative = abs(as_float), as_float < 0
    text = f"{magnitude:,.{digits}f}"
    if text.strip("0.,") == "":  # rounds to zero: no sign, never "−0,0"
        negative, signed = False, False
    text = text.replace(",", "_").replace(".", ",").replace("_", ".")
    if negative:
        return MINUS + text
    if signed:
        return "+" + text
    return text


UNKNOWN = "unbekannt"


def or_unknown(value: object, digits: int = 0, signed: bool = False) -> str:
    """A number for running text and metrics, where a dash would read oddly: 'unbekannt' if
    missing (else as `number`)."""
    return number(value, digits, signed, missing=UNKNOWN)


def percent(value: object, digits: int = 1, signed: bool = False, missing: str = MISSING) -> str:
    """'27,3 %', '−7,1 %' (signed: '+2,4 %'); `missing` for None/NaN."""
    if is_missing(value):
        return missing
    return f"{number(value, digits, signed)} %"


def plural(n: int, singular: str, plural_form: str) -> str:
    """The word for a count: singular for exactly one, otherwise the plural."""
    return singular if n == 1 else plural_form


def count(n: int, singular: str, plural_form: str) -> str:
    """'1 Gemeinde', '2 Gemeinden', '1.234 Gemeinden'."""
    return f"{number(n)} {plural(n, singular, plural_form)}"


def municipality_count(n: int) -> str:
    """'1 Gemeinde', '5 Gemeinden'."""
    return count(n, "Gemeinde", "Gemeinden")


def column_digits(values: pd.Series, max_digits: int = MAX_TABLE_DIGITS) -> int:
    """Decimals a column needs so every value is shown alike (0 if all are whole)."""
    numeric = pd.to_numeric(values, errors="coerce").dropna().astype(float)
    numeric = numeric[numeric.map(math.isfinite)]
    for digits in range(max_digits):
        if ((numeric * 10**digits).round(6) % 1 == 0).all():
            return digits
    return max_digits


def _is_year_column(name: object, values: pd.Series) -> bool:
    """A column of calendar years ("Jahr", "Programmjahr"): shown without a thousands dot."""
    numeric = pd.to_numeric(values, errors="coerce").dropna()
    return (
        "jahr" in str(name).lower()
        and not numeric.empty
        and bool(((numeric % 1 == 0) & numeric.between(1800, 2100)).all())
    )


def column_formatters(frame: pd.DataFrame, missing: str = MISSING) -> dict:
    """Per numeric column a function value → German text, one number of decimals per column.

    Years stay without a thousands dot; columns whose name starts with "±" or "Veränderung"
    are changes and get a sign ("+2,4", "−6,6")."""
    formatters = {}
    for column in frame.columns:
        series = frame[column]
        if pd.api.types.is_bool_dtype(series) or not pd.api.types.is_numeric_dtype(series):
            continue
        if _is_year_column(column, series):
            formatters[column] = lambda v: missing if is_missing(v) else str(int(v))
            continue
        digits = column_digits(series)
        signed = str(column).startswith(("±", "Veränderung"))
        formatters[column] = lambda v, d=digits, s=signed: number(v, d, s, missing)
    return formatters


def table_text(frame: pd.DataFrame, missing: str = MISSING) -> pd.DataFrame:
    """A copy with every numeric column as German text (see `column_formatters`)."""
    shown = frame.copy()
    for column, formatter in column_formatters(frame, missing).items():
        shown[column] = [formatter(v) for v in frame[column]]
    return shown
