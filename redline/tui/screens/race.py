"""A race on screen: 2-4 lanes side by side, then the person keeps one answer (or none).

The screen runs the ``Race`` it is given: every lane's events go straight into that lane's
transcript buffer (cheap, on the network path); one frame clock for every lane (``SharedFrames``:
one timer, one frame with every lane's new text, one polish budget) drains them, and every
third tick refreshes the lane meters' badges. When every lane has ended, or on esc (which stops
the ones still streaming), the keys 1-4 (or a click on a lane) keep that answer; esc again keeps
none. The screen dismisses with the chosen lane's index; what happens to it (conversation,
review) is the caller's business.
"""

from __future__ import annotations

import asyncio
import gc
import importlib
import time

from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Static

from redline.agent.messages import AgentMessage, EditProposed, TurnFinished, TurnStarted
from redline.agent.race import Lane, Race, RaceResult
from redline.backends.events import StreamError
from redline.safety.terminal import one_line
from redline.tui.presenter import STREAM_EVENTS
from redline.tui.stream_buffer import Clock
from redline.tui.widgets.key_footer import KeyFooter
from redline.tui.widgets.race_lane import MEDIUM, RaceLaneView
from redline.tui.widgets.shared_frames import SharedFrames

TICK_HZ = 30.0  # the lanes' shared steady tick (new text is drawn sooner, see SharedFrames)
BADGES_EVERY = 3  # ticks between badge refreshes (~10 Hz)
GC_RESUMES_AFTER_S = 0.3  # after the race ended: past the lanes' final frames


class LaneShow:
    """One lane's messages into its transcript (cheap: the network path calls it)."""

    def __init__(self, view: RaceLaneView) -> None:
        self.view = view

    def __call__(self, message: AgentMessage) -> None:
        handle = self.view.handle
        if handle is None:
            return
        kind = type(message)
        if kind in STREAM_EVENTS or kind is StreamError:
            handle.push(message)  # type: ignore[arg-type]
        elif kind is EditProposed:
            from redline.tui.widgets.diff_card import diff_card  # GitPython: not at start

            block = message.block  # type: ignore[union-attr]
            card = diff_card(block, status="failed" if block.error else "proposed")
            handle.add_block(card, at=message.at)  # type: ignore[union-attr]
        elif kind is TurnStarted and message.meter is not None:  # type: ignore[union-attr]
            handle.attach_meter(message.meter)  # type: ignore[union-attr]
        elif kind is TurnFinished:
            handle.finish(message.turn)  # type: ignore[union-attr]


def edit_check(lane: Lane) -> Text | None:
    """Whether the lane's edits applied in its own worktree (None: no worktree or no edit)."""
    if lane.tree is None:
        return None
    if lane.edit_error:
        return Text(f"✗ edits do not apply: {one_line(lane.edit_error)}", style="bold red")
    if lane.commit:
        return Text("✓ edits apply cleanly", style="green")
    return None


