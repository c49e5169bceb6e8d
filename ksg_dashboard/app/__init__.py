"""The Streamlit layer shared by pages: sidebar filter and URL sync, cached loaders, widgets, view
tools, page scripts.
"""
