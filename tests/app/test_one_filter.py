"""AppTest of the one filter: chips = what is active, the union's figures, the examples page
honouring the sidebar state, and the old state permalinks."""

from __future__ import annotations

import re

from streamlit.testing.v1 import AppTest

from ksg_dashboard.app.cache import load_unincorporated_ags
from ksg_dashboard.core.selection import RULE
from ksg_dashboard.examples.panels import DETAILS_KEY_PREFIX
from tests.app.pages import folium_map_args, open_app, param, run_page

EXAMPLES = "app_pages/examples.py"
TEMPLIN = "mittelbereich-templin"


def run_app(**params: str) -> AppTest:
    return open_app(**params)


def active_line(at: AppTest) -> str:
    lines = [c.value for c in at.caption if str(c.value).startswith("Aktiv:")]
    assert len(lines) == 1, [c.value for c in at.caption]
    return lines[0]


def card_count(at: AppTest) -> int:
    return sum(1 for b in at.button if (b.key or "").startswith(DETAILS_KEY_PREFIX))


def matching_count(at: AppTest) -> int:
    """The examples that match the filter ("**N** von 61 Beispielen"; cards are paged)."""
    for element in at.markdown:
        found = re.match(r"\*\*(\d+)\*\* von \d+ Beispielen", str(element.value))
        if found:
            return int(found.group(1))
    raise AssertionError("no count line on the examples page")


def infos(at: AppTest) -> str:
    return "\n".join(i.value for i in at.info)


def test_overlapping_state_and_cooperation_give_the_states_figures_once():
    alone = run_app(land="12")
    both = run_app(land="12", region=TEMPLIN)
    for at in (alone, both):
        assert not at.exception, at.exception
        assert [m.value for m in at.metric[:1]] == ["413"]
        assert at.metric[3].value == "+123.624"
        assert at.metric[3].delta == "+5,0 %"
    assert both.multiselect(key="filter.region").value == [TEMPLIN]
    assert both.multiselect(key="filter.land").value == ["12"]
    line = active_line(both)
    assert line.startswith("Aktiv: Mittelbereich Templin + Brandenburg = 413 Gemeinden.")
    assert "jede Gemeinde zählt einmal" in line and RULE.split(":")[0] in line


def test_a_municipality_adds_to_the_chips_instead_of_overriding_them():
    templin = run_app(region=TEMPLIN)
    members = int(templin.metric[0].value)
    at = run_app(region=TEMPLIN, ags="14627050")  # Gröditz, outside Templin
    assert not at.exception, at.exception
    assert at.multiselect(key="filter.region").value == [TEMPLIN]  # the chip stays ...
    assert at.metric[0].value == str(members + 1)  # ... and counts
    assert "Mittelbereich Templin + Gröditz" in active_line(at)
    assert at.query_params["region"] == TEMPLIN and at.query_params["ags"] == "14627050"


def test_unselecting_a_chip_changes_the_figures():
    at = run_app(land="12", region="kurstadtregion-elbe-elster")
    with_saxony = at.metric[0].value
    at.multiselect(key="filter.land").unselect("12").run()
    assert at.metric[0].value != with_saxony
    assert "Aktiv: Kurstadtregion" in active_line(at)


def test_examples_page_honours_the_sidebar_state_with_its_own_filters_on_top():
    at = run_page(EXAMPLES, land="12")
    assert not at.exception, at.exception
    assert at.multiselect(key="filter.land").value == ["12"]
    assert at.multiselect(key="beispiele.land").value == ["12"]
    assert card_count(at) == 8
    at.text_input(key="beispiele.suche").input("Templin").run()
    assert 0 < card_count(at) < 8
    # The page's Land field changes the app-wide selection.
    at.multiselect(key="beispiele.land").select("14").run()
    assert at.session_state["filter.selection"].states == ("12", "14")
    assert param(at, "land") == "12,14"
    at.switch_page("app_pages/overview.py").run()
    assert at.multiselect(key="filter.land").value == ["12", "14"]


def test_sidebar_state_chosen_on_another_page_filters_the_examples():
    at = run_app()
    at.multiselect(key="filter.land").select("09").run()
    at.switch_page(EXAMPLES).run()
    assert card_count(at) > 0
    everything = run_page(EXAMPLES)
    assert 0 < matching_count(at) < matching_count(everything) == 61
    assert at.multiselect(key="beispiele.land").value == ["09"]


def test_legacy_examples_permalink_bundesland_maps_to_the_sidebar_state():
    at = run_page(EXAMPLES, bundesland="BB")
    assert not at.exception, at.exception
    assert card_count(at) == 8
    assert at.multiselect(key="filter.land").value == ["12"]
    assert "„bundesland“ (Brandenburg)" in infos(at)
    assert "bundesland" not in at.query_params and param(at, "land") == "12"


def test_legacy_land_key_and_abbreviation_open_the_same_view():
    by_key = run_page(EXAMPLES, land="12")
    by_abbreviation = run_page(EXAMPLES, land="BB")
    for at in (by_key, by_abbreviation):
        assert card_count(at) == 8
        assert param(at, "land") == "12"
        assert "bundesland" not in infos(at)  # same meaning: no note
    overview = run_app(land="Brandenburg")
    assert overview.metric[0].value == "413"
    assert overview.query_params["land"] == "12"


def test_selected_state_is_outlined_on_the_overview_map():
    def script(at):
        return folium_map_args(at)["script"]

    assert '"dashArray": "10 5"' in script(run_app(land="12"))
    assert '"dashArray": "10 5"' not in script(run_app(region=TEMPLIN))


def test_active_line_counts_bavaria_without_its_unincorporated_areas():
    """Bavaria holds most of Germany's unincorporated areas (forests, lakes): they are no
    municipalities, so the sidebar's count is the metric's count, not the number of keys."""
    at = run_app(land="09")
    assert not at.exception, at.exception
    shown = at.metric[0].value
    assert active_line(at).startswith(f"Aktiv: Bayern = {shown} Gemeinden.")
    unincorporated = load_unincorporated_ags()
    assert len([k for k in unincorporated if k.startswith("09")]) > 100
    assert shown != str(len(unincorporated))
