"""The load generator's message handling, on hand-built protobuf frames (no server)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import math

import pytest
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from harness import loadgen
from harness.protocol import (
    FINISHED_EARLY_FOR_RERUN,
    FINISHED_OK,
    PAGE_INTERACTIONS,
    Interaction,
    SessionReader,
    Widget,
    rerun_message,
    subprotocols,
)


def new_session(session_id: str = "abc-123") -> bytes:
    msg = ForwardMsg()
    msg.new_session.initialize.session_id = session_id
    msg.new_session.page_script_hash = "hash-1"
    return msg.SerializeToString()


def button(widget_id: str) -> bytes:
    msg = ForwardMsg()
    msg.delta.new_element.button.id = widget_id
    msg.delta.new_element.button.label = "Go"
    return msg.SerializeToString()


def selectbox(widget_id: str, options: list[str]) -> bytes:
    msg = ForwardMsg()
    msg.delta.new_element.selectbox.id = widget_id
    msg.delta.new_element.selectbox.options.extend(options)
    return msg.SerializeToString()


def exception(message: str) -> bytes:
    msg = ForwardMsg()
    msg.delta.new_element.exception.type = "ValueError"
    msg.delta.new_element.exception.message = message
    return msg.SerializeToString()


def finished(status: int = FINISHED_OK) -> bytes:
    msg = ForwardMsg()
    msg.script_finished = status
    return msg.SerializeToString()


def test_rerun_message_carries_page_query_and_widgets():
    state = Interaction("click", "x").state(Widget("button", "$$ID-1-x"))
    raw = rerun_message(query_string="region=a", page_name="tour", url="http://h/", widgets=[state])
    msg = BackMsg()
    msg.ParseFromString(raw)
    assert msg.WhichOneof("type") == "rerun_script"
    assert msg.rerun_script.query_string == "region=a"
    assert msg.rerun_script.page_name == "tour"
    assert msg.rerun_script.context_info.url == "http://h/"
    assert msg.rerun_script.context_info.locale == "de-DE"
    [widget] = msg.rerun_script.widget_states.widgets
    assert widget.id == "$$ID-1-x" and widget.trigger_value


def test_reader_splits_runs_and_collects_widgets():
    reader = SessionReader()
    frames = [new_session(), button("$$ID-9-overview.pick.a"), selectbox("sel", ["A", "B"])]
    for frame in frames:
        reader.feed(frame)
    assert not reader.run.finished
    reader.feed(finished(FINISHED_EARLY_FOR_RERUN))
    assert not reader.run.finished, "a run cut short for a rerun is not the end"
    reader.feed(finished())
    run = reader.run
    assert run.finished and run.ok
    assert reader.session_id == "abc-123" and reader.page_script_hash == "hash-1"
    assert run.messages == 5 and run.deltas == 2
    assert run.bytes == sum(len(f) for f in frames) + 2 * len(finished())
    assert set(run.widgets) == {"$$ID-9-overview.pick.a", "sel"}
    assert run.widgets["sel"].options == ("A", "B")
    previous = reader.new_run()
    assert previous is run and reader.run.messages == 0
    assert reader.total_bytes == run.bytes


def test_reader_marks_exceptions_as_not_ok():
    reader = SessionReader()
    reader.feed(exception("boom"))
    reader.feed(finished())
    assert reader.run.finished and not reader.run.ok
    assert reader.run.exceptions == ["ValueError: boom"]


def test_interaction_finds_its_widget_and_builds_the_state():
    reader = SessionReader()
    reader.feed(button("$$ID-1-tour.prev"))
    reader.feed(button("$$ID-2-tour.next"))
    reader.feed(selectbox("$$ID-3-demografie.indikator", ["Einwohner", "Veränderung", "Alter"]))
    widgets = reader.run.widgets
    click = PAGE_INTERACTIONS["tour"]
    assert click.find(widgets).id == "$$ID-2-tour.next"
    choose = Interaction.parse("choose:demografie.indikator:2")
    state = choose.state(choose.find(widgets))
    assert state.WhichOneof("value") == "string_value" and state.string_value == "Alter"
    assert Interaction("click", "missing").find(widgets) is None
    # a choice never matches a button and vice versa
    assert Interaction("choose", "tour.next").find(widgets) is None


@pytest.mark.parametrize("text", ["", "click", "press:x", "choose:"])
def test_interaction_parse_rejects_bad_text(text):
    with pytest.raises(ValueError):
        Interaction.parse(text)


def test_subprotocols_send_the_old_session_only_on_reconnect():
    assert subprotocols() == ["streamlit", "loadgen"]
    assert subprotocols("s-1") == ["streamlit", "loadgen", "s-1"]


def test_parse_http_response_with_chunks_and_cookies():
    raw = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
        b"Set-Cookie: ksg_replica=abc; Path=/; HttpOnly\r\nSet-Cookie: _xsrf=2|x; Path=/\r\n"
        b"X-KSG-Replica: 127.0.0.1:9001\r\n\r\n"
        b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
    )
    status, headers, body = loadgen.parse_http_response(raw)
    assert status == 200 and body == b"hello world"
    assert headers["x-ksg-replica"] == ["127.0.0.1:9001"]
    assert loadgen.cookies_from(headers) == "ksg_replica=abc; _xsrf=2|x"
    with pytest.raises(loadgen.LoadgenError):
        loadgen.parse_http_response(b"garbage")


def test_stream_url_and_loopback_guard():
    assert loadgen.stream_url("http://127.0.0.1:8080") == "ws://127.0.0.1:8080/_stcore/stream"
    assert loadgen.stream_url("http://127.0.0.1:1/app/") == "ws://127.0.0.1:1/app/_stcore/stream"
    loadgen.require_loopback("http://127.0.0.1:8501")
    with pytest.raises(SystemExit):
        loadgen.require_loopback("http://example.org")


def result(index: int, ok: bool, seconds: float, replica: str = "") -> loadgen.SessionResult:
    return loadgen.SessionResult(
        index, ok=ok, total_seconds=seconds, replica=replica, error=None if ok else "x"
    )


def test_summarize_round_counts_errors_and_replicas():
    results = [result(0, True, 1.0, "a"), result(1, True, 3.0, "b"), result(2, False, 9.0, "b")]
    row = loadgen.summarize_round(3, results, 9.5, {"server_cpu_s": 1.0})
    assert row["ok"] == 2 and row["errors"] == 1
    assert row["p50_s"] == 2.0 and row["max_s"] == 3.0, "failed sessions do not count in times"
    assert row["replicas"] == {"a": 1, "b": 2}
    assert math.isnan(row["interact_p50_s"])


def test_capacity_is_the_largest_clean_round_within_the_factor():
    curve = [
        {"sessions": 1, "errors": 0, "p95_s": 0.5},
        {"sessions": 10, "errors": 0, "p95_s": 1.4},
        {"sessions": 25, "errors": 1, "p95_s": 1.0},
        {"sessions": 50, "errors": 0, "p95_s": 1.6},
    ]
    assert loadgen.capacity(curve, 0.5) == 10
    assert loadgen.capacity(curve, 0.1) == 0


def _serial_server(per_session: float, errors_from: int = 10**9):
    """A fake round: p95 = n × per_session (serial renders), errors from `errors_from` on."""
    asked: list[int] = []

    async def measure(n: int) -> dict:
        asked.append(n)
        return {"sessions": n, "errors": int(n >= errors_from), "p95_s": n * per_session}

    return measure, asked


def _run(coroutine):
    """Run a coroutine in a thread of its own: Playwright's sync API (browser tests earlier in
    the same pytest run) leaves an event loop running in the main thread."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def test_capacity_search_doubles_then_bisects():
    measure, asked = _serial_server(0.1)
    held, rows = _run(loadgen.search_capacity(measure, single=0.1, factor=3.0))
    assert held == 3  # 3 × 0.1 s ≤ 0.3 s, 4 sessions take 0.4 s
    assert asked == [2, 4, 3]
    assert [r["sessions"] for r in rows] == asked

    measure, asked = _serial_server(0.1)
    held, _ = _run(loadgen.search_capacity(measure, single=0.1, factor=20.0))
    assert held == 20 and asked == [2, 4, 8, 16, 32, 24, 20, 22, 21]


