"""Programm (/programm): the workshop agenda — in progress."""

import streamlit as st

st.title("Programm der Transferwerkstatt")
st.info("Diese Seite ist in Arbeit.", icon="🚧")
