"""Data build: reads the raw official sources and writes the app's prepared files into data/."""
