"""The benchmark's target checks: page loads with and without a map, interactions, iframes."""

from __future__ import annotations

import math

from bench.__main__ import evaluate_targets, report


def page(median: float, has_map: bool) -> dict:
    return {
        "has_map": has_map,
        "median_s": median,
        "ratio_to_bare": median / 0.5,
        "external_requests": [],
        "first_load_s": median,
        "cold_load_s": median,
        "script_done_median_s": median,
        "http_bytes_warm": 0,
        "http_bytes_cold": 0,
        "ws_bytes": 0,
        "ws_largest_message": 0,
        "server_cpu_s_per_load": 0.1,
        "errors": 0,
        "error_kinds": [],
    }


def step(median: float, kept: list) -> dict:
    return {
        "times_s": [median] * 3,
        "median_s": median,
        "script_done_median_s": median / 2,
        "ratio_to_bare_rerun": median / 0.1,
        "iframe_kept": kept,
        "errors": [],
        "exceptions": 0,
    }


def results() -> dict:
    return {
        "machine": {
            "date": "2026-12-01",
            "nproc": 2,
            "chromium": "x",
            "streamlit": "1.67",
            "loadavg_1min_at_start": 1.0,
            "loadavg_1min_at_end": 1.0,
            "cpus_usable": 2,
        },
        "app": "dashboard.py",
        "loads": 3,
        "interaction_rounds": 3,
        "pages": {
            "bare": page(0.5, False),
            "overview": page(0.9, True),  # 1.8x with a map: within 2.0x
            "programm": page(0.9, False),  # 1.8x without a map: over 1.5x
        },
        "interactions": {
            "bare-rerun": step(0.1, [None] * 3),
            "overview: choose cooperation": step(0.15, [True, True, True]),
            "tour: next stop": step(0.5, [True, False, True]),
        },
    }


def test_map_pages_get_the_wider_limit_and_interactions_are_checked():
    checks = {t["target"]: t for t in evaluate_targets(results())}
    assert checks["overview load time vs. bare (map)"]["limit"] == 2.0
    assert checks["overview load time vs. bare (map)"]["ok"]
    assert checks["programm load time vs. bare"]["limit"] == 1.5
    assert not checks["programm load time vs. bare"]["ok"]
    assert checks["overview: choose cooperation vs. bare rerun"]["ok"]
    assert not checks["tour: next stop vs. bare rerun"]["ok"]
    assert checks["overview: choose cooperation: map iframes replaced"]["value"] == 0
    assert checks["tour: next stop: map iframes replaced"]["value"] == 1
    assert not checks["tour: next stop: map iframes replaced"]["ok"]
    assert not any("bare-rerun" in name for name in checks)


def test_report_prints_interaction_ratios_and_kept_iframes():
    data = results()
    data["targets"] = evaluate_targets(data)
    text = report(data)
    assert "overview: choose cooperation" in text and "1.50×" in text
    assert "2/3" in text and "MISSED" in text
    assert math.isfinite(data["interactions"]["tour: next stop"]["ratio_to_bare_rerun"])
