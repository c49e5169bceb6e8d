"""The Gemeindeverband build (databuild.associations) on the real GV-ISys extracts."""

from __future__ import annotations

import collections

import pytest

from databuild import associations, gvisys
from tests.raw.rawfiles import gv_isys, gv_isys_rows

pytestmark = pytest.mark.raw


# Satzart-50 rows per Textkennzeichen, counted by hand in the raw sheets (2010: also 57).
RAW_TYPE_COUNTS = {
    2010: {"51": 216, "52": 137, "53": 181, "54": 654, "55": 2, "56": 122, "57": 2, "58": 37},
    2018: {"51": 210, "52": 116, "53": 161, "54": 599, "55": 2, "56": 120, "58": 37},
    2022: {"51": 209, "52": 114, "53": 148, "54": 575, "55": 2, "56": 120, "58": 39},
}


@pytest.mark.parametrize("year", sorted(RAW_TYPE_COUNTS))
def test_real_satzart_50_rows_and_bodies(year: int) -> None:
    frame, rows = gv_isys(year), gv_isys_rows(year)
    satz50 = [r for r in rows if gvisys._text(r[0]) == "50"]
    counts = collections.Counter(gvisys._text(r[1]) for r in satz50)
    assert set(counts) - {"50"} == set(RAW_TYPE_COUNTS[year])
    assert {k: v for k, v in counts.items() if k != "50"} == RAW_TYPE_COUNTS[year]
    # Bodies carry VB 5xxx; verbandsfreie rows VB "0" + the municipality number or 9xxx.
    for row in satz50:
        vb = gvisys._key(row, "vb")
        assert vb.startswith("5") == (gvisys._text(row[1]) != "50"), row
    members = associations.association_members(frame)
    table = associations.association_table(frame, members)
    assert table.groupby("type_code").size().to_dict() == RAW_TYPE_COUNTS[year]
    free = frame[frame["association_type_code"] == "50"]
    assert (free["association_key"].str[5:6].isin(["0", "9"])).all()
    numbered = free[free["association_key"].str[5] == "0"]
    assert (numbered["association_key"].str[6:] == numbered["ags"].str[5:]).all()


def test_real_workshop_bodies() -> None:
    frame = gv_isys(2018)
    members = associations.association_members(frame)
    of = members.groupby("association_key")["ags"].apply(list).to_dict()
    assert of["097735714"] == ["09773112", "09773170", "09773187"]  # VG Syrgenstein = AG Bachtal
    assert of["120735305"] == ["12073157", "12073201", "12073396", "12073404", "12073569"]
    assert "120625031" not in of  # Verbandsgemeinde Liebenwerda only from 2020
    assert "12062024" not in set(members["ags"])  # Bad Liebenwerda amtsfrei in 2018
    frame = gv_isys(2022)
    of = associations.association_members(frame).groupby("association_key")["ags"].apply(list)
    assert of["120625031"] == ["12062024", "12062128", "12062341", "12062500"]
