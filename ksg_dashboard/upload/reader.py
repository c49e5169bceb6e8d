"""Parse a planner's own municipality list (CSV or .xlsx with an AGS column), pure logic."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

import pandas as pd

from ksg_dashboard.core import numbers

MAX_BYTES = 5 * 1024 * 1024
# An .xlsx is a zip; refuse archives that would unpack to far more than any real list needs.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
# At most this many offending values are spelled out in a note.
MAX_LISTED = 20
# Values from the file are shortened to this length when they appear in a message.
MAX_SHOWN_CHARS = 40
# Share of printable ASCII characters that marks UTF-16 text without BOM (see below).
UTF16_ASCII_SHARE = 0.25
# Germany has about 11,000 municipalities; longer files are not a list of them.
MAX_ROWS = 50_000
# Cells beyond this column are ignored (a list needs three columns at most).
MAX_COLUMNS = 100
# Rows scanned for a header line (some exports put a title above the table).
HEADER_SCAN_ROWS = 10
# Lines used to guess the CSV separator.
SNIFF_LINES = 50
SEPARATORS = {";": "Semikolon", ",": "Komma", "\t": "Tabulator"}

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # old binary .xls (and .doc)
BINARY_MAGICS = (
    b"\x89PNG",
    b"%PDF",
    b"GIF8",
    b"\xff\xd8\xff",  # JPEG
    b"\x1f\x8b",  # gzip
    b"PK\x05\x06",  # empty zip
)

KEY_ALIASES = (
    "AGS",
    "Gemeindeschlüssel",
    "Amtlicher Gemeindeschlüssel",
    "GKZ",
    "Gemeindekennziffer",
    "Kennziffer",
    "ARS",
    "Regionalschlüssel",
    "Amtlicher Regionalschlüssel",
)
NAME_ALIASES = ("Name", "Gemeindename", "Gemeinde", "Kommune", "Stadt", "Bezeichnung")
GROUP_ALIASES = ("Gruppe", "Group", "Kooperation", "Region", "Verbund")

_SPACES = re.compile(r"\s+")  # Unicode-aware: also no-break and narrow spaces
_QUOTES = re.compile("[\"'`´‚‘’„“”«»]")
_THOUSANDS = re.compile(r"^\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*$")
_ZERO_DECIMALS = re.compile(r"^(\d+)[.,]0+$")
_SCIENTIFIC = re.compile(r"^\d+(?:[.,]\d+)?[eE][+-]?\d+$")
_DIGITS = re.compile(r"^\d+$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# A cell with a formula and an empty stored result: <c r="A2"><f>…</f><v /></c> (or no <v>).
_FORMULA_WITHOUT_VALUE = re.compile(
    rb'<c r="([A-Z]+\d+)"[^>]*>\s*<f[^>]*>[^<]*</f>\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>'
)


@dataclass(frozen=True)
class UploadResult:
    """What could be used from an uploaded list, what not, and German notes for the user.

    `names`, `groups`, `unknown`, `invalid`, `notes` and `error` can contain text from the file;
    the UI must show them escaped (never with `unsafe_allow_html`).
    """

    ags: tuple[str, ...] = ()  # valid, known, de-duplicated 8-digit AGS in file order
    names: dict[str, str] = field(default_factory=dict)  # ags -> name from the file
    groups: dict[str, str] = field(default_factory=dict)  # ags -> group label from the file
    unknown: tuple[str, ...] = ()  # well-formed AGS not in the register
    invalid: tuple[str, ...] = ()  # cell values that are not a key at all
    notes: tuple[str, ...] = ()
    error: str | None = None  # set when nothing could be used (then `ags` is empty)

    @property
    def ok(self) -> bool:
        """True when at least one municipality can be used."""
        return self.error is None and bool(self.ags)


@dataclass(frozen=True)
class _Table:
    """Non-empty rows of stripped cell strings (ragged, not padded) and how they were read."""

    rows: list[list[str]]
    note: str
    separator: str | None = None  # CSV only
    formula_cells: tuple[str, ...] = ()  # .xlsx cells with a formula but no stored result


@dataclass(frozen=True)
class _Columns:
    """The data rows below the header and the columns to read from them."""

    body: list[list[str]]
    key: int
    name: int | None
    group: int | None
    note: str


class _Unreadable(Exception):
    """The bytes are not a table we can read; the message is the German error for the user."""


def _normalise_header(text: str) -> str:
    """Header text compared case-, umlaut-, space- and punctuation-insensitively."""
    text = text.strip().lower()
    for umlaut, plain in (("ä", "a"), ("ö", "o"), ("ü", "u"), ("ß", "ss")):
        text = text.replace(umlaut, plain)
    text = re.sub(r"[^a-z0-9]", "", text)
    # "Gemeindeschluessel" and "Gemeindeschlussel" both mean "Gemeindeschlüssel".
    for spelled, plain in (("ae", "a"), ("oe", "o"), ("ue", "u")):
        text = text.replace(spelled, plain)
    return text


_KEY_HEADERS = tuple(_normalise_header(a) for a in KEY_ALIASES)
_NAME_HEADERS = tuple(_normalise_header(a) for a in NAME_ALIASES)
_GROUP_HEADERS = tuple(_normalise_header(a) for a in GROUP_ALIASES)


def _show(value: str) -> str:
    """A file value made short and single-line for a message."""
    value = _CONTROL.sub("", value.replace("\n", " ").replace("\r", " ")).strip()
    if len(value) > MAX_SHOWN_CHARS:
        value = value[: MAX_SHOWN_CHARS - 1] + "…"
    return f"„{value}“"


def _listing(values: Sequence[str], quote: bool = True) -> str:
    """At most MAX_LISTED values, comma-separated, with a count of the rest."""
    shown = [_show(v) if quote else v for v in values[:MAX_LISTED]]
    text = ", ".join(shown)
    if len(values) > MAX_LISTED:
        text += f" (und {len(values) - MAX_LISTED} weitere)"
    return text


_count = numbers.count  # a count with the German singular or plural phrase


def _too_many_rows() -> str:
    """The error for files far longer than any list of municipalities."""
    limit = numbers.number(MAX_ROWS)
    return (
        f"Die Datei hat mehr als {limit} Zeilen; Deutschland hat rund 11.000 Gemeinden. "
        "Bitte nur die Liste der gewünschten Gemeinden hochladen."
    )


def _not_a_table(filename: str) -> str:
    """The error for files that are neither CSV nor Excel."""
    return (
        f"{_show(filename)} ist keine CSV- oder Excel-Datei. Bitte eine Liste als CSV "
        "(z. B. „Speichern unter → CSV (Trennzeichen-getrennt)“) oder als .xlsx hochladen."
    )


def _read_excel(filename: str, content: bytes) -> _Table:
    """The first sheet of an .xlsx as strings (header=None: header detection is ours)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
            names = {m.filename for m in members}
            unpacked = sum(m.file_size for m in members)
            first_sheet = "xl/worksheets/sheet1.xml"
            sheet_xml = (
                archive.read(first_sheet)
                if first_sheet in names and unpacked <= MAX_UNPACKED_BYTES
                else b""
            )
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _Unreadable(
            f"{_show(filename)} sieht wie eine Excel-Datei aus, ist aber beschädigt."
        ) from exc
    if "xl/workbook.xml" not in names:
        # Other zip formats: .ods, .docx, plain .zip, ...
        raise _Unreadable(
            f"{_show(filename)} ist keine Excel-(.xlsx-) oder CSV-Datei. Bitte die Tabelle "
            "als .xlsx oder CSV speichern und erneut hochladen."
        )
    if unpacked > MAX_UNPACKED_BYTES:
        raise _Unreadable(f"{_show(filename)} ist entpackt zu groß für eine Gemeindeliste.")
    try:
        with pd.ExcelFile(io.BytesIO(content), engine="openpyxl") as book:
            sheets = book.sheet_names
            frame = pd.read_excel(book, sheet_name=0, header=None, dtype=str, nrows=MAX_ROWS + 1)
    except Exception as exc:  # openpyxl raises many different types on broken files
        raise _Unreadable(
            f"Die Excel-Datei {_show(filename)} konnte nicht gelesen werden. Bitte als .xlsx "
            "oder CSV neu speichern."
        ) from exc
    if len(frame) > MAX_ROWS:
        raise _Unreadable(_too_many_rows())
    rows = _tidy(["" if pd.isna(cell) else str(cell) for cell in row] for row in frame.to_numpy())
    note = f"Gelesen als Excel-Datei (Tabellenblatt {_show(str(sheets[0]))})."
    if len(sheets) > 1:
        others = _count(len(sheets) - 1, "weiteres Tabellenblatt wurde", "weitere wurden")
        note += f" {others} nicht gelesen."
    formulas = tuple(m.decode() for m in _FORMULA_WITHOUT_VALUE.findall(sheet_xml))
    return _Table(rows, note, formula_cells=formulas)


