"""Texts that reach the reader speak about facts and their sources, not about files or research.

Checks the built data files the app reads (data/*.yaml, data/sources.json) and the curated inputs
(including their maintainer comments) for file names, repository paths and research speak, and
the curated summaries for undated round figures (the app shows the official figures instead).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
import yaml

from ksg_dashboard.core.config import REPO_ROOT

DATA = REPO_ROOT / "data"
CURATED = REPO_ROOT / "curated"
READER_FILES = ("cooperations.yaml", "measures.yaml", "tour.yaml", "programme.yaml", "sources.json")
# Keys whose values are for the program, not the reader (sources.json lists its data files).
MACHINE_KEYS = {"files"}
RESEARCH_SPEAK = re.compile(
    r"Recherche|recherchiert|shared/|\.ya?ml\b|\.md\b|candidate|Datensatz", re.IGNORECASE
)
# Working-note shorthand in the notes on uncertainty ("Koordinate = X", "Lead angenommen",
# "nicht erfasst", "aus Namensgebung abgeleitet", "UNSICHER:"): the note says it in a sentence.
WORKING_NOTES = re.compile(
    r"\s=\s|nicht erfasst|nicht gefunden|nicht recherchiert|\bLead\b|angenommen|abgeleitet"
    r"|Namensgebung|(?-i:UNSICHER)",
    re.IGNORECASE,
)
NOTE_KEYS = re.compile(r"(^|\.)(uncertain|note|\w+_note)$")
# The project check on non-Python files (comments included).
REPOSITORY_CHECK = re.compile(r"shared/(facts|raw|notes)|Recherche|candidate stops")
ROUND_FIGURE = re.compile(
    r"\b(rund|etwa|knapp|ca\.|über)\s+[\d.,]+\s*(km²|Quadratkilometer|Einwohner)", re.IGNORECASE
)


def reader_strings(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(where, text) for every string a reader may see; URLs and MACHINE_KEYS are left out."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key not in MACHINE_KEYS:
                yield from reader_strings(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from reader_strings(item, f"{path}[{index}]")
    elif isinstance(value, str) and not value.startswith(("http://", "https://")):
        yield path, value


def research_speak(value: Any) -> list[str]:
    """Where and what: every reader string with a file name or research speak."""
    return [
        f"{where}: {text}" for where, text in reader_strings(value) if RESEARCH_SPEAK.search(text)
    ]


def working_notes(value: Any) -> list[str]:
    """Where and what: every note on uncertainty written as a working note."""
    return [
        f"{where}: {text}"
        for where, text in reader_strings(value)
        if NOTE_KEYS.search(where) and WORKING_NOTES.search(text)
    ]


def load(name: str) -> Any:
    text = (DATA / name).read_text(encoding="utf-8")
    return json.loads(text) if name.endswith(".json") else yaml.safe_load(text)


def test_the_check_finds_research_speak() -> None:
    sample = {
        "files": ["tour.yaml"],
        "url": "https://example.org/recherche.md",
        "stops": [
            {"uncertain": "Die Recherche belegt …"},
            {"title": "Recherchenotiz (shared/facts/cooperations.md)"},
            {"uncertain": "Thema laut Praxisbeispiel-Datensatz (examples.yaml)"},
            {"note": "Tour: candidate stops"},
            {"note": "Der Standort folgt dem Wikipedia-Artikel."},
        ],
    }
    assert [p.split(":")[0] for p in research_speak(sample)] == [
        ".stops[0].uncertain",
        ".stops[1].title",
        ".stops[2].uncertain",
        ".stops[3].note",
    ]
    notes = [
        {"uncertain": "Keine Leitkommune; Koordinate = Bad Liebenwerda."},
        {"uncertain": "Themen aus Namensgebung (Kurstadt) abgeleitet, nicht belegt."},
        {"uncertain": "Lead angenommen (Stadt); Partner nicht erfasst."},
        {"uncertain": "Keine Leitkommune; der Kartenpunkt liegt in Bad Liebenwerda."},
        {"programme_year_note": "2014; eine andere Quelle nennt 2013 (siehe Hinweis „Unsicher“)."},
        {"changes": "Endzeiten aus dem Beginn des nächsten Punkts abgeleitet."},
    ]
    assert [p.split(":")[0] for p in working_notes(notes)] == [
        "[0].uncertain",
        "[1].uncertain",
        "[2].uncertain",
    ]
    assert ROUND_FIGURE.search("(rund 400 km², rund 26.000 Einwohner)")
    assert not ROUND_FIGURE.search("seit 2015 mit einem Kooperationsvertrag")


@pytest.mark.parametrize("name", READER_FILES)
def test_data_files_have_no_research_speak(name: str) -> None:
    problems = research_speak(load(name))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", READER_FILES)
def test_notes_on_uncertainty_are_sentences_for_readers(name: str) -> None:
    problems = working_notes(load(name))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    "path",
    sorted(CURATED.glob("*.yaml")) + sorted(p for p in DATA.iterdir() if p.suffix != ".parquet"),
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_no_repository_paths_or_research_words_even_in_comments(path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    hits = [f"{n}: {line}" for n, line in enumerate(lines, 1) if REPOSITORY_CHECK.search(line)]
    assert not hits, "\n".join(hits)


def test_curated_summaries_have_no_undated_round_figures() -> None:
    cooperations = load("cooperations.yaml")
    tour = load("tour.yaml")
    texts = [(c["id"], c["summary"]) for c in cooperations]
    texts += [(stop["id"], stop["seen"]) for stop in tour["stops"]]
    problems = [f"{where}: {text}" for where, text in texts if ROUND_FIGURE.search(text)]
    assert not problems, "\n".join(problems)
    kurstadt = next(c for c in cooperations if c["id"] == "kurstadtregion-elbe-elster")
    assert "km²" not in kurstadt["summary"] and "Einwohner" not in kurstadt["summary"]
