"""Gemeindeverbände: classification of the workshop cooperations, search, keys, and the
invariants of the committed data (data/associations*.parquet)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from ksg_dashboard.associations import model as assoc
from ksg_dashboard.core.config import REPO_ROOT
from ksg_dashboard.data import datastore

DATA = REPO_ROOT / "data"


@pytest.fixture(scope="module")
def population() -> pd.DataFrame:
    return datastore.read_population(DATA)


@pytest.fixture(scope="module")
def data(population: pd.DataFrame) -> assoc.AssociationData:
    bodies, members = datastore.read_associations(DATA)
    return assoc.AssociationData(bodies, members, population[["year", "ags"]])


@pytest.fixture(scope="module")
def cooperations() -> dict[str, list[str]]:
    return {c["id"]: c["member_ags"] for c in datastore.read_cooperations(DATA)}


# ---------------------------------------------------------------------------------------------
# Classification on small synthetic data (each class once)
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def tiny() -> assoc.AssociationData:
    bodies = pd.DataFrame(
        {
            "year": 2020,
            "association_key": ["A", "B"],
            "name": ["A", "B"],
            "display_name": ["Amt A", "Amt B"],
            "type_code": "51",
            "type": "Amt",
            "members": [2, 3],
        }
    )
    members = pd.DataFrame(
        {"year": 2020, "association_key": list("AABBB"), "ags": ["a1", "a2", "b1", "b2", "b3"]}
    )
    known = pd.DataFrame({"year": 2020, "ags": ["a1", "a2", "b1", "b2", "b3", "f1", "f2"]})
    return assoc.AssociationData(bodies, members, known)


@pytest.mark.parametrize(
    ("ags", "kind"),
    [
        (["a1", "a2"], assoc.COINCIDES),
        (["a1"], assoc.CROSSES),  # inside one body, but only part of it
        (["a1", "a2", "b1"], assoc.CROSSES),
        (["a1", "a2", "f1"], assoc.SPANS),  # a whole body and a verbandsfreie municipality
        (["a1", "a2", "b1", "b2", "b3"], assoc.SPANS),
        (["f1", "f2"], assoc.UNAFFILIATED),
        (["x9"], assoc.UNKNOWN),
        ([], assoc.UNKNOWN),
    ],
)
def test_relation_classes(tiny: assoc.AssociationData, ags: list[str], kind: str) -> None:
    assert assoc.relation(tiny, ags, 2020).kind == kind


def test_relation_counts_and_unknown_members(tiny: assoc.AssociationData) -> None:
    rel = assoc.relation(tiny, ["b1", "b2", "f1", "x9"], 2020)
    assert rel.kind == assoc.CROSSES
    assert [(s.key, s.covered, s.total) for s in rel.bodies] == [("B", ("b1", "b2"), 3)]
    assert rel.unaffiliated == ("f1",)
    assert rel.unknown == ("x9",)
    assert assoc.short_text(rel) == "schneidet Amt B (2 von 3); dazu 1 verbandsfreie Gemeinde"


def test_yearly_views_equal_plain_dicts_and_sets_per_year(data: assoc.AssociationData) -> None:
    """The shared per-AGS table answers each year exactly as a dict and a set of that year."""
    for year in (data.years[0], 2018, data.last_year):
        rows = data.members[data.members["year"] == year]
        expected = dict(zip(rows["ags"], rows["association_key"], strict=True))
        known = set(data.known.loc[data.known["year"] == year, "ags"])
        body_of, existing, _ = data.by_year[year]
        assert dict(body_of) == expected and len(body_of) == len(expected)
        assert set(existing) == known and len(existing) == len(known)
        some = next(iter(known - set(expected)))  # a verbandsfreie municipality
        assert some in existing and some not in body_of and body_of.get(some) is None
        assert "00000000" not in existing
        with pytest.raises(KeyError):
            body_of[some]


def test_yearly_lookups_share_one_string_per_key(data: assoc.AssociationData) -> None:
    """The per-year lookups hold one string object per AGS and body key, not one per year."""
    first, last = data.years[0], data.last_year
    member = next(iter(set(data.by_year[first][0]) & set(data.by_year[last][0])))
    in_first = next(a for a in data.by_year[first][0] if a == member)
    in_last = next(a for a in data.by_year[last][0] if a == member)
    known = next(a for a in data.by_year[last][1] if a == member)
    assert in_first is in_last is known
    last_keys = {key: key for key in data.by_year[last][0].values()}
    key = next(k for k in data.by_year[first][0].values() if k in last_keys)
    assert key is last_keys[key]


# ---------------------------------------------------------------------------------------------
# The five workshop cooperations, checked by hand against the GV-ISys rows (VB key of each
# member and the Satzart-50 rows of its district) for 31.12.2010, 2013, 2018 and 2020.
# ---------------------------------------------------------------------------------------------

EXPECTED_TIMELINES = {
    # Gröditz formed a VG with Nauwalde (VB 5210) until Nauwalde was absorbed in 2013;
    # Röderaue and Wülknitz form VG Röderaue-Wülknitz (5234) throughout; Bad Liebenwerda joined
    # the Verbandsgemeinde Liebenwerda (5031) in 2020, Elsterwerda stayed amtsfrei.
    "region-in-bewegung": [
        (
            "2010–2012",
            assoc.CROSSES,
            "schneidet Verwaltungsgemeinschaft Gröditz (1 von 2); dazu Verwaltungsgemeinschaft "
            "Röderaue-Wülknitz und 2 verbandsfreie Gemeinden",
        ),
        (
            "2013–2019",
            assoc.SPANS,
            "umfasst Verwaltungsgemeinschaft Röderaue-Wülknitz und 3 verbandsfreie Gemeinden",
        ),
        (
            "seit 2020",
            assoc.CROSSES,
            "schneidet Verbandsgemeinde Liebenwerda (1 von 4); dazu Verwaltungsgemeinschaft "
            "Röderaue-Wülknitz und 2 verbandsfreie Gemeinden",
        ),
    ],
    # All four towns amtsfrei until 2019; since 2020 exactly the Verbandsgemeinde Liebenwerda.
    "kurstadtregion-elbe-elster": [
        ("2010–2019", assoc.UNAFFILIATED, "alle Mitglieder verbandsfrei"),
        ("seit 2020", assoc.COINCIDES, "deckungsgleich mit Verbandsgemeinde Liebenwerda"),
    ],
    # Templin, Lychen, Boitzenburger Land amtsfrei; the five municipalities of Amt Gerswalde.
    "mittelbereich-templin": [
        ("2010–2022", assoc.SPANS, "umfasst Amt Gerswalde und 3 verbandsfreie Gemeinden"),
    ],
    # Bachhagel, Syrgenstein, Zöschingen = the VG Syrgenstein (VB 5714).
    "ag-bachtal": [
        ("2010–2022", assoc.COINCIDES, "deckungsgleich mit Verwaltungsgemeinschaft Syrgenstein"),
    ],
    # A single verbandsfreie town in North Rhine-Westphalia (no Gemeindeverbände there).
    "bad-berleburg": [("2010–2022", assoc.UNAFFILIATED, "verbandsfrei")],
}


@pytest.mark.parametrize("cooperation", sorted(EXPECTED_TIMELINES))
def test_workshop_cooperations(
    data: assoc.AssociationData, cooperations: dict[str, list[str]], cooperation: str
) -> None:
    got = [
        (label, rel.kind, assoc.short_text(rel))
        for label, rel in assoc.timeline(data, cooperations[cooperation])
    ]
    assert got == EXPECTED_TIMELINES[cooperation]


def test_workshop_year_relations(
    data: assoc.AssociationData, cooperations: dict[str, list[str]]
) -> None:
    kinds = {
        cid: assoc.relation(data, ags, assoc.WORKSHOP_YEAR).kind
        for cid, ags in cooperations.items()
    }
    assert kinds == {
        "region-in-bewegung": assoc.SPANS,
        "kurstadtregion-elbe-elster": assoc.UNAFFILIATED,
        "mittelbereich-templin": assoc.SPANS,
        "ag-bachtal": assoc.COINCIDES,
        "bad-berleburg": assoc.UNAFFILIATED,
    }
    templin = assoc.relation(data, cooperations["mittelbereich-templin"], 2018)
    assert [(s.key, s.total) for s in templin.bodies] == [("120735305", 5)]


# ---------------------------------------------------------------------------------------------
# Search, keys, membership per year
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("Amt Gerswalde", "120735305"),
        ("VG Syrgenstein", "097735714"),
        ("syrgenstein", "097735714"),
        ("Verbandsgemeinde Liebenwerda", "120625031"),
        ("SG Brome", "031515402"),
    ],
)
def test_search_bodies(data: assoc.AssociationData, query: str, key: str) -> None:
    assert assoc.search_bodies(data, query)[0] == key


def test_search_needs_two_characters_and_every_word(data: assoc.AssociationData) -> None:
    assert assoc.search_bodies(data, "a") == []
    assert assoc.search_bodies(data, "Amt Syrgenstein") == []


def test_labels(data: assoc.AssociationData) -> None:
    labels = assoc.body_labels(data)
    assert labels["120735305"] == "Amt Gerswalde (Amt)"
    assert (
        labels["146275210"] == "Verwaltungsgemeinschaft Gröditz (Verwaltungsgemeinschaft, bis 2012)"
    )


@pytest.mark.parametrize(
    ("value", "key"),
    [("120735305", "120735305"), ("97735714", "097735714"), (" 097735714 ", "097735714")],
)
def test_parse_key(value: str, key: str) -> None:
    assert assoc.parse_key(value) == key


@pytest.mark.parametrize("value", ["", "abc", "1234567", "1234567890", "١٢٣٤٥٦٧٨٩", "12073530a"])
def test_parse_key_rejects(value: str) -> None:
    assert assoc.parse_key(value) is None


def test_members_follow_the_year(data: assoc.AssociationData) -> None:
    # Liebenwerda exists from 2020: earlier years fall back to its first year.
    assert assoc.body_year(data, "120625031", 2015) == 2020
    assert assoc.body_year(data, "120625031", None) == 2022
    # VG Gröditz ends 2012: later years use 2012.
    assert assoc.body_year(data, "146275210", 2018) == 2012
    assert assoc.body_members(data, "146275210", 2018) == ["14627050", "14627160"]
    assert assoc.body_members(data, "999999999") == []
    record = assoc.as_cooperation(data, "120735305")
    assert record["member_ags"] == ["12073157", "12073201", "12073396", "12073404", "12073569"]
    assert record["short_name"] == "Amt Gerswalde"


# ---------------------------------------------------------------------------------------------
# Invariants of the committed data
# ---------------------------------------------------------------------------------------------

# Bodies per year (types 51–58), from the build; 57 (VG Trägermodell) only in 2010.
BODIES_PER_YEAR = {
    2010: 1351,
    2011: 1324,
    2012: 1309,
    2013: 1294,
    2014: 1273,
    2015: 1269,
    2016: 1262,
    2017: 1253,
    2018: 1245,
    2019: 1216,
    2020: 1210,
    2021: 1208,
    2022: 1207,
}


def test_bodies_per_year(data: assoc.AssociationData) -> None:
    counts = data.bodies.groupby("year").size()
    assert {int(y): int(n) for y, n in counts.items()} == BODIES_PER_YEAR
    assert set(data.bodies["type_code"]) == set(["51", "52", "53", "54", "55", "56", "57", "58"])


def test_every_member_exists_and_is_in_one_body(
    data: assoc.AssociationData, population: pd.DataFrame
) -> None:
    known = population.set_index(["year", "ags"]).index
    assert data.members.set_index(["year", "ags"]).index.isin(known).all()
    assert not data.members.duplicated(["year", "ags"]).any()
    assert (data.members["association_key"].str[:5] == data.members["ags"].str[:5]).all()


def test_member_sums_equal_body_population(
    data: assoc.AssociationData, population: pd.DataFrame
) -> None:
    joined = data.members.merge(population[["year", "ags", "population"]], on=["year", "ags"])
    sums = joined.groupby(["year", "association_key"])["population"].sum()
    counts = joined.groupby(["year", "association_key"]).size()
    bodies = data.bodies.set_index(["year", "association_key"])
    assert (bodies["members"] == counts.reindex(bodies.index)).all()
    assert (bodies["population"].astype("int64") == sums.reindex(bodies.index)).all()
    # Germany 2018: 83,019,213 inhabitants, of whom members of a body plus the rest.
    in_bodies = int(bodies.loc[2018, "population"].sum())
    rest = population[
        (population["year"] == 2018)
        & ~population["ags"].isin(data.members.loc[data.members["year"] == 2018, "ags"])
    ]["population"].sum()
    assert in_bodies + int(rest) == 83_019_213


def test_outlines_cover_bodies() -> None:
    outlines = datastore.read_association_outlines(DATA)
    bodies, _ = datastore.read_associations(DATA)
    for year in (2016, 2022):
        for level in ("overview", "regional"):
            part = outlines[(outlines["year"] == year) & (outlines["level"] == level)]
            keys = set(bodies.loc[bodies["year"] == year, "association_key"])
            assert set(part["association_key"]) <= keys
            assert len(part) >= len(keys) - 5, (year, level)
            assert part.geometry.is_valid.all()
    complete_2016 = outlines[(outlines["year"] == 2016) & (outlines["missing"] == 0)]
    assert len(complete_2016) >= 1255


def test_agreement_with_vg250() -> None:
    checks = json.loads((DATA / "associations_check.json").read_text(encoding="utf-8"))
    first = checks[0]
    assert first["members_as_of"] == "31.12.2015"
    assert first["share_matching"] >= 0.995
    # Both exceptions are changes of 01.01.2016, the VG250 reference date: Langen Jarchow and
    # Zahrensdorf merged into Kloster Tempzin (no polygon under the old keys), Tauscha was
    # absorbed by Thiendorf and the VG Thiendorf ended.
    assert {e["association_key"] for e in first["exceptions"]} == {"130765664", "146275241"}


# ---------------------------------------------------------------------------------------------
# URL parameter `verband`, aggregates, map layer
# ---------------------------------------------------------------------------------------------


def parse(**params: str):
    from ksg_dashboard.core.selection import parse_query

    return parse_query(params, ["ag-bachtal"], ["09773170"], ["09"], ["097735714", "120735305"])


def test_verband_param_round_trip() -> None:
    from ksg_dashboard.core.selection import Selection, to_query

    parsed = parse(verband="97735714")  # lost leading zero restored
    assert parsed.notes == []
    assert parsed.selection.regions == ("verband-097735714",)
    assert parsed.selection.association == "097735714"
    assert to_query(parsed.selection) == {"verband": "097735714"}
    both = parse(region="ag-bachtal", verband="120735305")
    assert to_query(both.selection) == {"region": "ag-bachtal", "verband": "120735305"}
    assert to_query(Selection(regions=("ag-bachtal",))) == {"region": "ag-bachtal"}


def test_verband_param_rejects_bad_values() -> None:
    assert "nicht bekannt" in parse(verband="999999999").notes[0]
    assert "kein gültiger" in parse(verband="12;drop").notes[0]
    assert "Nur ein Gemeindeverband" in parse(verband="097735714,120735305").notes[0]
    many = parse(verband=",".join(str(10**8 + i) for i in range(50)))
    # One note for all unknown keys, naming only the first values (the rest are not looked at).
    assert many.notes == [
        "Die Gemeindeverbände „100000000“, „100000001“, „100000002“, „100000003“, „100000004“ "
        "sind nicht bekannt; ignoriert."
    ]
    bad = parse(verband="12;drop,**fett**,999999999,097735714,120735305")
    assert bad.notes == [
        "„12;drop“, „**fett**“ sind keine gültigen Gemeindeverbandsschlüssel (9 Ziffern) und "
        "wurden ignoriert.",
        "Gemeindeverband 999999999 ist nicht bekannt und wurde ignoriert.",
        "Nur ein Gemeindeverband auswählbar; „120735305“ wurde ignoriert.",
    ]
    # The same body twice (once without its leading zero) is one choice, not a surplus.
    twice = parse(verband="97735714,097735714")
    assert twice.notes == [] and twice.selection.regions == ("verband-097735714",)
    assert parse(verband="999999999,999999999").notes == [
        "Gemeindeverband 999999999 ist nicht bekannt und wurde ignoriert."
    ]
    # A body cannot be smuggled in through `region`.
    assert parse(region="verband-097735714").selection.regions == ()


def test_indicator_table_sums_members(
    data: assoc.AssociationData, population: pd.DataFrame
) -> None:
    from ksg_dashboard.demography.model import fixed_set_series, series_indicators

    table = assoc.indicator_table(data, population, 2022, 2012).set_index("association_key")
    assert len(table) == BODIES_PER_YEAR[2022]
    syrgenstein = table.loc["097735714"]
    assert syrgenstein["einwohner"] == 6_964
    members = assoc.body_members(data, "097735714", 2022)
    expected = series_indicators(fixed_set_series(population, members), 2012).loc[2022]
    assert syrgenstein["veraenderung_pct"] == pytest.approx(float(expected["veraenderung_pct"]))
    assert syrgenstein["dichte"] == pytest.approx(float(expected["dichte"]))


def test_overview_layer_frames() -> None:
    from ksg_dashboard.maps import layers as mapdata

    outlines = datastore.read_association_outlines(DATA)
    bodies, _ = datastore.read_associations(DATA)
    germany = mapdata.association_outlines(outlines, bodies, 2022, None)
    assert len(germany) >= BODIES_PER_YEAR[2022] - 5
    size = len(germany[["display_name", "type", "members_label", "colour", "geometry"]].to_json())
    assert size < 1_000_000, size
    templin_view = ((52.9, 13.2), (53.4, 13.9))
    regional = mapdata.association_outlines(outlines, bodies, 2022, templin_view)
    assert "Amt Gerswalde" in set(regional["display_name"])
    assert len(regional) < 40
    assert set(regional["colour"]) <= set(mapdata.ASSOCIATION_COLOURS.values())
