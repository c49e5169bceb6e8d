"""Demografie (/demografie): indicators over time — in progress."""

import streamlit as st

st.title("Demografische Entwicklung")
st.info("Diese Seite ist in Arbeit.", icon="🚧")
