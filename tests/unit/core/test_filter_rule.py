"""The filter's one rule on real data: a selection is the union of its parts, every
municipality counted once, and its key figures are those of that union."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ksg_dashboard.core import indicators, territory
from ksg_dashboard.core.config import STATE_NAMES
from ksg_dashboard.core.selection import (
    CUSTOM_ID,
    Selection,
    custom_cooperation,
    parse_query,
    selected_ags,
    state_key,
    to_query,
)
from ksg_dashboard.data import datastore
from ksg_dashboard.overview import model as overview

TEMPLIN = "mittelbereich-templin"
# States small enough to keep a hypothesis example fast, plus Brandenburg and Saxony where
# the workshop cooperations lie.
STATES = ("02", "04", "10", "11", "12", "14")


@cache
def register():
    return datastore.read_municipalities()


@cache
def cooperations():
    return territory.resolve_members(
        datastore.read_cooperations(), territory.successor_map(register())
    )


@cache
def population(mode: str):
    if mode == territory.PUBLISHED:
        return datastore.read_population()
    return datastore.read_population_2022()


@cache
def current_ags() -> tuple[str, ...]:
    reg = register()
    return tuple(sorted(reg.loc[reg["last_year"] == reg["last_year"].max(), "ags"]))


def direct(pop, keys: set[str]) -> tuple:
    """Figures computed straight from the deduplicated set (2022 territory: fixed AGS)."""
    now = pop[(pop["year"] == 2022) & pop["ags"].isin(keys)]
    then = pop[(pop["year"] == 2012) & pop["ags"].isin(keys)]
    count = int((~territory.is_unincorporated(now["type"])).sum())
    total, base = int(now["population"].sum()), int(then["population"].sum())
    return count, total, round(float(now["area_km2"].sum()), 2), total - base


def figures(headline) -> tuple:
    return (
        headline.municipalities,
        headline.population,
        round(headline.area_km2, 2),
        headline.change_abs,
    )


# --- the rule -----------------------------------------------------------------------------


def test_brandenburg_plus_templin_gives_brandenburgs_figures_in_both_territories():
    """Regression: Brandenburg alone showed +123.624 (+5,0 %), with Mittelbereich Templin
    (inside Brandenburg) added +129.634 (+5,3 %): adding the cooperation switched the sum from
    the state's territory to a fixed set of today's AGS, which in the published series counts
    incorporated inhabitants as growth."""
    alone = Selection(states=("12",))
    both = Selection(states=("12",), regions=(TEMPLIN,))
    assert set(selected_ags(both, cooperations(), register())) == set(
        selected_ags(alone, cooperations(), register())
    )
    for mode in (territory.DEFAULT_MODE, territory.PUBLISHED):
        pop = population(mode)
        one = indicators.union_headline(pop, selected_ags(alone, cooperations(), register()))
        two = indicators.union_headline(pop, selected_ags(both, cooperations(), register()))
        assert one == two
        assert (two.municipalities, two.population, two.change_abs) == (413, 2_573_135, 123_624)
        assert round(two.change_pct, 1) == 5.0
        assert two == indicators.territory_headline(pop, ["12"])
        # What the overview shows (headline_for reads only the population of its data).
        data = overview.OverviewData(
            *([None] * 5), population=pop, latest=None, cooperations=cooperations(), measures=[]
        )
        for chosen in (alone, both):
            keys = selected_ags(chosen, cooperations(), register())
            assert overview.headline_for(data, chosen, keys) == one
    # The old fixed-set sum of the published series is the +129.634 the issue saw.
    old = indicators.headline(
        population(territory.PUBLISHED), selected_ags(both, cooperations(), register())
    )
    assert old.change_abs == 129_634


def test_a_municipality_does_not_override_the_other_chips():
    templin = next(c for c in cooperations() if c["id"] == TEMPLIN)
    outside = "14627050"  # Gröditz, not in Templin
    keys = selected_ags(Selection(regions=(TEMPLIN,), ags=outside), cooperations(), register())
    assert keys == [*templin["member_ags"], outside]
    inside = templin["member_ags"][0]
    keys = selected_ags(Selection(regions=(TEMPLIN,), ags=inside), cooperations(), register())
    assert keys == templin["member_ags"]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_any_overlap_gives_the_figures_of_the_union(data):
    """Random cooperations, states, a municipality and an own list (overlapping at will):
    the key figures equal a direct computation on the deduplicated set of AGS (2022
    territory), and in the published series they depend only on that set."""
    coops = cooperations()
    ids = data.draw(st.lists(st.sampled_from([c["id"] for c in coops]), max_size=3, unique=True))
    states = data.draw(st.lists(st.sampled_from(STATES), max_size=2, unique=True))
    member_pool = sorted({a for c in coops for a in c["member_ags"]})
    pool = st.sampled_from(member_pool) | st.sampled_from(current_ags())
    ags = data.draw(st.none() | pool)
    custom = tuple(data.draw(st.lists(pool, max_size=6, unique=True)))
    regions = tuple(ids) + ((CUSTOM_ID,) if custom else ())
    selection = Selection(regions=regions, ags=ags, states=tuple(states), custom=custom)
    records = [*coops, custom_cooperation(custom)] if custom else coops
    keys = selected_ags(selection, records, register())
    if not keys:
        return
    assert len(keys) == len(set(keys))  # every municipality once
    expected = set(custom) | ({ags} if ags else set())
    expected |= {a for c in coops if c["id"] in ids for a in c["member_ags"]}
    reg = register()
    current = reg[reg["last_year"] == reg["last_year"].max()]
    expected |= set(current.loc[current["state_key"].isin(states), "ags"])
    assert set(keys) == expected

    pop = population(territory.DEFAULT_MODE)
    assert figures(indicators.union_headline(pop, keys)) == direct(pop, expected)
    # The same set written another way (shuffled, with repeats, as an own list) gives the same.
    shuffled = data.draw(st.permutations(keys))
    as_list = Selection(regions=(CUSTOM_ID,), custom=tuple(shuffled))
    other = selected_ags(as_list, [custom_cooperation(tuple(shuffled))], register())
    published = population(territory.PUBLISHED)
    assert indicators.union_headline(published, other + keys[:3]) == (
        indicators.union_headline(published, keys)
    )


# --- one code system for states -----------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "key"),
    [
        ("12", "12"),
        ("5", "05"),
        ("BB", "12"),
        ("bb", "12"),
        ("Brandenburg", "12"),
        ("Thüringen", "16"),
        ("thueringen", "16"),
        ("Baden-Württemberg", "08"),
        ("Nordrhein Westfalen", "05"),
        ("17", None),
        ("XX", None),
        ("", None),
    ],
)
def test_state_key_accepts_keys_abbreviations_and_names(value, key):
    assert state_key(value) == key


def parse(params):
    return parse_query(params, [c["id"] for c in cooperations()], current_ags(), STATE_NAMES)


def test_land_takes_every_form_and_links_write_the_key():
    parsed = parse({"land": ["BB,Sachsen", "12"]})
    assert parsed.selection.states == ("12", "14")
    assert parsed.notes == []  # same meaning, only another spelling: no note
    assert to_query(parsed.selection) == {"land": "12,14"}


def test_legacy_bundesland_becomes_the_sidebar_state_with_a_note():
    parsed = parse({"bundesland": ["BB"]})
    assert parsed.selection.states == ("12",)
    assert len(parsed.notes) == 1
    assert "„bundesland“ (Brandenburg)" in parsed.notes[0]
    assert "gilt auf allen Seiten (neu: land=12)" in parsed.notes[0]
    assert to_query(parsed.selection) == {"land": "12"}
    both = parse({"land": ["14"], "bundesland": ["BB,SN"]})
    assert both.selection.states == ("14", "12")


def test_unknown_legacy_state_is_named_and_ignored():
    parsed = parse({"bundesland": ["XX"]})
    assert parsed.selection.states == ()
    assert parsed.notes == ["Unbekanntes Land „XX“ wurde ignoriert."]


# --- sums on the demographics themes ------------------------------------------------------


@cache
def age_2015():
    return datastore.read_age_2015_territory()


def same(one, other) -> bool:
    """Equal profiles, the order of their members aside."""
    return replace(one, ags=()) == replace(other, ags=()) and set(one.ags) == set(other.ags)


def test_themes_sum_the_union_once_brandenburg_plus_templin_is_brandenburg():
    from ksg_dashboard.demography.themes import model as dv
    from ksg_dashboard.demography.themes.panels import scope

    names = register().set_index("ags")["name"].to_dict()
    both = Selection(states=("12",), regions=(TEMPLIN,))
    keys = selected_ags(both, cooperations(), register())
    units = scope(both, cooperations(), names, keys).units
    assert [label for label, _ in units] == ["Auswahl zusammen", "Mittelbereich Templin"]
    union = dv.age_profile(age_2015(), units[0][1])
    alone = selected_ags(Selection(states=("12",)), cooperations(), register())
    assert same(union, dv.age_profile(age_2015(), alone))
    # A state alone is summed too (before, the pyramid fell back to Germany).
    assert scope(Selection(states=("12",)), cooperations(), names, alone).units[0][0] == (
        "Auswahl zusammen"
    )


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_theme_sums_depend_only_on_the_union(data):
    from ksg_dashboard.demography.themes import model as dv

    coops = cooperations()
    ids = data.draw(st.lists(st.sampled_from([c["id"] for c in coops]), min_size=1, max_size=3))
    extra = data.draw(st.lists(st.sampled_from(current_ags()), max_size=3))
    members = [a for c in coops if c["id"] in ids for a in c["member_ags"]] + extra
    unique = sorted(set(members))
    assert same(
        dv.age_profile(age_2015(), members + members[:5]), dv.age_profile(age_2015(), unique)
    )
