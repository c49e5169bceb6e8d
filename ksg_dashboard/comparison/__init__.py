"""The comparison page (/vergleich): model, charts and Streamlit panels."""
