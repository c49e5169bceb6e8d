"""Shared plotly figures and the presenter style of every chart (no Streamlit)."""
