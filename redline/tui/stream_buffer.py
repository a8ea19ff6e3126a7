"""The per-turn buffer between the network task and the UI timer (DESIGN.md "Rendering").

The network side only calls ``push`` (a list append and an integer add, no widget call);
the transcript's ~30 Hz timer calls ``drain`` and renders everything it got at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from redline.backends.events import Event, ReasoningDelta, TextDelta, TextSnapshot

Clock = Callable[[], float]


class TurnBuffer:
    """Events of one turn waiting to be shown, and how far the display is behind."""

    __slots__ = ("_clock", "_pending", "_pending_since", "received_chars", "shown_chars")

    def __init__(self, clock: Clock = time.perf_counter) -> None:
        self._clock = clock
        self._pending: list[Event] = []
        self._pending_since: float | None = None
        self.received_chars = 0  # text and reasoning characters pushed so far
        self.shown_chars = 0  # of those, how many the last drain handed to the display

    def push(self, event: Event) -> None:
        """Called from the network task for every event: append only."""
        if not self._pending:
            self._pending_since = self._clock()
        self._pending.append(event)
        if isinstance(event, TextDelta | ReasoningDelta):
            self.received_chars += len(event.text)
        elif isinstance(event, TextSnapshot):
            self.received_chars = self.shown_chars + len(event.text)

    def drain(self) -> list[Event]:
        """Everything pushed since the last drain, in order; the display catches up."""
        events, self._pending = self._pending, []
        self._pending_since = None
        self.shown_chars = self.received_chars
        return events

    @property
    def lag_chars(self) -> int:
        """Characters received but not yet drained to the display."""
        return self.received_chars - self.shown_chars

    def pending_age(self) -> float:
        """Seconds the oldest undrained event has waited (0 when nothing waits)."""
        if self._pending_since is None:
            return 0.0
        return max(0.0, self._clock() - self._pending_since)

    def __len__(self) -> int:
        return len(self._pending)