def _decode(filename: str, content: bytes) -> tuple[str, str]:
    """The text and the name of the encoding used (UTF-8 first, then Windows-1252)."""
    encodings = [("utf-8-sig", "UTF-8"), ("cp1252", "Windows-1252/Latin-1")]
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Excel's "Unicode-Text" export: UTF-16 with a byte order mark (and tabs).
        encodings = [("utf-16", "UTF-16")]
    elif b"\x00" in content:
        utf16 = _utf16_without_bom(content)
        if utf16 is None:
            raise _Unreadable(_not_a_table(filename))
        encodings = [utf16]
    for encoding, label in encodings:
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        # Text files have (almost) no control characters besides tab and line breaks.
        if len(_CONTROL.findall(text)) > max(2, len(text) // 100):
            break
        return text, label
    raise _Unreadable(_not_a_table(filename))


def _utf16_without_bom(content: bytes) -> tuple[str, str] | None:
    """("utf-16-le"/"utf-16-be", label) for UTF-16 text without a byte order mark, else None.

    A list of keys is mostly printable ASCII (digits, separators, line breaks), even when its
    names are not. The byte order that reads the sample as the larger share of printable ASCII
    is the one, if that share is at least UTF16_ASCII_SHARE; read in the wrong order, or as
    binary data, almost no character is printable ASCII. (Counting zero bytes instead refused a
    short list whose names were "Ā" (00 01) or beyond U+FFFF.)
    """
    sample = content[:8192]
    if len(sample) < 4 or len(sample) % 2:
        return None
    shares = {}
    for codec in ("utf-16-le", "utf-16-be"):
        text = sample.decode(codec, errors="replace")  # the cut may split a surrogate pair
        printable = sum(" " <= c < "\x7f" or c in "\t\r\n" for c in text)
        shares[codec] = printable / len(text)
    codec = max(shares, key=shares.get)
    if shares[codec] < UTF16_ASCII_SHARE:
        return None
    return codec, "UTF-16 (ohne BOM)"


def _sniff_separator(text: str) -> str:
    """The separator giving the most consistent multi-column split of the first lines."""
    sample_lines = [line for line in text[:65536].splitlines() if line.strip()][:SNIFF_LINES]
    sample = "\n".join(sample_lines)
    best, best_score = ";", (0.0, 0)
    for separator in SEPARATORS:  # dict order breaks ties: ";" (German Excel) first
        counts = [len(row) for row in csv.reader(io.StringIO(sample), delimiter=separator)]
        counts = [c for c in counts if c]
        if not counts:
            continue
        mode = max(set(counts), key=counts.count)
        if mode < 2:
            continue
        score = (counts.count(mode) / len(counts), mode)
        if score > best_score:
            best, best_score = separator, score
    return best


# Header lines of the app's own CSV downloads ("# Quelle: …", see export.comment_lines). Only
# "# Word(s): …" counts, so a column named "#" (row numbers) is still read as a header.
_COMMENT_LINE = re.compile(r"#[ \t]*[A-Za-zÄÖÜäöüß][A-Za-zÄÖÜäöüß \t-]{0,40}:")


def _without_comment_header(text: str) -> tuple[str, int]:
    """The text without its leading '# Key: value' lines, and how many there were."""
    start, count = 0, 0
    while _COMMENT_LINE.match(text, start):
        end = text.find("\n", start)
        if end < 0:
            return "", count + 1
        start, count = end + 1, count + 1
    return text[start:], count


def _read_csv(filename: str, content: bytes) -> _Table:
    """A CSV as rows of strings; ragged rows are kept as they are, never rejected."""
    text, encoding = _decode(filename, content)
    head = text.lstrip().lower()
    if head.startswith(("<!doctype", "<html", "<?xml", "{\\rtf")):
        raise _Unreadable(_not_a_table(filename))
    text, comments = _without_comment_header(text)
    try:
        separator = _sniff_separator(text)
        rows = _tidy(csv.reader(io.StringIO(text, newline=""), delimiter=separator))
    except csv.Error as exc:
        raise _Unreadable(
            f"{_show(filename)} konnte nicht als CSV gelesen werden: ein Feld ist ungewöhnlich "
            "lang, vermutlich fehlt ein schließendes Anführungszeichen."
        ) from exc
    note = f"Gelesen als CSV (Zeichenkodierung {encoding}, Trennzeichen {SEPARATORS[separator]})."
    if comments:
        note += f" {comments} Kopfzeile(n) mit „# Quelle: …“ o. Ä. übersprungen."
    if any("\n" in cell or "\r" in cell for row in rows for cell in row):
        note += (
            " Achtung: eine Zelle enthält einen Zeilenumbruch, vermutlich fehlt ein schließendes "
            "Anführungszeichen; dadurch können Zeilen fehlen."
        )
    return _Table(rows, note, separator=separator)


def _tidy(rows: Iterable[Sequence[str]]) -> list[list[str]]:
    """Rows with at least one non-blank cell, cells stripped and cut at MAX_COLUMNS."""
    tidy: list[list[str]] = []
    for row in rows:
        if not row:  # blank CSV line, cheap to skip (a file may hold millions)
            continue
        cells = [cell.strip() for cell in row[:MAX_COLUMNS]]
        if any(cells):
            if len(tidy) >= MAX_ROWS + HEADER_SCAN_ROWS:
                raise _Unreadable(_too_many_rows())
            tidy.append(cells)
    return tidy


def _cell_text(row: list[str], index: int | None) -> str:
    """The cell at `index`, or "" for a missing column or a short (ragged) row."""
    return row[index] if index is not None and index < len(row) else ""


def _find_column(header: list[str], aliases: tuple[str, ...], skip: set[int]) -> int | None:
    """Index of the first column matching the earliest alias, if any."""
    normalised = [_normalise_header(cell) for cell in header]
    for alias in aliases:
        for index, cell in enumerate(normalised):
            if cell == alias and index not in skip:
                return index
    return None


def _clean_key(value: str) -> str:
    """The value without spaces, quotes, thousands separators or Excel's ".0"."""
    value = _QUOTES.sub("", _SPACES.sub("", value))
    if _THOUSANDS.match(value):
        return re.sub(r"[.,]", "", value)
    zero_decimals = _ZERO_DECIMALS.match(value)
    if zero_decimals:
        return zero_decimals.group(1)
    return value


def _looks_like_key(value: str) -> bool:
    """True for values that would become an AGS (7, 8, 11 or 12 digits after cleaning)."""
    cleaned = _clean_key(value)
    return bool(_DIGITS.match(cleaned)) and len(cleaned) in (7, 8, 11, 12)


def _to_ags(cleaned: str) -> tuple[str | None, str]:
    """The AGS for a cleaned value and how it was derived ("ags", "zero", "ars", "ars-zero")."""
    if not _DIGITS.match(cleaned):
        return None, ""
    if len(cleaned) == 8:
        return cleaned, "ags"
    if len(cleaned) == 7:
        return cleaned.zfill(8), "zero"
    if len(cleaned) in (11, 12):
        ars = cleaned.zfill(12)
        # ARS = Land (2) + Regierungsbezirk (1) + Kreis (2) + Gemeindeverband (4) + Gemeinde (3).
        # The AGS is Land + RB + Kreis + Gemeinde, i.e. it skips the 4 Verband digits. Taking the
        # first 8 digits instead would give Land+RB+Kreis+Verband, a different (wrong) key.
        return ars[:5] + ars[9:], "ars" if len(cleaned) == 12 else "ars-zero"
    return None, ""


def _locate_columns(rows: list[list[str]]) -> _Columns | None:
    """Header row and key/name/group columns, from the first rows; None without a key header."""
    for row_index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        key = _find_column(row, _KEY_HEADERS, set())
        if key is None:
            continue
        name = _find_column(row, _NAME_HEADERS, {key})
        group = _find_column(row, _GROUP_HEADERS, {key} | ({name} if name is not None else set()))
        used = [f"Schlüssel aus {_show(row[key])}"]
        if name is not None:
            used.append(f"Namen aus {_show(row[name])}")
        if group is not None:
            used.append(f"Gruppen aus {_show(row[group])}")
        note = "Verwendete Spalten: " + ", ".join(used) + "."
        if row_index:
            skipped = _count(row_index, "Zeile über der Kopfzeile wurde", "Zeilen darüber wurden")
            note += f" {skipped} übersprungen."
        return _Columns(rows[row_index + 1 :], key, name, group, note)
    return None


def _bare_key_list(rows: list[list[str]]) -> _Columns | None:
    """A header-less single column whose values mostly look like keys; else None."""
    used = {index for row in rows for index, cell in enumerate(row) if cell}
    if len(used) != 1:
        return None
    column = used.pop()
    values = [_cell_text(row, column) for row in rows]
    # A first cell with letters is a title ("Meine Gemeinden"), not a key.
    has_title = not _looks_like_key(values[0]) and bool(re.search(r"[^\W\d]", values[0]))
    data = values[1:] if has_title else values
    if sum(_looks_like_key(v) for v in data) * 2 <= len(data):
        return None
    note = (
        "Keine Kopfzeile erkannt: die einzige Spalte wurde als Liste von Gemeindeschlüsseln "
        "gelesen."
    )
    return _Columns(rows[1:] if has_title else rows, column, None, None, note)


def parse_upload(filename: str, content: bytes, known_ags: Collection[str]) -> UploadResult:
    """Read the AGS (and optional name and group columns) from an uploaded CSV or .xlsx file.

    Never raises for bad input: problems come back as German `notes` or, when nothing can be
    used, as `error`. `filename` is only used in messages; the format is detected from `content`.
    """
    if len(content) > MAX_BYTES:
        size_mb = len(content) / 1024 / 1024
        return UploadResult(
            error=f"Die Datei ist zu groß ({numbers.number(size_mb, 1)} MB). Erlaubt sind "
            "höchstens "
            f"{MAX_BYTES // 1024 // 1024} MB."
        )
    if not content.strip(b" \t\r\n\xef\xbb\xbf"):
        return UploadResult(error="Die Datei ist leer.")
    if content.startswith(OLE_MAGIC):
        return UploadResult(
            error="Das alte Excel-Format (.xls) wird nicht unterstützt. Bitte die Datei in Excel "
            "als .xlsx oder als CSV speichern und erneut hochladen."
        )
    if content.startswith(BINARY_MAGICS):
        return UploadResult(error=_not_a_table(filename))
    try:
        if content.startswith(ZIP_MAGIC):
            table = _read_excel(filename, content)
        else:
            table = _read_csv(filename, content)
    except _Unreadable as exc:
        return UploadResult(error=str(exc))
    notes = [table.note]
    if table.formula_cells:
        cells = table.formula_cells
        notes.append(
            _count(len(cells), "Zelle enthält", "Zellen enthalten")
            + f" eine Formel ohne gespeichertes Ergebnis (z. B. {', '.join(cells[:5])}); diese "
            "Werte fehlen, Zeilen ohne Schlüssel wurden übersprungen. Bitte die Datei in Excel "
            "öffnen und neu speichern (dann wird das Ergebnis mitgespeichert) oder die Spalte "
            "kopieren und mit „Inhalte einfügen → Werte“ als Werte einfügen."
        )
    return _parse_rows(table.rows, notes, frozenset(known_ags), table.separator)


def _other_separator(values: Sequence[str], separator: str | None) -> str | None:
    """The separator that values (cells not read as keys) use instead of the file's, if any:
    e.g. "14627050,Gröditz" in a file read with ";"."""
    if separator is None:
        return None
    for other in SEPARATORS:
        if other != separator and any(
            _looks_like_key(value.split(other)[0]) for value in values if other in value
        ):
            return other
    return None


@dataclass
class _KeyTally:
    """What the key column of an upload held, row by row."""

    ags: list[str] = field(default_factory=list)  # known keys, in file order, each once
    names: dict[str, str] = field(default_factory=dict)
    groups: dict[str, str] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)  # well-formed keys not in the register
    invalid: list[str] = field(default_factory=list)  # values that are no key at all
    duplicates: int = 0
    zero_restored: int = 0
    ars_converted: int = 0
    scientific: int = 0


