"""Baseline for the benchmark: the smallest possible Streamlit page."""

import streamlit as st

st.write("bare")
