"""The plain-text helper and the download neutraliser (pure parts)."""

from __future__ import annotations

import io
import json

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from ksg_dashboard.core import export, text
from ksg_dashboard.core.selection import bound_query, parse_query

HOSTILE = [
    "[Hier neu anmelden](http://evil.example/)",
    "![b](http://evil.example/x.png)",
    "**fett**",
    "<img src=x onerror=alert(1)>",
    ":red[rot]",
    "$x^2$",
    "www.evil.example",
    "a@evil.example",
    "1. Liste",
    "- Punkt",
    "# Titel",
    "`code`",
    "&lt;b&gt;",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_plain_escapes_every_markdown_construct(value):
    shown = text.plain(value)
    assert shown != value
    assert "](" not in shown.replace("\\](", "")
    assert "http://" not in shown and "www." not in shown


def test_plain_keeps_ordinary_german_text():
    note = "stopp=x wurde ignoriert; nur_kooperationen=vielleicht, mo-0300."
    assert text.plain(note) == note


def test_cut_makes_values_readable():
    assert text.cut("a\nb\x00c\u202e " + "x" * 100, 20) == "a bc " + "x" * 14 + "…"
    assert len(text.quote("y" * 10_000)) <= text.MAX_QUOTED + 2


def test_ten_thousand_values_give_one_note_each():
    params, bound_notes = bound_query(
        {"region": [",".join(f"r{i}" for i in range(5_000))], "land": ["x" * 10_000]}
    )
    parsed = parse_query(params, ["ag-bachtal"], ["14627050"], ["14"])
    assert len([n for n in parsed.notes if "Region" in n]) == 1
    assert "weitere" in parsed.notes[0]
    assert all(len(n) < 600 for n in parsed.notes + bound_notes)
    assert len(bound_notes) == 2


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_formula_starts_are_neutralised(start):
    assert text.neutralise_formula(f"{start}HYPERLINK(1)") == f"'{start}HYPERLINK(1)"


def _table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "ags": ["14627050", "12062024"],
            "name": ['=HYPERLINK("http://evil.example","x")', "@SUM(A1)"],
            "einwohner": [-5, 7],
        }
    )


def test_csv_download_has_no_formulas_and_a_source_line():
    raw = export.csv_bytes(_table(), "Quelle: Destatis")
    frame = pd.read_csv(io.BytesIO(raw), sep=";", dtype=str, encoding="utf-8-sig")
    assert list(frame["name"]) == ['\'=HYPERLINK("http://evil.example","x")', "'@SUM(A1)"]
    assert list(frame["einwohner"]) == ["-5", "7"]  # numbers stay numbers
    assert set(frame["quelle"]) == {"Quelle: Destatis"}


def test_geojson_download_has_no_formulas_and_a_source_line():
    shapes = gpd.GeoDataFrame(
        {"ags": ["14627050", "12062024"]}, geometry=[box(0, 0, 1, 1), box(1, 1, 2, 2)], crs=4326
    )
    collection = json.loads(export.geojson_bytes(shapes, _table(), source="Quelle: BKG"))
    names = [f["properties"]["name"] for f in collection["features"]]
    assert all(n.startswith("'") for n in names)
    assert collection["quelle"] == "Quelle: BKG"


def test_the_apps_parameters_survive_many_junk_keys():
    params = {f"junk{i}": ["x"] for i in range(100)} | {"region": ["ag-bachtal"]}
    bounded, notes = bound_query(params)
    assert bounded["region"] == ["ag-bachtal"] and len(bounded) == 40
    assert any("mehr als 40 Parameter" in n for n in notes)