def _tally_keys(body: list[list[str]], columns: _Columns, known: frozenset[str]) -> _KeyTally:
    tally = _KeyTally()
    seen: set[str] = set()
    for row in body:
        raw = _cell_text(row, columns.key)
        if not raw:
            continue
        cleaned = _clean_key(raw)
        key, how = _to_ags(cleaned)
        if key is None:
            tally.scientific += bool(_SCIENTIFIC.match(cleaned))
            if raw not in tally.invalid:
                tally.invalid.append(raw)
            continue
        if key in seen:
            tally.duplicates += 1
            continue
        seen.add(key)
        tally.zero_restored += how in ("zero", "ars-zero")
        tally.ars_converted += how in ("ars", "ars-zero")
        if key not in known:
            tally.unknown.append(key)
            continue
        tally.ags.append(key)
        if _cell_text(row, columns.name):
            tally.names[key] = _cell_text(row, columns.name)
        if _cell_text(row, columns.group):
            tally.groups[key] = _cell_text(row, columns.group)
    return tally


def _cleaning_notes(tally: _KeyTally) -> list[str]:
    """What was repaired or dropped while reading the keys."""
    notes = []
    if tally.zero_restored:
        notes.append(
            _count(tally.zero_restored, "Schlüssel hatte", "Schlüssel hatten")
            + " keine führende Null mehr (z. B. 5970004 statt 05970004); sie wurde ergänzt."
        )
    if tally.ars_converted:
        notes.append(
            _count(
                tally.ars_converted,
                "Regionalschlüssel (ARS) wurde",
                "Regionalschlüssel (ARS) wurden",
            )
            + " in Gemeindeschlüssel (AGS) umgerechnet."
        )
    if tally.duplicates:
        notes.append(
            _count(tally.duplicates, "doppelter Eintrag wurde", "doppelte Einträge wurden")
            + " entfernt."
        )
    if tally.invalid:
        notes.append(
            _count(
                len(tally.invalid),
                "Wert ist kein Gemeindeschlüssel und wurde",
                "Werte sind keine Gemeindeschlüssel und wurden",
            )
            + f" übersprungen: {_listing(tally.invalid)}."
        )
    return notes


