"""The bus tour page: stops and schedule (model), map and timeline (charts), Streamlit panels."""
