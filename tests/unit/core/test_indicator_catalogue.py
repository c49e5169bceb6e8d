"""The indicator registry: complete, consistent with the pages' indicators, no dangling sources."""

from __future__ import annotations

import json

from ksg_dashboard.core.config import REPO_ROOT
from ksg_dashboard.core.indicator_catalogue import (
    BY_KEY,
    CATALOGUE,
    THEMES,
    entry_href,
    in_theme,
    sources_used,
    theme_of,
)
from ksg_dashboard.demography.model import INDICATORS


def test_every_indicator_of_the_demographics_page_is_documented_alike():
    for key, indicator in INDICATORS.items():
        doc = BY_KEY[key]
        assert (doc.label, doc.unit, doc.digits, doc.diverging) == (
            indicator.label,
            indicator.unit,
            indicator.digits,
            indicator.diverging,
        ), key


def test_entries_are_complete_and_unique():
    assert len(BY_KEY) == len(CATALOGUE)
    for doc in CATALOGUE:
        assert doc.theme in THEMES
        assert doc.definition.endswith(".") and doc.formula and doc.reference and doc.level
        assert doc.sources, doc.key


def test_every_theme_has_indicators_and_2015_values_say_they_are_not_current():
    assert all(in_theme(theme) for theme in THEMES)
    for doc in in_theme("altersstruktur") + in_theme("wanderungen"):
        assert "2015" in doc.reference
        assert any("nicht den heutigen Stand" in c for c in doc.caveats), doc.key


def test_named_migration_indicators_and_their_age_groups():
    assert "18 bis unter 25" in BY_KEY["bildungswanderung"].formula
    family = BY_KEY["familienwanderung"].formula
    assert "unter 18" in family and "30 bis unter 50" in family


def test_theme_lookup_and_entry_link():
    assert theme_of("anteil_65_plus") == "altersstruktur"
    assert theme_of("gibt-es-nicht") is None
    assert entry_href("dichte") == "/indikatoren?indikator=dichte"
    assert entry_href("dichte", "/ksg/") == "/ksg/indikatoren?indikator=dichte"


def test_population_sources_exist_in_the_committed_source_records():
    records = json.loads((REPO_ROOT / "data" / "sources.json").read_text(encoding="utf-8"))
    population_docs = in_theme("bevoelkerung")
    assert set(sources_used(population_docs)) <= set(records)
