"""What the code running a turn holds: push events, attach the meter, add cards, finish.

Part of the transcript widget (``Transcript.start_turn`` returns one); see its module's
docstring for the contract.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.console import RenderableType
from textual.strip import Strip

from redline.agent import Turn
from redline.backends.events import Event, Finished, StreamError
from redline.tui import frame_trace
from redline.tui.widgets._turn_view import ExtraPart, MeterSource, TurnView
from redline.tui.widgets.edit_summary import FileCount

if TYPE_CHECKING:
    from redline.tui.widgets.transcript import Transcript


# The stream's last events: nothing more comes from the model for this answer (the turn may
# still run tools, or end a few milliseconds later once the loop has wound up).
_ENDS = frozenset({Finished, StreamError})


class TurnHandle:
    """What the code running a turn holds: push events, attach the meter, finish."""

    __slots__ = ("_texted", "_transcript", "_view")

    def __init__(self, transcript: Transcript, view: TurnView) -> None:
        self._transcript = transcript
        self._view = view
        self._texted = False  # the turn's first text has been pushed

    @property
    def turn_id(self) -> object:
        return self._view.turn_id

    def push(self, event: Event) -> None:
        """Buffer one stream event (cheap; safe to use as the turn loop's sink)."""
        buffer = self._view.buffer
        if frame_trace.on:
            frame_trace.mark("push", len(getattr(event, "text", "") or ""))
        if not self._texted and getattr(event, "text", None):
            # The turn's first text: drawn at once, not a frame after the last tick (the
            # meter's ticks while waiting for it must not delay it).
            self._texted = True
            buffer.push(event)
            self._transcript._draw_soon(now=True)
            return
        if type(event) in _ENDS:  # the answer's end: its last text drawn now, not a frame on
            buffer.push(event)
            self._transcript._draw_soon(now=True)
            return
        if not buffer:  # the first event since the last drain: draw it within a frame
            self._transcript._draw_soon()
        buffer.push(event)

    def attach_meter(self, meter: MeterSource) -> None:
        """Poll ``meter.reading()`` every tick while the turn streams."""
        self._view.meter = meter

    def finish(self, turn: Turn) -> None:
        """The stream is over; the next tick shows ``turn``'s final state."""
        self._view.pending_finish = turn
        self._transcript._wake(self._view)
        self._transcript._draw_soon(now=True)

    def add_block(self, content: RenderableType | list[Strip], *, at: int | None = None) -> None:
        """Append a block (a rich renderable or ready strips) after the text so far.

        ``at``: where it belongs in the answer text (an edit card), for a diffusing answer."""
        self._push_part(ExtraPart.of(content), at)

    def add_card(
        self,
        card: Callable[[str], RenderableType],
        status: str,
        count: FileCount | None,
        *,
        at: int | None = None,
    ) -> ExtraPart:
        """An edit card drawn by ``card(status)``; ``set_status`` draws it again in place."""
        part = ExtraPart.of(card(status))
        part.card, part.count, part.status = card, count, status
        self._push_part(part, at)
        return part

    def set_status(self, part: ExtraPart, status: str) -> None:
        part.show_status(status)
        self._view.dirty = True
        self._transcript._wake(self._view)
        self._transcript._draw_soon()

    def _push_part(self, part: ExtraPart, at: int | None) -> None:
        # Through the buffer, so the block lands after exactly the text received before it,
        # however the drains happen to fall (a busy machine drains bigger batches).
        buffer = self._view.buffer
        part.anchor = at
        buffer.push(part)  # type: ignore[arg-type]
        self._transcript._wake(self._view)
        self._transcript._draw_soon()
