"""Checked readers of the committed files in data/ and their schemas (pure, no Streamlit)."""
