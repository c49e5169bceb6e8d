"""The workshop programme page: items and links (model) and its Streamlit panels."""
