"""The overview page: the map and details of a selection (model) and its Streamlit panels."""
