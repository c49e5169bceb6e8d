"""User-provided text made harmless for every place it is shown (pure, no Streamlit).

Everything that comes from a visitor (URL values, uploaded file names, names and groups from
uploaded files) goes through this module before it reaches the screen or a download:

- `cut` makes a value single-line, free of control characters and of readable length;
- `quote` cuts a value and puts it in German quotes, for messages;
- `plain` escapes a text for Streamlit's Markdown elements (st.markdown, st.info, st.caption,
  st.table cells, ...), so that links, images, emphasis, HTML, LaTeX and Streamlit's
  `:colour[...]` directives are shown literally instead of being rendered;
- `listing` spells out a few values and counts the rest (one note per parameter, not 5,000);
- `neutralise_formula` stops spreadsheet programs from running a cell as a formula (CSV,
  GeoJSON and any later Excel/PDF export).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from ksg_dashboard.core.numbers import number

# Values quoted in messages are cut to this many characters.
MAX_QUOTED = 60
# A text shown through `plain` without an explicit limit is cut to this many characters.
MAX_PLAIN = 500
# At most this many values are spelled out in one summarised note.
MAX_LISTED = 5

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_SPACES = re.compile(r"\s+")
# CommonMark lets every ASCII punctuation character be backslash-escaped. Only the characters
# that start Markdown, HTML, entities, LaTeX, Streamlit directives or GFM autolinks are
# escaped, so that ordinary German text ("stopp=x", "mo-0300") stays readable in the source;
# "_" only where it touches a non-alphanumeric (inside a word it never starts emphasis).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*\[\]{}<>#+|~$:!&@]|(?<![^\W_])_|_(?![^\W_]))")
_LIST_MARK = re.compile(r"^(\d+)([.)])")
# GFM turns "www.x.de", "http://x" and "a@b.de" into links even when escaped (it scans the
# parsed text): a word joiner (U+2060, invisible) after "www", ":" and "@" breaks the pattern.
_AUTOLINK = re.compile(r"(?i)(www(?=\\?\.)|:(?=//)|@)")
WORD_JOINER = "\u2060"
# Cells starting with one of these are run as formulas by Excel, LibreOffice or Sheets.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def cut(value: object, max_len: int = MAX_QUOTED) -> str:
    """The value as one line without control characters, at most `max_len` characters."""
    text = unicodedata.normalize("NFC", str(value))
    text = _SPACES.sub(" ", _CONTROL.sub("", text)).strip()
    if len(text) > max_len:
        text = text[: max(max_len - 1, 0)].rstrip() + "…"
    return text


def quote(value: object, max_len: int = MAX_QUOTED) -> str:
    """A cut value in German quotes, for messages: „value“."""
    return f"„{cut(value, max_len)}“"


def plain(value: object, max_len: int = MAX_PLAIN) -> str:
    """Text for Streamlit Markdown elements that renders literally (nothing is interpreted)."""
    text = _AUTOLINK.sub(lambda m: m.group(1) + WORD_JOINER, cut(value, max_len))
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    if text.startswith("-"):  # a list item or a rule
        text = "\\" + text
    return _LIST_MARK.sub(r"\1\\\2", text)


def listing(values: Sequence[str], max_listed: int = MAX_LISTED) -> str:
    """A few quoted values, comma-separated, with a count of the rest ("und 4.998 weitere")."""
    text = ", ".join(quote(v) for v in values[:max_listed])
    rest = len(values) - max_listed
    if rest > 0:
        text += f" und {number(rest)} weitere"
    return text


def ignored_note(
    one: str, many: str, values: Sequence[str], suffix: str = "wurde ignoriert."
) -> str:
    """One note for all ignored values of a parameter: „a“ – or „a“, „b“ … und 4.998 weitere.

    `one` and `many` are the singular and plural subject ("Unbekanntes Thema", "Unbekannte
    Themen"); the verb of `suffix` turns plural with several values."""
    if len(values) == 1:
        return f"{one} {quote(values[0])} {suffix}"
    return f"{many} {listing(values)} {suffix.replace('wurde', 'wurden')}"


def search_key(text: str) -> str:
    """Lower case without accents; umlauts as ae/oe/ue and ß as ss ("Gröditz" ~ "groeditz"):
    what a search or a name in a link is compared by."""
    text = text.casefold().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
    text = text.replace("ß", "ss")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# Markdown's special characters, for text shown in full (escape_markdown).
_MARKDOWN_ALL = re.compile(r"([\\`*_\[\]{}<>#+|~$:])")


def escape_markdown(text: str) -> str:
    """Text safe to put into Streamlit markdown in full (no formatting, links, LaTeX or
    directives); unlike `plain` it is never shortened."""
    escaped = _MARKDOWN_ALL.sub(r"\\\1", text)
    return re.sub(r"^(\d+)\.", r"\1\\.", escaped)


def neutralise_formula(value: object) -> object:
    """A text cell that spreadsheet programs show as text, never run as a formula.

    Cells starting with =, +, -, @, tab or a line break get a leading apostrophe (the OWASP
    recommendation for CSV injection); numbers and missing values are returned unchanged.
    """
    if not isinstance(value, str) or not value.startswith(FORMULA_START):
        return value
    return "'" + value
