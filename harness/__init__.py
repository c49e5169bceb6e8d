"""Server and browser helpers shared by tests/e2e, bench/ and deploy/: the local Streamlit
server and Chromium settings (server), the protocol load generator, warm-up, bytes on the wire,
and the statistics they report (stats)."""
