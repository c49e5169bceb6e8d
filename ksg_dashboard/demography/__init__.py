"""The demographics page: indicators and aggregates (model), what it shows (views), and the
Daseinsvorsorge themes.
"""
