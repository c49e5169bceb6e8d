"""Upload cases found by an adversary: UTF-16 without BOM, formulas without stored results,
mixed separators, a whole-country list."""

from __future__ import annotations

import io

import openpyxl

from ksg_dashboard.upload.reader import parse_upload

KNOWN = frozenset({"14627050", "12062024", "05970004"})


def test_utf16_without_bom_is_read():
    text = "AGS\tName\r\n14627050\tGröditz\r\n12062024\tBad Liebenwerda\r\n"
    for encoding in ("utf-16-le", "utf-16-be"):
        result = parse_upload("liste.txt", text.encode(encoding), KNOWN)
        assert result.ags == ("14627050", "12062024"), (encoding, result.error)
        assert "UTF-16" in result.notes[0]


def test_utf16_without_bom_with_zero_bytes_in_names_is_read():
    # Found by the fuzz test: "Ā" (U+0100) is 00 01 in UTF-16-LE, one zero in 20 even bytes.
    # Then: "ĀĀĀ𐀀𐀀", where a quarter of the even bytes are zero (U+10000 is D800 DC00).
    for text in ("AGS;Name\r\n14627050;Ā", "AGS;Name\r\n14627050;ĀĀĀ𐀀𐀀"):
        for encoding in ("utf-16-le", "utf-16-be"):
            result = parse_upload("liste.csv", text.encode(encoding), KNOWN)
            assert result.ags == ("14627050",), (text, encoding, result.error)
            assert "UTF-16" in result.notes[0]


def test_binary_with_zero_bytes_is_still_refused():
    result = parse_upload("x.csv", bytes(range(256)) * 8, KNOWN)
    assert result.error and "keine CSV" in result.error


def _xlsx(rows: list[list[str]]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_formulas_without_stored_results_are_named_with_what_to_do():
    content = _xlsx([["AGS", "Name"], ['="14627050"', "Gröditz"], ["12062024", "Bad L."]])
    result = parse_upload("liste.xlsx", content, KNOWN)
    assert result.ags == ("12062024",)
    note = next(n for n in result.notes if "Formel" in n)
    assert "A2" in note and "neu speichern" in note and "Werte" in note


def test_only_formulas_give_an_error_and_the_hint():
    content = _xlsx([["AGS"], ['="14627050"'], ['="12062024"']])
    result = parse_upload("liste.xlsx", content, KNOWN)
    assert result.error and not result.ags
    assert any("Formel" in n and "neu speichern" in n for n in result.notes)


def test_mixed_separators_say_which_separator_to_use():
    content = "AGS;Name\n14627050;Gröditz\n12062024,Bad Liebenwerda\n".encode()
    result = parse_upload("liste.csv", content, KNOWN)
    assert result.ags == ("14627050",)
    note = next(n for n in result.notes if "Trennzeichen" in n and "statt" in n)
    assert "Komma statt Semikolon" in note and "dasselbe Trennzeichen" in note


def test_full_country_list_is_read_quickly():
    import time

    keys = [f"{i:08d}" for i in range(10_000_000, 10_011_000)]
    content = ("AGS;Name\n" + "\n".join(f"{k};Gemeinde {k}" for k in keys)).encode()
    start = time.perf_counter()
    result = parse_upload("alle.csv", content, frozenset(keys))
    assert len(result.ags) == 11_000
    assert time.perf_counter() - start < 5
