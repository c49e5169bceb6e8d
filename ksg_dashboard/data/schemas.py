"""Schemas of the YAML and JSON files in data/ (pydantic), checked whenever a file is read.

A file that is valid YAML but has the wrong structure (a mapping instead of a list, a missing
`member_ags`, a year as text, an AGS with 7 digits) raises DataValidationError naming the file
and the first problems, so the page shows a message instead of an exception box. Unknown extra
fields are allowed (the curated files grow); the fields the app reads are required with types
and ranges.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from ksg_dashboard.core.validation import GERMANY_LAT, GERMANY_LON, DataValidationError

Ags = Annotated[str, Field(pattern=r"^\d{8}$")]
StateKey = Annotated[str, Field(pattern=r"^\d{2}$")]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)]
Text = Annotated[str, Field(min_length=1)]
Year = Annotated[int, Field(ge=1990, le=2030)]
Lon = Annotated[float, Field(ge=GERMANY_LON[0], le=GERMANY_LON[1])]
Lat = Annotated[float, Field(ge=GERMANY_LAT[0], le=GERMANY_LAT[1])]
# How many problems a message lists.
MAX_PROBLEMS = 3


class _Record(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)


class SourceRef(_Record):
    title: Text
    url: str | None = None


class Member(_Record):
    name: Text
    ags: Ags | None = None


class KeyProject(_Record):
    text: Text


class Cooperation(_Record):
    id: Slug
    name: Text
    short_name: Text
    kind: Text
    states: list[StateKey] = Field(min_length=1)
    members: list[Member] = Field(min_length=1)
    member_ags: list[Ags] = Field(min_length=1)
    lead_ags: Ags | None = None
    programme_year: Year | None = None
    programme_year_note: str | None = None
    summary: str = ""
    key_projects: list[KeyProject] = []
    sources: list[SourceRef] = []
    uncertain: str = ""


class Measure(_Record):
    id: Slug
    name: Text
    state: str = ""
    state_key: StateKey
    members: list[Member] = []
    member_ags: list[Ags]
    lead: str | None = None
    lead_ags: Ags | None = None
    since: Year | None = None
    themes: list[Text] = []
    projects: list[str] = []
    summary: str = ""
    lat: Lat | None = None
    lon: Lon | None = None
    source: SourceRef | None = None
    uncertain: str = ""
    is_cooperation: bool = False


class Source(_Record):
    title: Text
    attribution: Text


class ProgrammeItem(_Record):
    id: Text
    time: Annotated[str, Field(pattern=r"^\d{1,2}[:.]\d{2}$")]
    title: Text
    kind: Text
    end: str | None = None
    parts: list[dict[str, Any]] = []
    about: list[str] = []
    speakers: list[dict[str, Any]] = []


class ProgrammeDay(_Record):
    date: Text
    label: Text
    items: list[ProgrammeItem] = Field(min_length=1)


class Moderation(_Record):
    name: Text
    organisation: Text


class Programme(_Record):
    title: Text
    subtitle: str
    dates: Text
    place: Text
    source: SourceRef
    moderation: Moderation
    goal: str
    host: str
    guiding_questions: list[str]
    theme_tables: dict[str, Any]
    days: list[ProgrammeDay] = Field(min_length=1)


def _unique_ids(records: list[dict]) -> list[dict]:
    ids = [r["id"] for r in records]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ValueError(f"doppelte id: {duplicates[:MAX_PROBLEMS]}")
    return records


def _problems(error: ValidationError) -> str:
    """The first problems of a validation error, short, for the German message."""
    parts = []
    for problem in error.errors()[:MAX_PROBLEMS]:
        where = ".".join(str(p) for p in problem["loc"]) or "Datei"
        parts.append(f"{where}: {problem['msg']}")
    more = error.error_count() - MAX_PROBLEMS
    return "; ".join(parts) + (f" (und {more} weitere)" if more > 0 else "")


def _checker(adapter: TypeAdapter, post: Callable[[Any], Any] | None = None) -> Callable:
    def check(file: str, data: Any) -> Any:
        try:
            adapter.validate_python(data)
            return post(data) if post else data
        except ValidationError as error:
            raise DataValidationError(file, f"Schema verletzt – {_problems(error)}") from error
        except ValueError as error:
            raise DataValidationError(file, f"Schema verletzt – {error}") from error

    return check


# Each checker takes the file name and the parsed data and returns the data unchanged.
check_cooperations = _checker(TypeAdapter(list[Cooperation]), _unique_ids)
check_measures = _checker(TypeAdapter(list[Measure]), _unique_ids)
check_sources = _checker(TypeAdapter(dict[str, Source]))
check_programme = _checker(TypeAdapter(Programme))
