"""Parsing planners' own municipality lists (CSV and .xlsx) into AGS, with German notes."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from ksg_dashboard.upload import reader as upload
from ksg_dashboard.upload.reader import MAX_BYTES, UploadResult, parse_upload

KNOWN = {"14627050", "05970004", "12062024", "09773170"}
XSS = "<img src=x onerror=alert(1)>"


def parse(text: str | bytes, filename: str = "liste.csv") -> UploadResult:
    content = text.encode("utf-8") if isinstance(text, str) else text
    return parse_upload(filename, content, KNOWN)


def xlsx(rows: list[list[object]], extra_sheet: bool = False) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    if extra_sheet:
        workbook.create_sheet("Notizen").append(["nicht lesen", "99999999"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def notes_text(result: UploadResult) -> str:
    return " ".join(result.notes)


# --- encodings -------------------------------------------------------------------------------


def test_utf8_with_names():
    result = parse("AGS;Name\n14627050;Gröditz\n05970004;Wilnsdorf\n")
    assert result.error is None
    assert result.ags == ("14627050", "05970004")
    assert result.names == {"14627050": "Gröditz", "05970004": "Wilnsdorf"}
    assert "UTF-8" in notes_text(result)


def test_utf8_with_bom_header_is_recognised():
    result = parse("\ufeffAGS;Name\n14627050;Gröditz\n".encode())
    assert result.ags == ("14627050",)
    assert result.names["14627050"] == "Gröditz"


def test_utf16_unicode_text_export_from_excel():
    content = "AGS\tName\r\n14627050\tGröditz\r\n".encode("utf-16")
    result = parse(content, filename="liste.txt")
    assert result.ags == ("14627050",)
    assert result.names["14627050"] == "Gröditz"


def test_latin1_umlauts_survive():
    content = "Gemeindeschlüssel;Gemeinde\n14627050;Gröditz\n12062024;Doberlug-Kirchhain\n"
    result = parse(content.encode("cp1252"))
    assert result.error is None
    assert result.ags == ("14627050", "12062024")
    assert result.names["14627050"] == "Gröditz"
    assert "Windows-1252" in notes_text(result)


# --- separators ------------------------------------------------------------------------------


@pytest.mark.parametrize("separator", [";", ",", "\t"])
def test_separators_are_sniffed(separator):
    lines = [["AGS", "Name", "Gruppe"], ["14627050", "Gröditz", "A"], ["12062024", "Doberlug", "B"]]
    text = "\n".join(separator.join(line) for line in lines) + "\n"
    result = parse(text)
    assert result.ags == ("14627050", "12062024")
    assert result.names["12062024"] == "Doberlug"
    assert result.groups == {"14627050": "A", "12062024": "B"}


def test_quoted_fields_with_separator_inside():
    text = 'AGS;Name\n"14627050";"Gröditz; Stadt"\n"05970004";"Wilnsdorf, Gemeinde"\n'
    result = parse(text)
    assert result.ags == ("14627050", "05970004")
    assert result.names["14627050"] == "Gröditz; Stadt"
    assert result.names["05970004"] == "Wilnsdorf, Gemeinde"


def test_semicolon_file_with_decimal_commas_is_not_split_on_commas():
    result = parse("AGS;Name;Anteil\n14627050;Gröditz;1,5\n05970004;Wilnsdorf;2,25\n")
    assert result.ags == ("14627050", "05970004")
    assert "Semikolon" in notes_text(result)


# --- header detection ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        "ags",
        "Gemeindeschlüssel",
        "GEMEINDESCHLUESSEL",
        "Amtlicher Gemeindeschlüssel",
        "amtlicher_gemeindeschluessel",
        "GKZ",
        "Gemeinde-Kennziffer",
        "Kennziffer",
        " AGS: ",
    ],
)
def test_key_header_aliases(header):
    result = parse(f"{header};Name\n14627050;Gröditz\n")
    assert result.ags == ("14627050",)


@pytest.mark.parametrize("header", ["ARS", "Regionalschlüssel", "Amtlicher Regionalschlüssel"])
def test_ars_header_aliases(header):
    result = parse(f"{header}\n146275210050\n")
    assert result.ags == ("14627050",)


def test_missing_key_column_is_an_error_listing_the_columns():
    result = parse("Name;Einwohner\nGröditz;7000\nWilnsdorf;20000\n")
    assert result.ags == ()
    assert result.error is not None
    assert "keine AGS-Spalte gefunden" in result.error
    assert "„Name“" in result.error
    assert "„Einwohner“" in result.error


def test_title_rows_above_the_header_are_skipped():
    result = parse("Meine Auswahl;\n;\nAGS;Name\n14627050;Gröditz\n")
    assert result.ags == ("14627050",)
    assert "übersprungen" in notes_text(result)


def test_header_less_single_column():
    result = parse("14627050\n05970004\n12062024\n")
    assert result.error is None
    assert result.ags == ("14627050", "05970004", "12062024")
    assert "Keine Kopfzeile" in notes_text(result)


def test_header_less_single_column_with_title_line():
    result = parse("Meine Gemeinden\n14627050\n5970004\n")
    assert result.ags == ("14627050", "05970004")
    assert result.invalid == ()


def test_single_column_of_text_is_an_error():
    result = parse("Gröditz\nWilnsdorf\n")
    assert result.error is not None
    assert "keine AGS-Spalte gefunden" in result.error


# --- keys ------------------------------------------------------------------------------------


def test_lost_leading_zero_is_restored_with_a_note():
    result = parse("AGS\n5970004\n14627050\n")
    assert result.ags == ("05970004", "14627050")
    assert "führende Null" in notes_text(result)


def test_twelve_digit_ars_skips_the_verband_digits():
    # 14 Land, 6 RB, 27 Kreis, 5210 Verband, 050 Gemeinde -> AGS 14 6 27 050 (Gröditz).
    result = parse("ARS;Name\n146275210050;Gröditz\n")
    assert result.ags == ("14627050",)
    assert result.names == {"14627050": "Gröditz"}
    assert "14627521" not in result.unknown  # the wrong "first 8 digits" reading
    assert "umgerechnet" in notes_text(result)


def test_eleven_digit_ars_gets_its_leading_zero_back():
    # 05 9 70 0000 004 with the leading zero lost (Verband digits synthetic, they are dropped).
    result = parse("ARS\n59700000004\n")
    assert result.ags == ("05970004",)


@pytest.mark.parametrize(
    "value",
    ["14 627 050", "14.627.050", '"14627050"', "'05970004", "5970004.0", "5.970.004", "14627050,0"],
)
def test_spaces_separators_quotes_and_float_suffixes_are_cleaned(value):
    result = parse(f"AGS\n{value}\n")
    assert len(result.ags) == 1
    assert result.invalid == ()


def test_invalid_values_are_listed_and_the_rest_used():
    result = parse("AGS\n14627050\nabc\n123\n1462705012345\n\n05970004\n")
    assert result.ags == ("14627050", "05970004")
    assert result.invalid == ("abc", "123", "1462705012345")
    assert "3 Werte sind keine Gemeindeschlüssel" in notes_text(result)


def test_long_invalid_listing_is_capped():
    body = "\n".join(f"x{i}" for i in range(30))
    result = parse(f"AGS\n14627050\n{body}\n")
    assert len(result.invalid) == 30
    assert "(und 10 weitere)" in notes_text(result)


def test_scientific_notation_is_invalid_with_a_hint():
    result = parse("AGS;Name\n1,46275E+11;Gröditz\n05970004;Wilnsdorf\n")
    assert result.ags == ("05970004",)
    assert result.invalid == ("1,46275E+11",)
    assert "Exponentialschreibweise" in notes_text(result)


def test_unknown_keys_are_listed_and_the_rest_used():
    result = parse("AGS;Name\n14627050;Gröditz\n99999999;Nirgendwo\n09773170;Dillingen\n")
    assert result.error is None
    assert result.ags == ("14627050", "09773170")
    assert result.unknown == ("99999999",)
    assert "99999999" in notes_text(result)
    assert "99999999" not in result.names


def test_only_unknown_keys_is_an_error():
    result = parse("AGS\n99999999\n88888888\n")
    assert result.ags == ()
    assert result.unknown == ("99999999", "88888888")
    assert result.error is not None


def test_duplicates_are_removed_keeping_the_first_row():
    text = "AGS;Name\n14627050;Gröditz\n05970004;Wilnsdorf\n14627050;Gröditz (doppelt)\n5970004;W\n"
    result = parse(text)
    assert result.ags == ("14627050", "05970004")
    assert result.names == {"14627050": "Gröditz", "05970004": "Wilnsdorf"}
    assert "2 doppelte Einträge" in notes_text(result)


def test_group_column_is_captured():
    text = "GKZ;Kommune;Kooperation\n14627050;Gröditz;Region in Bewegung\n12062024;Doberlug;\n"
    result = parse(text)
    assert result.groups == {"14627050": "Region in Bewegung"}
    assert result.names == {"14627050": "Gröditz", "12062024": "Doberlug"}


def test_xss_name_is_kept_verbatim():
    result = parse(f'AGS;Name\n14627050;"{XSS}"\n05970004;<b>fett</b> & Co\n')
    assert result.names["14627050"] == XSS
    assert result.names["05970004"] == "<b>fett</b> & Co"


# --- empty, broken, too large, not a table ---------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"   \n\r\n", b"\xef\xbb\xbf", b";;;\n;;\n"])
def test_empty_file_is_an_error(content):
    result = parse(content)
    assert result.ags == ()
    assert result.error is not None


def test_header_only_file_is_an_error():
    result = parse("AGS;Name\n")
    assert result.ags == ()
    assert result.error is not None
    assert "Kopfzeile" in result.error


def test_no_valid_keys_is_an_error():
    result = parse("AGS\nabc\n-\n")
    assert result.ags == ()
    assert result.invalid == ("abc", "-")
    assert result.error is not None


def test_too_large_file_is_rejected_before_parsing():
    result = parse(b"AGS\n" + b"14627050\n" * (MAX_BYTES // 9 + 1))
    assert result.ags == ()
    assert result.error is not None
    assert "zu groß" in result.error


def test_file_of_exactly_max_bytes_is_accepted():
    head = b"AGS\n14627050\n"
    result = parse(head + b"\n" * (MAX_BYTES - len(head)))
    assert result.ags == ("14627050",)


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@pytest.mark.parametrize(
    ("filename", "content"),
    [
        ("bild.png", PNG),
        ("liste.csv", PNG),
        ("liste.pdf", PDF),
        ("liste.csv", b"AGS\n14627050\x00\n"),
        ("liste.csv", bytes(range(256)) * 4),
        ("liste.xls", b"<html><body><table><tr><td>AGS</td></tr></table></body></html>"),
    ],
)
def test_binary_or_other_files_are_not_a_table(filename, content):
    result = parse_upload(filename, content, KNOWN)
    assert result.ags == ()
    assert result.error is not None
    assert "keine CSV- oder Excel-Datei" in result.error


def test_old_xls_asks_for_xlsx_or_csv():
    result = parse(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, filename="liste.xls")
    assert result.error is not None
    assert ".xlsx" in result.error
    assert "CSV" in result.error


def test_zip_that_is_not_xlsx_is_rejected():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
    result = parse(buffer.getvalue(), filename="liste.ods")
    assert result.error is not None
    assert ".xlsx" in result.error


def test_truncated_xlsx_is_an_error_not_an_exception():
    result = parse(xlsx([["AGS"], ["14627050"]])[:200], filename="liste.xlsx")
    assert result.ags == ()
    assert result.error is not None


def test_ragged_csv_rows_do_not_crash():
    text = "AGS;Name;Gruppe\n14627050;Gröditz\n05970004\n12062024;Doberlug;B;extra;;\n;\n"
    result = parse(text)
    assert result.error is None
    assert result.ags == ("14627050", "05970004", "12062024")
    assert result.names == {"14627050": "Gröditz", "12062024": "Doberlug"}
    assert result.groups == {"12062024": "B"}


def test_crlf_line_endings():
    result = parse("AGS;Name\r\n14627050;Gröditz\r\n05970004;Wilnsdorf\r\n")
    assert result.ags == ("14627050", "05970004")
    assert result.names["05970004"] == "Wilnsdorf"


# --- Excel -----------------------------------------------------------------------------------


def test_xlsx_with_text_keys():
    content = xlsx([["Gemeindeschlüssel", "Name"], ["05970004", "Wilnsdorf"], ["14627050", XSS]])
    result = parse(content, filename="liste.xlsx")
    assert result.error is None
    assert result.ags == ("05970004", "14627050")
    assert result.names["14627050"] == XSS
    assert "Excel" in notes_text(result)


def test_xlsx_with_numeric_keys_restores_leading_zeros_and_converts_ars():
    content = xlsx([["AGS"], [5970004], [5970004.0], [14627050], [146275210050], [None], [1.5]])
    result = parse(content, filename="liste.xlsx")
    assert result.ags == ("05970004", "14627050")
    assert result.invalid == ("1.5",)
    assert "2 doppelte Einträge" in notes_text(result)


def test_xlsx_is_detected_by_content_not_extension():
    result = parse(xlsx([["AGS"], ["14627050"]]), filename="liste.csv")
    assert result.ags == ("14627050",)


def test_xlsx_reads_only_the_first_sheet():
    result = parse(xlsx([["AGS"], ["14627050"]], extra_sheet=True), filename="liste.xlsx")
    assert result.ags == ("14627050",)
    assert result.unknown == ()
    assert "1 weiteres Tabellenblatt wurde nicht gelesen" in notes_text(result)


def test_xlsx_without_key_column_lists_columns():
    result = parse(xlsx([["Ort", "Kreis"], ["Gröditz", "Meißen"]]), filename="liste.xlsx")
    assert result.error is not None
    assert "„Ort“" in result.error
    assert "„Kreis“" in result.error


def test_xlsx_table_starting_in_column_b():
    content = xlsx([[None, "AGS", "Name"], [None, "14627050", "Gröditz"]])
    result = parse(content, filename="liste.xlsx")
    assert result.ags == ("14627050",)
    assert result.names == {"14627050": "Gröditz"}


def test_xlsx_with_too_many_rows_is_an_error(monkeypatch):
    monkeypatch.setattr(upload, "MAX_ROWS", 3)
    content = xlsx([["AGS"], *[["14627050"]] * 5])
    result = parse(content, filename="liste.xlsx")
    assert result.ags == ()
    assert result.error is not None
    assert "Zeilen" in result.error


# --- robustness ------------------------------------------------------------------------------


def test_csv_with_too_many_rows_is_an_error(monkeypatch):
    monkeypatch.setattr(upload, "MAX_ROWS", 3)
    result = parse("AGS\n" + "14627050\n" * 20)
    assert result.ags == ()
    assert result.error is not None
    assert "Zeilen" in result.error


def test_blank_lines_are_ignored():
    result = parse("\n\nAGS;Name\n\n14627050;Gröditz\n;;\n \n05970004;Wilnsdorf\n\n")
    assert result.ags == ("14627050", "05970004")


def test_header_less_single_column_in_second_position():
    result = parse(";14627050\n;05970004\n")
    assert result.ags == ("14627050", "05970004")


def test_huge_field_is_an_error_not_an_exception():
    result = parse(b"AGS\n" + b"x" * 200_000)
    assert result.ags == ()
    assert result.error is not None


def test_unclosed_quote_gets_a_warning():
    result = parse('AGS;Name\n14627050;"Gröditz\n05970004;Wilnsdorf\n')
    assert result.ags == ("14627050",)
    assert "Anführungszeichen" in notes_text(result)


def test_file_values_in_messages_are_shortened():
    result = parse("AGS\n14627050\n" + "y" * 500 + "\n")
    assert result.invalid == ("y" * 500,)
    assert max(len(note) for note in result.notes) < 200
