"""The app's pages: file, German title, icon and URL path (permalinks depend on the paths)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageSpec:
    """One page of the app."""

    file: str
    title: str
    icon: str
    url_path: str  # "" for the default page served at "/"
    params: tuple[str, ...] = ()  # page-specific query parameters (dropped on other pages)
    # In presenter mode the navigation is one row at the top beside the view tools: a long
    # title there would push the last page into Streamlit's (English) overflow menu.
    short_title: str = ""

    def title_for(self, presenter: bool) -> str:
        """The navigation label: the short title in presenter mode, where there is one."""
        return (self.short_title or self.title) if presenter else self.title


DEMOGRAPHICS_PARAMS = ("bereich", "indikator", "jahr", "basis", "ansicht", "vergleich")
# The former `bundesland` is read by the app-wide filter (selection.FILTER_PARAMS).
EXAMPLES_PARAMS = ("beispiel", "thema", "von", "bis", "suche", "nur_kooperationen")

PAGES: tuple[PageSpec, ...] = (
    PageSpec("app_pages/overview.py", "Übersicht", "🗺️", ""),
    PageSpec("app_pages/tour.py", "Rundfahrt", "🚌", "tour", ("stopp",)),
    PageSpec("app_pages/demographics.py", "Demografie", "📈", "demografie", DEMOGRAPHICS_PARAMS),
    PageSpec("app_pages/comparison.py", "Vergleich", "⚖️", "vergleich", ("vergleich",)),
    PageSpec("app_pages/examples.py", "Beispiele", "🏘️", "beispiele", EXAMPLES_PARAMS),
    PageSpec("app_pages/programme.py", "Programm", "🗓️", "programm", ("punkt",)),
    PageSpec(
        "app_pages/indicators.py",
        "Indikatoren & Quellen",
        "📖",
        "indikatoren",
        ("indikator",),
        "Quellen",
    ),
)


def foreign_params(url_path: str) -> set[str]:
    """Page-specific parameters that belong to pages other than the one at url_path."""
    own = {p for spec in PAGES if spec.url_path == url_path for p in spec.params}
    return {p for spec in PAGES for p in spec.params} - own
