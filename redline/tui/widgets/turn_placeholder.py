"""Stand-in transcript until the streaming Transcript widget lands (then this file goes)."""

from __future__ import annotations

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from redline.backends.events import (
    Event,
    Finished,
    ReasoningDelta,
    StreamError,
    TextDelta,
    TextSnapshot,
)
from redline.tui.loop import Turn


class PlaceholderHandle:
    def __init__(self, body: Static, footer: Static) -> None:
        self._body = body
        self._footer = footer
        self._text = ""
        self._buffer: list[Event] = []
        self.meter: object = None

    def push(self, event: Event) -> None:
        self._buffer.append(event)

    def attach_meter(self, meter: object) -> None:
        self.meter = meter

    def drain(self) -> None:
        if not self._buffer:
            return
        events, self._buffer = self._buffer, []
        for event in events:
            if isinstance(event, TextDelta):
                self._text += event.text
            elif isinstance(event, TextSnapshot):
                self._text = event.text
            elif isinstance(event, ReasoningDelta | Finished):
                pass
            elif isinstance(event, StreamError):
                self._text += f"\n⚠ {event.message}"
        self._body.update(Text(self._text))

    def finish(self, turn: Turn) -> None:
        self.drain()
        self._text = turn.text
        if turn.error is not None:
            self._text += f"\n⚠ {turn.error.message}"
        self._body.update(Text(self._text))
        note = "interrupted" if turn.interrupted else (turn.finish_reason or "done")
        self._footer.update(Text(note, style="dim"))


class PlaceholderTranscript(VerticalScroll):
    DEFAULT_CSS = """
    PlaceholderTranscript { height: 1fr; }
    PlaceholderTranscript > .turn-header { color: $accent; margin-top: 1; }
    """

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self._handles: list[PlaceholderHandle] = []

    def on_mount(self) -> None:
        self.set_interval(1 / 30, self._drain)

    def flush(self) -> None:
        self._drain()

    def _drain(self) -> None:
        for handle in self._handles[-2:]:
            handle.drain()

    def start_turn(
        self, turn_id: object, prompt: str, provider: str, model: str
    ) -> PlaceholderHandle:
        header = Static(Text(f"› {prompt}\n  {provider} · {model}"), classes="turn-header")
        body = Static("")
        footer = Static("")
        self.mount_all([header, body, footer])
        handle = PlaceholderHandle(body, footer)
        self._handles.append(handle)
        self.scroll_end(animate=False)
        return handle

    def clear(self) -> None:
        self._handles.clear()
        self.remove_children()
