"""Rendering throughput: the real transcript, headless, fed by the simulator at a given rate.

The simulator runs in its own process (``redline sim``), so it does not share a GIL with the
app. The stream goes through redline's real StreamClient and TurnLoop into the app's
Transcript (the full RedlineApp when it mounts the Transcript, else a small app with the
Transcript and MeterBar; ``"app"`` in the output says which). The baseline is the same
stream, in the same run, written into a plain Textual ``Markdown`` through
``Markdown.get_stream`` (``MarkdownStream``) inside a scrolling container, on Textual as it
ships (redline's fix to ``Strip.divide``, see ``redline/tui/strip_cycles.py``, is taken out for
the baselines).

Frames are counted where Textual hands a compositor update to the driver (``App._display``);
headless Textual skips encoding them, so the hook encodes each frame as a terminal driver
would. Stalls come from a 5 ms asyncio ticker (its overshoot). Final lag is the time from the
last text received to the first frame on which everything received is on screen.

Usage: python benchmarks/render.py [--rate 20000] [--tokens 20000] [--turns 1] [--lanes N]
       [--no-baseline]   (--lanes 2-4: a race, each lane at --rate; see render_lanes.py)
Prints one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from textual._compositor import CompositorUpdate  # noqa: E402
from textual.app import App, ComposeResult  # noqa: E402
from textual.containers import VerticalScroll  # noqa: E402
from textual.widgets import Markdown  # noqa: E402

from redline.agent import Conversation, TurnFinished, TurnLoop, TurnStarted  # noqa: E402
from redline.backends.client import StreamClient  # noqa: E402
from redline.backends.events import Event, ReasoningDelta, TextDelta, Usage  # noqa: E402
from redline.backends.request import ChatRequest, Message  # noqa: E402
from redline.backends.selection import open_backend  # noqa: E402
from redline.tui import strip_cycles  # noqa: E402
from redline.tui.presenter import TurnPresenter  # noqa: E402
from redline.tui.widgets.meter import MeterBar  # noqa: E402
from redline.tui.widgets.transcript import Transcript  # noqa: E402

SIZE = (120, 40)
PROMPT = "Show me a long answer with prose and code."


@dataclass
class Run:
    """What one side of the benchmark saw."""

    frames: list[float] = field(default_factory=list)
    first_byte: float | None = None
    last_byte: float | None = None
    received: int = 0  # characters received (text, plus reasoning when the view shows it)
    displayed: Callable[[], int] = lambda: 0
    caught_up_at: float | None = None  # first frame of the final all-shown streak
    _caught_up_chars: int = 0
    max_stall: float = 0.0
    segments: list[list[float]] = field(default_factory=list)  # [first, last] byte per turn
    cpu_s: float = 0.0  # this process's CPU time while streaming and catching up
    tokens: int = 0  # exact, from each stream's usage
    # A race: each lane's displayed characters, and the frames that showed new text of it.
    lanes: list[Callable[[], int]] = field(default_factory=list)
    lane_frames: list[list[float]] = field(default_factory=list)
    _lane_shown: list[int] = field(default_factory=list)

    @property
    def streaming_s(self) -> float:
        return sum(last - first for first, last in self.segments)

    def frame(self) -> None:
        now = time.perf_counter()
        self.frames.append(now)
        received = self.received
        if received and self.displayed() >= received:
            # A new streak when more text arrived since the last all-shown frame.
            if self.caught_up_at is None or self._caught_up_chars != received:
                self.caught_up_at = now
                self._caught_up_chars = received
        else:
            self.caught_up_at = None
        if len(self._lane_shown) != len(self.lanes):
            self._lane_shown = [0] * len(self.lanes)
            self.lane_frames = [[] for _ in self.lanes]
        for index, lane in enumerate(self.lanes):
            shown = lane()
            if shown != self._lane_shown[index]:
                self._lane_shown[index] = shown
                self.lane_frames[index].append(now)

    def summary(self) -> dict[str, float | None]:
        first, last = self.first_byte or 0.0, self.last_byte or 0.0
        end = self.caught_up_at or last
        frames = [t for t in self.frames if first <= t <= end]
        span = max(end - first, 1e-9)
        figures: dict[str, float | None] = {
            "achieved_tps": round(self.tokens / self.streaming_s, 1) if self.streaming_s else None,
            "fps": round(len(frames) / span, 1),
            "final_lag_ms": round((end - last) * 1000, 1) if self.caught_up_at else None,
            "max_stall_ms": round(self.max_stall * 1000, 1),
            "cpu_s": round(self.cpu_s, 2),
        }
        if self.lane_frames:
            # A frame that draws one lane's new text counts for that lane only: the slowest
            # lane's rate is what a person watching every lane sees.
            shown = [len([t for t in lane if first <= t <= end]) for lane in self.lane_frames]
            figures["lane_fps"] = round(min(shown) / span, 1)
        return figures


def start_sim(rate: float) -> tuple[subprocess.Popen[str], str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    command = [sys.executable, "-m", "redline", "sim", "--profile", "cerebras"]
    command += ["--rate", str(rate), "--ttft", "150"]
    proc = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    return proc, line.rsplit(" at ", 1)[1].strip()


def count_bytes(run: Run, *, reasoning: bool) -> Callable[[], None]:
    """Time every delta the real client yields (patched for this run; returns the undo)."""
    original = StreamClient.stream

    def stream(self: StreamClient, request: ChatRequest) -> AsyncIterator[Event]:
        async def timed() -> AsyncIterator[Event]:
            segment: list[float] = []
            usage = 0
            try:
                async for event in original(self, request):
                    kind = type(event)
                    if kind is TextDelta or (reasoning and kind is ReasoningDelta):
                        now = time.perf_counter()
                        run.first_byte = run.first_byte or now
                        run.last_byte = now
                        run.received += len(event.text)  # type: ignore[union-attr]
                        if not segment:
                            segment[:] = [now, now]
                            run.segments.append(segment)
                        segment[1] = now
                    elif kind is Usage:
                        usage = event.completion_tokens or usage  # type: ignore[union-attr]
                    yield event
            finally:
                run.tokens += usage

        return timed()

    StreamClient.stream = stream  # type: ignore[method-assign]

    def undo() -> None:
        StreamClient.stream = original  # type: ignore[method-assign]

    return undo


def hook_frames(app: App[Any], run: Run) -> None:
    """Count frames at the driver hand-off and encode them as a real terminal driver would."""
    display = app._display

    def counted(screen: Any, renderable: Any) -> None:
        if renderable is not None and not app._batch_count:
            if isinstance(renderable, CompositorUpdate):
                renderable.render_segments(app.console)
            run.frame()
        display(screen, renderable)

    app._display = counted  # type: ignore[method-assign]


async def stall_probe(run: Run, stop: asyncio.Event) -> None:
    while not stop.is_set():
        started = time.perf_counter()
        await asyncio.sleep(0.005)
        run.max_stall = max(run.max_stall, time.perf_counter() - started - 0.005)


class TranscriptHarness(App[None]):
    """The transcript and meter bar alone (used while the full app does not mount them)."""

    CSS = "Transcript { height: 1fr; }"

    def compose(self) -> ComposeResult:
        yield Transcript()
        yield MeterBar()

    def on_mount(self) -> None:
        self.query_one(Transcript).bind_meter_bar(self.query_one(MeterBar))


def _full_app(url: str) -> App[Any] | None:
    """The real RedlineApp on the simulator (in an empty temp folder), or None if it will not
    import."""
    try:
        from redline.config import load_config
        from redline.tui.app import AppOptions, RedlineApp
    except ImportError:
        return None
    repo = Path(tempfile.mkdtemp(prefix="redline-bench-"))
    options = AppOptions(provider="sim", base_url=url, repo_root=repo, tools=False)
    return RedlineApp(options, config=load_config(repo), cursor_blink=False)


async def run_redline(url: str, tokens: int, turns: int) -> tuple[Run, str]:
    run = Run()
    undo = count_bytes(run, reasoning=True)
    label = "RedlineApp"
    try:
        app = _full_app(url)
        use_harness = app is None
        if app is not None:
            async with app.run_test(size=SIZE):
                if isinstance(getattr(app, "transcript", None), Transcript):
                    await _drive_full_app(app, run, tokens, turns)
                else:
                    use_harness = True
        if use_harness:
            label = "Transcript+MeterBar harness (RedlineApp does not mount the Transcript yet)"
            harness = TranscriptHarness()
            async with harness.run_test(size=SIZE):
                await _drive_harness(harness, url, run, tokens, turns)
    finally:
        undo()
    return run, label


async def _measure(app: App[Any], run: Run, body: Callable[[], Any]) -> None:
    hook_frames(app, run)
    stop = asyncio.Event()
    probe = asyncio.create_task(stall_probe(run, stop))
    cpu = time.process_time()
    try:
        await body()
        # Let the final frames land (the display may still be catching up).
        deadline = time.perf_counter() + 3.0
        while run.caught_up_at is None and time.perf_counter() < deadline:
            await asyncio.sleep(0.01)
        run.cpu_s = time.process_time() - cpu
        await asyncio.sleep(0.1)
    finally:
        stop.set()
        await probe


async def _drive_harness(
    app: TranscriptHarness, url: str, run: Run, tokens: int, turns: int
) -> None:
    transcript = app.query_one(Transcript)
    backend = await open_backend("sim", None, url, None)
    loop = TurnLoop(backend, Conversation(), max_tokens=tokens // turns)
    run.displayed = lambda: sum(v.buffer.shown_chars for v in transcript._turns)

    show = TurnPresenter(transcript, lambda notice: None)  # what the app does with messages

    async def body() -> None:
        for index in range(turns):
            meter = loop.live_meter()
            show(TurnStarted(index + 1, PROMPT, backend.name, backend.model, meter))
            show(TurnFinished(await loop.run(PROMPT, sink=show)))

    try:
        await _measure(app, run, body)
    finally:
        await backend.client.aclose()


async def _drive_full_app(app: Any, run: Run, tokens: int, turns: int) -> None:
    await app.session.wait_ready()
    app.session.max_tokens = tokens // turns  # the session builds its loop on the first turn
    transcript: Transcript = app.transcript
    run.displayed = lambda: sum(v.buffer.shown_chars for v in transcript._turns)

    async def body() -> None:
        for _ in range(turns):
            before = len(app.session.conversation.turns)
            app.handle_prompt(PROMPT)
            while len(app.session.conversation.turns) == before or app.session.turn_running:
                await asyncio.sleep(0.01)

    await _measure(app, run, body)


class MarkdownBaseline(App[None]):
    CSS = "VerticalScroll { height: 1fr; }"

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Markdown()


async def run_baseline(url: str, tokens: int, turns: int) -> Run:
    run = Run()
    undo = count_bytes(run, reasoning=False)
    app = MarkdownBaseline()
    shown = [0]
    try:
        async with stock_textual(), app.run_test(size=SIZE):
            app.query_one(VerticalScroll).anchor()
            (client,) = await baseline_clients(url, 1)
            markdown = app.query_one(Markdown)
            count_appends(markdown, shown)
            run.displayed = lambda: shown[0]

            async def body() -> None:
                for _ in range(turns):
                    await stream_markdown(client, markdown, tokens // turns)

            try:
                await _measure(app, run, body)
            finally:
                await client.aclose()
    finally:
        undo()
    return run


@contextlib.asynccontextmanager
async def stock_textual() -> AsyncIterator[None]:
    """The baselines run on Textual as it ships: without redline's fix to ``Strip.divide``."""
    strip_cycles.uninstall()
    try:
        yield
    finally:
        strip_cycles.install()


