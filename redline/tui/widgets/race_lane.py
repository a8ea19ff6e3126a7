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
from redline.tui.widgets.shared_frames import SharedFrames
from redline.tui.widgets.transcript import Transcript, TurnHandle

ORDINALS = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th"}
SETTLED_SAMPLES = 3  # live-rate samples (0.2 s apart) before a mid-stream average is shown
WIDE = 44  # columns from which badges carry all their words
MEDIUM = 32  # from which they carry one word (narrower: symbols, the race note names them)


def lane_badges(lane: Lane, fastest: int | None, width: int = WIDE) -> list[tuple[str, str]]:
    """(label, style) badges: first token, finish order, fastest decode, error or stopped."""
    words = 2 if width >= WIDE else (1 if width >= MEDIUM else 0)
    badges: list[tuple[str, str]] = []
    if lane.first_token == 1:
        badges.append((("⚡", "⚡ first", "⚡ first token")[words], "bold yellow"))
    if lane.finish is not None:
        badges.append((f"🏁 {ORDINALS.get(lane.finish, str(lane.finish))}", "bold green"))
    if fastest == lane.index:
        badges.append((("▲", "▲ fastest", "▲ fastest decode")[words], "bold cyan"))
    if lane.error is not None:
        badges.append(("✗ error", "bold red"))
    elif lane.done and not lane.finished_ok:
        badges.append(("⏸ stopped", "yellow"))
    return badges


def _line() -> Text:
    return Text(no_wrap=True, overflow="ellipsis")


def lane_meter_lines(
    lane: Lane, reading: MeterReading, fastest: int | None, width: int = 80
) -> list[Text]:
    """Three lines that fit the lane's width, each cropped on its own (a long one never pushes
    the next out): the rate and time, TTFT and tokens, cost and badges."""
    speed = _line()
    live = not reading.finished and reading.live_tps is not None
    if live:
        speed.append(f"{reading.live_tps:,.0f}", "bold")
        speed.append(" tok/s", "dim")
    # An average over the first few chunks means nothing (two chunks 1 ms apart read 100k tok/s).
    settled = reading.finished or len(reading.rate_history) >= SETTLED_SAMPLES
    if not live or settled:
        speed.append(" · avg " if live else "avg ", "dim")
        shown = reading.decode_tps if settled else None
        speed.append("-" if shown is None else f"{shown:,.0f}")
        speed.append(" tok/s", "dim")
    if reading.finished and reading.duration_ms:
        speed.append(f" · {reading.duration_ms / 1000:.1f} s")
    room = width - speed.cell_len - 1
    if room >= 3:
        speed.append(" ")
        speed.append(sparkline(reading.rate_history, min(10, room)), "cyan")
    counts = _line()
    counts.append("TTFT ", "dim")
    counts.append("…" if reading.ttft_ms is None else f"{reading.ttft_ms:,.0f} ms")
    counts.append(" · ", "dim")
    counts.append(f"{'' if reading.tokens_exact else '~'}{reading.output_tokens:,}")
    counts.append(" tok", "dim")
    cost = _line()
    cost.append(lane.cost.label() if lane.cost is not None else "cost -", "bold")
    for label, style in lane_badges(lane, fastest, width):
        cost.append("  " if width >= WIDE else " ")
        cost.append(label, style)
    return [speed, counts, cost]


def lane_meter(lane: Lane, reading: MeterReading, fastest: int | None, width: int = 80) -> Text:
    """The lane meter's three lines as one text (for tests and plain output)."""
    return Text("\n").join(lane_meter_lines(lane, reading, fastest, width))


class LaneMeter(MeterBar):
    """The lane's meter: the transcript feeds it readings; the screen refreshes its badges."""

    DEFAULT_CSS = """
    LaneMeter {
        height: 3;
        padding: 0 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
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
        width = self.content_region.width or 80
        key = (reading, lane.cost, lane.first_token, lane.finish, self.fastest, lane.done, width)
        if key == self._drawn:
            return
        self._drawn = key
        self.update(lane_meter(lane, reading, self.fastest, width), layout=False)

    def on_resize(self) -> None:
        self.redraw()


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
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    RaceLaneView > Transcript {
        height: 1fr;
    }
    """

    def __init__(
        self,
        lane: Lane,
        *,
        display_clock: Clock = time.perf_counter,
        frames: SharedFrames | None = None,
    ) -> None:
        super().__init__(id=f"lane-{lane.index}")
        self.lane = lane
        self._clock = display_clock
        self._frames = frames
        self.handle: TurnHandle | None = None

    def compose(self) -> ComposeResult:
        lane = self.lane
        title = Text(no_wrap=True, overflow="ellipsis")
        title.append(f" {lane.index + 1} ", style="bold reverse")
        title.append(f" {lane.provider}", style="bold")
        title.append(f" · {lane.model}", style="dim")
        yield Static(title, classes="lane-title")
        yield Transcript(
            clock=self._clock, pause_gc=False, warm_up=False, chrome=False, frames=self._frames
        )
        yield LaneMeter(lane)

    @property
    def transcript(self) -> Transcript:
        return self.query_one(Transcript)

    @property
    def meter(self) -> LaneMeter:
        return self.query_one(LaneMeter)
