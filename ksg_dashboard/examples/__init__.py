"""The examples page: records, filter and map (model), charts, Streamlit panels."""
