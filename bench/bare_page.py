"""Baseline for the benchmark: the smallest possible Streamlit page, with one button whose
rerun is the baseline of the interaction timings."""

import streamlit as st

st.write("bare")
if st.button("Weiter"):
    st.session_state["bare.count"] = st.session_state.get("bare.count", 0) + 1
st.write(f"Zähler {st.session_state.get('bare.count', 0)}")