class RaceScreen(Screen[int | None]):
    DEFAULT_CSS = """
    RaceScreen #race-title { height: 1; padding: 0 1; background: $primary 30%; }
    RaceScreen #lanes { height: 1fr; }
    RaceScreen #race-note { height: 1; padding: 0 1; color: $text-muted; }
    """
    BINDINGS = [
        Binding("escape", "stop_or_close", "Stop / keep none"),
        Binding("1", "keep(0)", "Keep 1", show=False),
        Binding("2", "keep(1)", "Keep 2", show=False),
        Binding("3", "keep(2)", "Keep 3", show=False),
        Binding("4", "keep(3)", "Keep 4", show=False),
    ]

    def __init__(
        self,
        race: Race,
        prompt: str,
        *,
        display_clock: Clock = time.perf_counter,
        autostart: bool = True,
    ) -> None:
        super().__init__()
        self.race = race
        self.prompt = prompt
        self.result: RaceResult | None = None
        self._clock = display_clock
        self._autostart = autostart
        self._gc_held = False
        self._checking = False
        self.frames = SharedFrames()

    def compose(self) -> ComposeResult:
        title = Text("Race ", style="bold")
        title.append(self.prompt.splitlines()[0] if self.prompt.strip() else "", style="")
        yield Static(title, id="race-title")
        with Horizontal(id="lanes"):
            for lane in self.race.lanes:
                yield RaceLaneView(lane, display_clock=self._clock, frames=self.frames)
        yield Static(
            self._note(Text("streaming… esc stops every lane", style="dim")), id="race-note"
        )
        yield KeyFooter()

    def _note(self, text: Text) -> Text:
        """The note under the lanes; with narrow lanes it names the badges they only draw."""
        lanes = max(1, len(self.race.lanes))
        if (self.app.size.width // lanes) - 4 < MEDIUM:
            text.append(" · ⚡ first token 🏁 finish ▲ fastest decode", style="dim")
        return text

    def on_mount(self) -> None:
        for view in self.lane_views():
            lane = view.lane
            transcript = view.transcript
            transcript.bind_meter_bar(view.meter)
            view.handle = transcript.start_turn(0, self.prompt, "", "")
            view.handle.attach_meter(lane)
        self.set_interval(1.0 / TICK_HZ, self._tick, name="race-frames")
        if self._autostart:
            self.call_after_refresh(self.start)  # the lanes' first frame is not on their clock

    def _tick(self) -> None:
        self.frames.tick()
        if self.frames.ticks % BADGES_EVERY == 0:
            self.refresh_badges()

    def lane_views(self) -> list[RaceLaneView]:
        return list(self.query(RaceLaneView))

    def start(self) -> None:
        self._hold_gc(True)
        self._run_race()

    @work(group="race", exclusive=True)
    async def _run_race(self) -> None:
        shows = [LaneShow(view) for view in self.lane_views()]
        # Diff cards import GitPython on first use: never inside the lanes' streams.
        await asyncio.to_thread(importlib.import_module, "redline.tui.widgets.diff_card")

        def sink(index: int, message: AgentMessage) -> None:
            shows[index](message)

        try:
            result = await self.race.run(self.prompt, sink=sink)
        except asyncio.CancelledError:
            result = self.race.result(interrupted=True)
        self.race_ended(result)

    def race_ended(self, result: RaceResult) -> None:
        """Every lane has ended: settle each transcript and offer the choice."""
        self.result = result
        # Collection resumes once the lanes' last frames are on screen: it first walks
        # everything the race allocated (tens of ms), which must not hold up those frames.
        self.set_timer(GC_RESUMES_AFTER_S, self._resume_gc, name="race-gc")
        for view in self.lane_views():
            lane = view.lane
            if view.handle is not None and lane.turn is None:  # stopped before it began
                from redline.agent.conversation import Turn

                view.handle.finish(Turn(self.prompt, lane.provider, lane.model, interrupted=True))
            if view.handle is not None:
                check = edit_check(lane)
                if check is not None:
                    view.handle.add_block(check)
        self.refresh_badges()
        keys = " ".join(str(i + 1) for i, lane in enumerate(result.lanes) if lane.turn)
        winner = result.winner
        lead = f"{winner.provider} finished first. " if winner is not None else "No lane finished. "
        note = Text(lead, style="bold")
        note.append(f"Keep one: {keys} or click · esc keeps none", style="dim")
        self.query_one("#race-note", Static).update(self._note(note), layout=False)

    def refresh_badges(self) -> None:
        if self.result is not None:
            fastest = self.result.fastest_decode
        else:
            fastest = self.race.fastest_decode_now()
            lanes = self.race.lanes
            trees = any(lane.tree is not None for lane in lanes)
            if trees and not self._checking and all(lane.done for lane in lanes):
                self._checking = True  # the lanes' edits are being applied in their worktrees
                note = Text("Every lane has ended; checking that each one's edits apply…")
                self.query_one("#race-note", Static).update(self._note(note), layout=False)
        for view in self.lane_views():
            view.meter.fastest = fastest
            view.meter.redraw()

    def _resume_gc(self) -> None:
        self._hold_gc(False)

    def _hold_gc(self, hold: bool) -> None:
        """No cyclic GC while lanes stream (a full collection can stall a frame by 100 ms+)."""
        if hold and not self._gc_held and gc.isenabled():
            gc.disable()
            self._gc_held = True
        elif not hold and self._gc_held:
            self._gc_held = False
            gc.enable()

    def on_unmount(self) -> None:
        self._hold_gc(False)
        self.race.cancel()

    def action_stop_or_close(self) -> None:
        if self.result is None:
            self.race.cancel()  # the worker ends with the partial lanes; the choice follows
            return
        self.dismiss(None)

    def action_keep(self, index: int) -> None:
        if self.result is None or index >= len(self.race.lanes):
            return
        lane = self.race.lanes[index]
        if lane.turn is None or not (lane.turn.text or lane.turn.error is None):
            self.notify("That lane has no answer to keep.", severity="warning")
            return
        for view in self.lane_views():
            view.set_class(view.lane.index == index, "-chosen")
        self.dismiss(index)

    def on_click(self, event: events.Click) -> None:
        widget = event.widget
        while widget is not None and not isinstance(widget, RaceLaneView):
            widget = widget.parent  # type: ignore[assignment]
        if isinstance(widget, RaceLaneView) and self.result is not None:
            self.action_keep(widget.lane.index)