def _problem_notes(tally: _KeyTally, separator: str | None) -> list[str]:
    """Hints on how to fix the file: mixed separators, scientific notation, unknown keys."""
    notes = []
    other = _other_separator(tally.invalid, separator)
    if other is not None and separator is not None:
        notes.append(
            f"Einige Zeilen verwenden {SEPARATORS[other]} statt {SEPARATORS[separator]} als "
            "Trennzeichen und wurden deshalb übersprungen. Bitte in der ganzen Datei dasselbe "
            f"Trennzeichen verwenden (hier: {SEPARATORS[separator]}), z. B. in Excel mit "
            "„Speichern unter → CSV (Trennzeichen-getrennt)“."
        )
    if tally.scientific:
        notes.append(
            "Einige Schlüssel stehen in Exponentialschreibweise (z. B. 1,46E+11); dabei gehen "
            "Ziffern verloren. Bitte die Spalte in Excel als Text formatieren und neu speichern."
        )
    unknown = tally.unknown
    if unknown:
        notes.append(
            _count(len(unknown), "Gemeindeschlüssel ist", "Gemeindeschlüssel sind")
            + " nicht im Gemeindeverzeichnis und "
            + ("wurde" if len(unknown) == 1 else "wurden")
            + f" übersprungen: {_listing(unknown, quote=False)}."
        )
    return notes


