"""The one place that reads and writes the URL's query parameters (`st.query_params`).

Pages keep their state in the session and mirror it into the URL so a view is a permalink.
Reading is bounded before any work (`selection.bound_query`: at most a fixed number of keys and
values, so no URL costs more than a normal page); writing touches only the keys a caller owns,
changes a value only when it differs (no extra rerun, no extra history entry) and removes a
key whose value is back at its default.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import streamlit as st

from ksg_dashboard.app import widgets
from ksg_dashboard.core.selection import bound_query


def query_lists_with_notes() -> tuple[dict[str, list[str]], list[str]]:
    """Current query parameters with all values of repeated keys, bounded, and the German
    notes about values cut by the bounds."""
    return bound_query({key: st.query_params.get_all(key) for key in st.query_params})


def query_lists() -> dict[str, list[str]]:
    """Current query parameters with all values of repeated keys, bounded."""
    return query_lists_with_notes()[0]


def page_query() -> dict[str, str]:
    """The current query parameters, last value per key (bounded)."""
    return {key: values[-1] for key, values in query_lists().items() if values}


def value(key: str) -> str | None:
    """The last value of one parameter, None when it is absent."""
    return page_query().get(key)


def write(keys: Iterable[str], wanted: Mapping[str, str]) -> None:
    """Mirror a page's own parameters into the URL: keys in `wanted` get their value (a repeated
    key is collapsed to one), the other `keys` are removed. Unchanged values are not written."""
    for key in keys:
        if key in wanted:
            if st.query_params.get(key) != wanted[key] or len(st.query_params.get_all(key)) > 1:
                st.query_params[key] = wanted[key]
        elif key in st.query_params:
            del st.query_params[key]


def drop(keys: Iterable[str]) -> None:
    """Remove parameters (e.g. those of another page, left over from navigation)."""
    for key in set(keys) & set(st.query_params):
        del st.query_params[key]


def show_notes(state_key: str) -> None:
    """The notes a page stored under `state_key` about URL values it ignored (a list or one)."""
    notes = st.session_state.get(state_key) or []
    for note in [notes] if isinstance(notes, str) else notes:
        widgets.note(note)