async def baseline_clients(url: str, count: int) -> list[StreamClient]:
    clients = [StreamClient(_sim_preset(url), base_url=url) for _ in range(count)]
    for client in clients:
        await client.warm()
    return clients


async def stream_markdown(client: StreamClient, markdown: Markdown, tokens: int) -> None:
    """One answer from the simulator, written into ``markdown`` through its MarkdownStream."""
    stream = Markdown.get_stream(markdown)
    request = ChatRequest(
        model="gpt-oss-120b", messages=(Message("user", PROMPT),), max_tokens=tokens
    )
    async for event in client.stream(request):
        if isinstance(event, TextDelta):
            await stream.write(event.text)
    await stream.stop()


def count_appends(markdown: Markdown, shown: list[int], index: int = 0) -> None:
    """Count text as shown (in ``shown[index]``) once the Markdown widget has taken it in."""
    append = markdown.append

    def counted_append(fragment: str) -> Any:
        pending = append(fragment)

        async def done() -> None:
            await pending
            shown[index] += len(fragment)

        return done()

    markdown.append = counted_append  # type: ignore[assignment, method-assign]


def _sim_preset(url: str) -> Any:
    import dataclasses

    from redline.backends.presets import PRESETS

    return dataclasses.replace(PRESETS["sim"], base_url=url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rate", type=float, default=20000.0)
    parser.add_argument("--tokens", type=int, default=20000)
    parser.add_argument("--turns", type=int, default=1, help="split the tokens over turns")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--lanes", type=int, default=1, help="race N lanes (2-4), each at --rate")
    args = parser.parse_args()
    proc, url = start_sim(args.rate)
    try:
        if args.lanes > 1:
            import render_lanes

            this = sys.modules[__name__]
            redline, label = asyncio.run(
                render_lanes.run_redline_lanes(this, url, args.tokens, args.lanes)
            )
            peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            baseline = (
                None
                if args.no_baseline
                else asyncio.run(
                    render_lanes.run_baseline_lanes(this, url, args.tokens, args.lanes)
                )
            )
        else:
            redline, label = asyncio.run(run_redline(url, args.tokens, args.turns))
            peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            baseline = (
                None
                if args.no_baseline
                else asyncio.run(run_baseline(url, args.tokens, args.turns))
            )
    finally:
        proc.terminate()
        proc.wait(10)
    result: dict[str, Any] = {"rate": args.rate, "tokens": args.tokens}
    result.update(redline.summary())
    result["peak_rss_mb"] = round(peak_rss_mb, 1)
    result["baseline"] = baseline.summary() if baseline else None
    result["app"] = label
    result["turns"] = args.turns
    result["lanes"] = args.lanes
    result["machine"] = (
        f"{platform.machine()}, {os.cpu_count()} cpus, Python {platform.python_version()}"
    )
    result["load_average_1m"] = round(os.getloadavg()[0], 2)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
