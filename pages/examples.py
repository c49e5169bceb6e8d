"""Beispiele (/beispiele): examples from programme implementation — in progress."""

import streamlit as st

st.title("Beispiele aus der Programmumsetzung")
st.info("Diese Seite ist in Arbeit.", icon="🚧")