def _parse_rows(
    rows: list[list[str]],
    notes: list[str],
    known: frozenset[str],
    separator: str | None = None,
) -> UploadResult:
    """Turn tidy rows into an UploadResult (header detection, key cleaning, checks)."""
    if not rows:
        return UploadResult(notes=tuple(notes), error="Die Datei enthält keine Daten.")
    columns = _locate_columns(rows) or _bare_key_list(rows)
    if columns is None:
        return UploadResult(
            notes=tuple(notes),
            error="In der Datei wurde keine AGS-Spalte gefunden. Gefundene Spalten: "
            f"{_listing([cell for cell in rows[0] if cell])}. Erwartet wird eine Spalte „AGS“, "
            "„Gemeindeschlüssel“, „GKZ“ oder „ARS“ mit den 8-stelligen Gemeindeschlüsseln.",
        )
    notes.append(columns.note)
    if not columns.body:
        return UploadResult(
            notes=tuple(notes),
            error="Die Datei enthält nur eine Kopfzeile, aber keine Gemeinden.",
        )
    tally = _tally_keys(columns.body, columns, known)
    notes += _cleaning_notes(tally) + _problem_notes(tally, separator)
    error = None
    if not tally.ags:
        error = (
            "Keiner der Gemeindeschlüssel in der Datei ist bekannt."
            if tally.unknown
            else "Die Datei enthält keine gültigen Gemeindeschlüssel."
        )
    else:
        notes.append(_count(len(tally.ags), "Gemeinde", "Gemeinden") + " übernommen.")
    return UploadResult(
        ags=tuple(tally.ags),
        names=tally.names,
        groups=tally.groups,
        unknown=tuple(tally.unknown),
        invalid=tuple(tally.invalid),
        notes=tuple(notes),
        error=error,
    )
