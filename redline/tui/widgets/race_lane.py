"""One lane of a race: its backend, its answer streaming in its own transcript, its meter and badges."""

from __future__ import annotations

import time

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from redline.agent.race import Lane
from redline.backends.meter import MeterReading
from redline.tui.stream_buffer import Clock
from redline.tui.widgets.meter import MeterBar, sparkline
from redline.tui.widgets.transcript import Transcript, TurnHandle

ORDINALS = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th"}


def lane_badges(lane: Lane, fastest: int | None) -> list[tuple[str, str]]:
    """(label, style) badges: first token, finish order, fastest decode, error or stopped."""
    badges: list[tuple[str, str]] = []
    if lane.first_token == 1:
        badges.append(("⚡ first token", "bold yellow"))
    if lane.finish is not None:
        badges.append((f"🏁 {ORDINALS.get(lane.finish, str(lane.finish))}", "bold green"))
    if fastest == lane.index:
        badges.append(("▲ fastest decode", "bold cyan"))
    if lane.error is not None:
        badges.append(("✗ error", "bold red"))
    elif lane.done and not lane.finished_ok:
        badges.append(("⏸ stopped", "yellow"))
    return badges


def lane_meter(lane: Lane, reading: MeterReading, fastest: int | None) -> Text:
    """Three short lines that fit a quarter of the screen: TTFT and tokens, rates, cost and badges."""
    text = Text(no_wrap=True, overflow="ellipsis")
    ttft = "…" if reading.ttft_ms is None else f"{reading.ttft_ms:,.0f} ms"
    tokens = f"{'' if reading.tokens_exact else '~'}{reading.output_tokens:,}"
    text.append("TTFT ", "dim")
    text.append(ttft)
    text.append(" · ", "dim")
    text.append(tokens)
    text.append(" tok", "dim")
    if reading.finished and reading.duration_ms:
        text.append(f" · {reading.duration_ms / 1000:.1f} s")
    text.append("\n")
    if not reading.finished and reading.live_tps is not None:
        text.append(f"{reading.live_tps:,.0f}", "bold")
        text.append(" tok/s · ", "dim")
    text.append("avg ", "dim")
    text.append("-" if reading.decode_tps is None else f"{reading.decode_tps:,.0f}")
    text.append(" tok/s ", "dim")
    text.append(sparkline(reading.rate_history, 10), "cyan")
    text.append("\n")
    text.append(lane.cost.label() if lane.cost is not None else "cost -", "bold")
    for label, style in lane_badges(lane, fastest):
        text.append("  ")
        text.append(label, style)
    return text


class LaneMeter(MeterBar):
    """The lane's meter: the transcript feeds it readings; the screen refreshes its badges."""

    DEFAULT_CSS = """
    LaneMeter {
        height: 3;
        padding: 0 1;
        color: $text-muted;
        background: $boost;
    }
    """

    def __init__(self, lane: Lane, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.lane = lane
        self.fastest: int | None = None
        self._reading = MeterReading()
        self._drawn: object = None

    def show(
        self, reading: MeterReading | None, lag_chars: int = 0, *, streaming: bool = True
    ) -> None:
        if reading is not None:
            self._reading = reading
        self.redraw()

    def redraw(self) -> None:
        lane = self.lane
        reading = lane.reading() if lane.done else self._reading
        key = (reading, lane.cost, lane.first_token, lane.finish, self.fastest, lane.done)
        if key == self._drawn:
            return
        self._drawn = key
        self.update(lane_meter(lane, reading, self.fastest), layout=False)


class RaceLaneView(Vertical):
    """A lane's column: header, transcript, meter."""

    DEFAULT_CSS = """
    RaceLaneView {
        width: 1fr;
        height: 1fr;
        border: round $primary 40%;
    }
    RaceLaneView.-chosen {
        border: round $success;
    }
    RaceLaneView > .lane-title {
        height: 1;
        padding: 0 1;
        text-style: bold;
    }
    RaceLaneView > Transcript {
        height: 1fr;
    }
    """

    def __init__(self, lane: Lane, *, display_clock: Clock = time.perf_counter) -> None:
        super().__init__(id=f"lane-{lane.index}")
        self.lane = lane
        self._clock = display_clock
        self.handle: TurnHandle | None = None

    def compose(self) -> ComposeResult:
        lane = self.lane
        title = Text(f"{lane.index + 1} ", style="bold reverse")
        title.append(f" {lane.provider}", style="bold")
        title.append(f" · {lane.model}", style="dim")
        yield Static(title, classes="lane-title")
        yield Transcript(clock=self._clock, pause_gc=False, warm_up=False)
        yield LaneMeter(lane)

    @property
    def transcript(self) -> Transcript:
        return self.query_one(Transcript)

    @property
    def meter(self) -> LaneMeter:
        return self.query_one(LaneMeter)
