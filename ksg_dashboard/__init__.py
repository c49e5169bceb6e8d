"""Shared logic of the KSG dashboard: configuration, data loading, indicators, maps and filters."""
