"""The speed meter (DESIGN.md "The meter"): pure code with an injected clock.

Owner: the simulator/meter work. ``MeterReading`` is the contract the TUI, ``exec --json``
and the benchmarks read; its fields may grow but not change meaning.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from redline.backends.events import Event

Clock = Callable[[], float]


@dataclass(slots=True, frozen=True)
class MeterReading:
    """One consistent look at the meter. Rates in tokens/s, times in ms."""

    ttft_ms: float | None = None
    live_tps: float | None = None  # sliding ~1 s window
    decode_tps: float | None = None  # (N - 1) / (t_last - t_first)
    e2e_tps: float | None = None  # N / (t_end - t0)
    server_tps: float | None = None  # what the server reported, when it did
    output_tokens: int = 0  # completion tokens (answer + reasoning)
    tokens_exact: bool = False  # False: an estimate, shown with "~"
    reasoning_tokens: int = 0
    prompt_tokens: int | None = None
    duration_ms: float = 0.0
    rate_history: tuple[float, ...] = ()  # live rate samples over the turn, for a sparkline
    finished: bool = False


class SpeedMeter:
    """Feed it every event of one request; read it at any time."""

    def __init__(self, clock: Clock = time.perf_counter) -> None:
        self._clock = clock

    def request_sent(self) -> None:
        """Mark t0: the request has left."""
        raise NotImplementedError

    def feed(self, event: Event) -> None:
        """Account for one event at the clock's current time."""
        raise NotImplementedError

    def finish(self) -> None:
        """Mark the end of the stream (normal, error or interrupt)."""
        raise NotImplementedError

    def reading(self) -> MeterReading:
        raise NotImplementedError