def test_capacity_search_stops_at_errors_and_bounds():
    measure, asked = _serial_server(0.01, errors_from=5)
    held, _ = _run(loadgen.search_capacity(measure, single=1.0, factor=3.0))
    assert held == 4 and asked == [2, 4, 8, 6, 5]
    measure, asked = _serial_server(0.001)
    held, _ = _run(loadgen.search_capacity(measure, 1.0, 3.0, limit=16))
    assert held == 16 and asked == [2, 4, 8, 16]
    measure, asked = _serial_server(0.1)
    held, rows = _run(loadgen.search_capacity(measure, 0.1, 20.0, tries=3))
    assert held == 8 and len(rows) == 3


def test_wire_bytes_attributes_log_lines_by_their_start():
    from harness.wire_bytes import bytes_between, parse_log

    log = (
        '127.0.0.1 [x] "GET / HTTP/1.1" 200 bytes=8000 in=300 msec=100.500 rt=0.500 '
        "upstream=127.0.0.1:8601 sticky=a\n"
        '127.0.0.1 [x] "GET /_stcore/stream HTTP/1.1" 101 bytes=300000 in=500 msec=130.000 '
        "rt=29.000 upstream=127.0.0.1:8601 sticky=a\n"
        '127.0.0.1 [x] "GET /tour HTTP/1.1" 200 bytes=7000 in=300 msec=131.000 rt=0.001 '
        "upstream=127.0.0.1:8601 sticky=a\n"
    )
    lines = parse_log(log)
    assert [line.bytes for line in lines] == [8000, 300000, 7000]
    assert lines[1].start == 101.0, "a websocket counts for the step that opened it"
    first = bytes_between(lines, 100.0, 130.5)
    assert first == {"total": 308000, "websocket": 300000, "http": 8000, "requests": 2}
    assert bytes_between(lines, 130.5, 140)["total"] == 7000


def test_settle_is_bounded_and_the_memory_run_waits_one_release_cycle():
    from pathlib import Path

    from ksg_dashboard.app import memory

    assert loadgen.parse_args(["--settle", "25"]).settle == 25.0
    assert loadgen.parse_args([]).settle == 0.0
    for bad in ("-1", "121", "soon"):
        with pytest.raises(SystemExit):
            loadgen.parse_args(["--settle", bad])
    makefile = (Path(__file__).parents[3] / "Makefile").read_text()
    recipe = makefile.split("\nloadgen-memory:", 1)[1].split("\n\n", 1)[0]
    settle = float(recipe.split("--settle", 1)[1].split()[0])
    assert settle > memory.DEFAULT_SECONDS  # the reading comes after one gc + malloc_trim
