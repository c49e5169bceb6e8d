"""Programm (/programm): the workshop agenda day by day, with links to the regions it is about."""

import streamlit as st

from ksg_dashboard.app import sidebar as filters
from ksg_dashboard.app import view_tools as share_panels
from ksg_dashboard.app import widgets as ui
from ksg_dashboard.app.cache import load_cooperations, load_programme
from ksg_dashboard.programme import model as programme
from ksg_dashboard.programme import panels

presenter = filters.current_selection().presenter
data = ui.load_or_stop(load_programme)
names = programme.cooperation_names(ui.load_quietly(load_cooperations, []))
panels.init_state([item["id"] for item in programme.items(data)])
base_path = st.get_option("server.baseUrlPath") or ""
extra = {"praesentation": "1"} if presenter else {}

panels.page_header(data, presenter)
panels.show_notes()

if presenter:
    panels.point_chooser(data)
    panels.now_banner(data, names, base_path, extra)
else:
    with st.expander("Ziel und Inhalt der Werkstatt"):
        st.markdown(data["goal"])
        st.markdown(data["host"])

panels.timeline(data, names, base_path, extra)
st.caption(
    "Endzeiten ergeben sich aus dem Beginn des nächsten Programmpunkts. Links öffnen die "
    "jeweilige Region auf der Übersichtskarte, die Rundfahrt oder die Beispiele."
)

question_column, table_column = st.columns(2, gap="medium")
with question_column:
    panels.guiding_questions(data)
with table_column:
    panels.theme_tables(data)

st.caption(f"Quelle: {data['source']['title']}. {data['source'].get('note', '')}")
panels.sync_url(panels.current_point())
share_panels.view_tools("programm")
