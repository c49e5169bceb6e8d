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


PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/overview.py", "Übersicht", "🗺️", ""),
    PageSpec("pages/tour.py", "Rundfahrt", "🚌", "tour"),
    PageSpec("pages/demographics.py", "Demografie", "📈", "demografie"),
    PageSpec("pages/examples.py", "Beispiele", "🏘️", "beispiele"),
    PageSpec("pages/programme.py", "Programm", "🗓️", "programm"),
)
