"""Rundfahrt (/tour): the bus tour of 11 March 2019 — in progress."""

import streamlit as st

st.title("Rundfahrt durch die Kooperationsräume")
st.info("Diese Seite ist in Arbeit.", icon="🚧")
