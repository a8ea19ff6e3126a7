"""A tiny app around the transcript and meter bar, and fixed inputs, for the render tests."""

from __future__ import annotations

from textual.app import App, ComposeResult

from redline.backends.meter import MeterReading
from redline.tui.widgets.meter import MeterBar
from redline.tui.widgets.transcript import Transcript


class FixedClock:
    """A clock that only moves when told to."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class FixedMeter:
    """Stands in for a SpeedMeter: returns whatever reading it was given."""

    def __init__(self, reading: MeterReading) -> None:
        self.current = reading

    def reading(self) -> MeterReading:
        return self.current


class TranscriptApp(App[None]):
    """The transcript filling the screen with a meter bar under it (no timer-driven ticks needed)."""

    CSS = "Screen { layout: vertical; } Transcript { height: 1fr; }"

    def __init__(self, *, max_cached_lines: int = 6000, tick_hz: float = 30.0) -> None:
        super().__init__()
        self.clock = FixedClock()
        self.transcript = Transcript(
            clock=self.clock, max_cached_lines=max_cached_lines, tick_hz=tick_hz
        )
        self.meter_bar = MeterBar()

    def compose(self) -> ComposeResult:
        yield self.transcript
        yield self.meter_bar

    def on_mount(self) -> None:
        self.theme = "textual-dark"
        self.transcript.bind_meter_bar(self.meter_bar)


LIVE_READING = MeterReading(
    ttft_ms=152.0,
    live_tps=2013.4,
    decode_tps=1998.2,
    e2e_tps=1800.0,
    server_tps=2100.0,
    output_tokens=1234,
    tokens_exact=False,
    duration_ms=800.0,
    rate_history=(0.0, 900.0, 1800.0, 2000.0, 2100.0, 1950.0, 2013.0),
)

FINAL_READING = MeterReading(
    ttft_ms=152.0,
    live_tps=None,
    decode_tps=1998.2,
    e2e_tps=1800.0,
    server_tps=2100.0,
    output_tokens=1502,
    tokens_exact=True,
    duration_ms=910.0,
    rate_history=(0.0, 900.0, 1800.0, 2000.0, 2100.0, 1950.0, 2013.0, 1990.0),
    finished=True,
)

ANSWER = """Here is the change you asked for. It keeps the **public API** as it was.

```python
def greet(name: str) -> str:
    return f"Hello, {name}!"
```

Then run the tests:

- `pytest -q`
- `ruff check .`
"""
