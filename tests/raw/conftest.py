"""tests/raw: tests on the real raw sources in ../shared/raw (or KSG_RAW_DIR), marked `raw`.

Run only them with `pytest -m raw` (or `pytest tests/raw`); each test is skipped when the raw
file it reads is absent. Helpers shared by the modules are in tests/raw/rawfiles.py.
"""
