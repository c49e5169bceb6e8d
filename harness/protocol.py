"""Streamlit's websocket protocol as a browser speaks it, built on the installed `streamlit.proto`.

A session connects to ``ws://HOST/_stcore/stream`` with the subprotocol ``streamlit`` (the second
and third subprotocol entries carry an XSRF token and, on a reconnect, the previous session id),
sends a `BackMsg` with `rerun_script` and receives `ForwardMsg`s: `new_session`, `delta`s and
finally `script_finished`. This module has no network code, so it can be tested on bytes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

SUBPROTOCOL = "streamlit"
# Any non-empty token: the server validates it only to read an auth cookie, which we do not use.
XSRF_PLACEHOLDER = "loadgen"
STREAM_PATH = "_stcore/stream"

_STATUS = ForwardMsg.ScriptFinishedStatus
FINISHED_OK = _STATUS.Value("FINISHED_SUCCESSFULLY")
FINISHED_EARLY_FOR_RERUN = _STATUS.Value("FINISHED_EARLY_FOR_RERUN")
# Element types that carry options a user chooses from by their formatted label.
_CHOICE_TYPES = frozenset({"selectbox", "radio", "button_group"})
_TRIGGER_TYPES = frozenset({"button", "download_button"})


def subprotocols(existing_session_id: str | None = None) -> list[str]:
    """The Sec-WebSocket-Protocol entries a browser sends (session id only on a reconnect)."""
    entries = [SUBPROTOCOL, XSRF_PLACEHOLDER]
    if existing_session_id:
        entries.append(existing_session_id)
    return entries


def rerun_message(
    *,
    query_string: str = "",
    page_name: str = "",
    url: str = "",
    widgets: Iterable[WidgetState] = (),
    page_script_hash: str = "",
) -> bytes:
    """A serialized `BackMsg` that asks the server to run the script, like a browser's page load.

    `page_name` is the page's url_path ("" for the default page); `widgets` are the widget values
    the browser would send (empty for a first visit).
    """
    msg = BackMsg()
    state = msg.rerun_script
    state.query_string = query_string
    state.page_name = page_name
    state.page_script_hash = page_script_hash
    state.widget_states.widgets.extend(list(widgets))
    info = state.context_info
    info.timezone = "Europe/Berlin"
    info.timezone_offset = -60
    info.locale = "de-DE"
    info.url = url
    info.is_embedded = False
    info.color_scheme = "light"
    return msg.SerializeToString()


@dataclass(frozen=True)
class Widget:
    """A widget seen in a delta: its element type, id and (for choices) its option labels."""

    kind: str
    id: str
    options: tuple[str, ...] = ()


@dataclass
class RunTrace:
    """What one script run sent: counts, bytes, widgets, exceptions and how it ended."""

    messages: int = 0
    bytes: int = 0
    deltas: int = 0
    largest: int = 0
    exceptions: list[str] = field(default_factory=list)
    widgets: dict[str, Widget] = field(default_factory=dict)
    components: int = 0
    status: int | None = None  # ScriptFinishedStatus of the last script_finished

    @property
    def finished(self) -> bool:
        """True once the script ran to its end (not a run that stopped early for a rerun)."""
        return self.status is not None and self.status != FINISHED_EARLY_FOR_RERUN

    @property
    def ok(self) -> bool:
        """Finished successfully and showed no exception."""
        return self.status == FINISHED_OK and not self.exceptions


class SessionReader:
    """Consumes the server's frames of one session and splits them into script runs."""

    def __init__(self) -> None:
        self.session_id: str | None = None
        self.page_script_hash: str = ""
        self.run = RunTrace()
        self.total_bytes = 0
        self.errors: list[str] = []

    def new_run(self) -> RunTrace:
        """Start counting a new run (call before sending a rerun); returns the previous one."""
        previous, self.run = self.run, RunTrace()
        return previous

    def feed(self, frame: bytes) -> ForwardMsg:
        """Parse one binary frame and update the current run; returns the message."""
        msg = ForwardMsg()
        msg.ParseFromString(frame)
        size = len(frame)
        self.total_bytes += size
        run = self.run
        run.messages += 1
        run.bytes += size
        run.largest = max(run.largest, size)
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            self.session_id = msg.new_session.initialize.session_id or self.session_id
            self.page_script_hash = msg.new_session.page_script_hash or self.page_script_hash
        elif kind == "delta":
            run.deltas += 1
            self._delta(msg)
        elif kind == "script_finished":
            run.status = msg.script_finished
        elif kind == "page_not_found":
            run.exceptions.append(f"page not found: {msg.page_not_found.page_name}")
        elif kind == "session_status_changed" or kind == "page_info_changed":
            pass
        return msg

    def _delta(self, msg: ForwardMsg) -> None:
        delta = msg.delta
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type")
        if kind is None:
            return
        body = getattr(element, kind)
        if kind == "exception":
            self.run.exceptions.append(f"{body.type}: {body.message}")
            return
        if kind == "component_instance":
            self.run.components += 1
        widget_id = getattr(body, "id", "")
        if widget_id:
            options = tuple(getattr(body, "options", ()) or ()) if kind in _CHOICE_TYPES else ()
            if kind == "button_group":
                options = tuple(o.content for o in body.options)
            self.run.widgets[widget_id] = Widget(kind, widget_id, options)


@dataclass(frozen=True)
class Interaction:
    """A user action: `click` a button or `choose` option number `option` of a selectbox/radio.

    The widget is the first one whose id contains `key` (Streamlit puts the user key into the id).
    Text form: "click:overview.pick." or "choose:demografie.indikator:2".
    """

    action: str
    key: str
    option: int = 1

    @classmethod
    def parse(cls, text: str) -> Interaction:
        """Parse "click:KEY" or "choose:KEY[:OPTION]"."""
        action, _, rest = text.partition(":")
        key, _, option = rest.partition(":")
        if action not in {"click", "choose"} or not key:
            raise ValueError(f"expected click:KEY or choose:KEY[:OPTION], got {text!r}")
        return cls(action, key, int(option) if option else 1)

    def __str__(self) -> str:
        return f"{self.action}:{self.key}" + (f":{self.option}" if self.action == "choose" else "")

    def find(self, widgets: dict[str, Widget]) -> Widget | None:
        """The widget this interaction acts on, or None if the run showed none."""
        kinds = _TRIGGER_TYPES if self.action == "click" else _CHOICE_TYPES
        for widget in widgets.values():
            if widget.kind in kinds and self.key in widget.id:
                return widget
        return None

    def state(self, widget: Widget) -> WidgetState:
        """The widget state a browser sends for this action."""
        state = WidgetState(id=widget.id)
        if self.action == "click":
            state.trigger_value = True
        else:
            if not widget.options:
                raise ValueError(f"widget {widget.id} has no options")
            state.string_value = widget.options[self.option % len(widget.options)]
        return state


# The interaction of each page the issue names: a cooperation, the next tour stop, a filter on
# the examples page (colour by), another indicator on the demographics page. The programme page
# has no widget outside presenter mode, so its sessions only open it.
PAGE_INTERACTIONS: dict[str, Interaction | None] = {
    "": Interaction("click", "overview.pick."),
    "tour": Interaction("click", "tour.next"),
    "demografie": Interaction("choose", "demografie.indikator", 1),
    "beispiele": Interaction("choose", "beispiele.farbe", 1),
    "programm": None,
}
