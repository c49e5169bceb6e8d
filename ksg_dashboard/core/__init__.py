"""The app's foundations (pure, no Streamlit): configuration, validation, the selection and its URL
form, pages, text and numbers, colours, territory, population indicators and the indicator
registry, downloads, links.
"""
