"""Performance benchmark of the dashboard in headless Chromium (`python -m bench`, `make bench`)."""
