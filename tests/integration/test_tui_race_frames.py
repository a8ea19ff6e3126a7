"""The race screen's lanes draw together: one frame clock, one polish budget, GC after the end.

The real app on the simulator (real HTTP over loopback) with the race screen pushed."""

from __future__ import annotations

import gc
from collections import Counter
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.strip import Strip

from redline.agent.conversation import Conversation
from redline.agent.race import Race
from redline.backends.events import TextDelta
from redline.tui.screens.race import RaceScreen
from redline.tui.widgets._parts import BlockPart
from redline.tui.widgets.shared_frames import SharedFrames
from redline.tui.widgets.transcript import Transcript
from tests.helpers_tui import make_app, settle, wait_until

PROMPT = "add a docstring"


async def _race_screen(app: Any, names: tuple[str, ...]) -> RaceScreen:
    backends = [await app.open_lane_backend(name) for name in names]
    screen = RaceScreen(Race(backends, Conversation()), PROMPT, autostart=False)
    await app.push_screen(screen)
    return screen


async def test_every_lane_is_drawn_in_the_same_frames(monkeypatch: pytest.MonkeyPatch) -> None:
    """No lane ticks on a timer of its own: each frame drains every lane, once."""
    ticks: list[tuple[int, int]] = []  # (lane transcript, frame number)
    lanes: list[Transcript] = []
    frames: list[SharedFrames] = []
    tick = Transcript._tick

    def counted(self: Transcript, *args: Any, **kwargs: Any) -> None:
        if self in lanes:
            ticks.append((lanes.index(self), frames[0].ticks))
        tick(self, *args, **kwargs)

    monkeypatch.setattr(Transcript, "_tick", counted)
    app = make_app(provider="sim")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = await _race_screen(app, ("sim", "sim:mercury", "sim:cerebras"))
        lanes.extend(view.transcript for view in screen.lane_views())
        frames.append(screen.frames)
        screen.start()
        await wait_until(pilot, lambda: screen.result is not None, timeout=30)
        await pilot.pause(0.1)
        assert all(view.transcript.lines_text() for view in screen.lane_views())
    per_lane = [[frame for lane, frame in ticks if lane == i] for i in range(3)]
    assert per_lane[0], "the lanes never ticked"
    assert per_lane[0] == per_lane[1] == per_lane[2]  # the same frames, every lane
    assert max(Counter(per_lane[0]).values()) == 1  # once a frame


class TwoLanes(App[None]):
    CSS = "Transcript { height: 1fr; }"

    def __init__(self) -> None:
        super().__init__()
        self.frames = SharedFrames(polish_budget_s=0.0)
        self.lanes = [Transcript(frames=self.frames, warm_up=False) for _ in range(2)]

    def compose(self) -> ComposeResult:
        yield from self.lanes


def _code_blocks(transcript: Transcript) -> list[BlockPart]:
    blocks = transcript._turns[0].blocks
    return [p for p in blocks if isinstance(p, BlockPart) and p.block.lang == "python"]


async def test_lanes_share_one_polish_budget_and_take_turns() -> None:
    app = TwoLanes()
    async with app.run_test(size=(80, 24)):
        block = "```python\ndef f():\n    return 1\n```\n\n"
        for lane in app.lanes:
            lane.start_turn(1, "code", "sim", "m").push(TextDelta(f"{block}and\n\n{block}end\n"))
        app.frames.tick()  # both drawn plain in one frame, their blocks waiting for polish
        (a1, a2), (b1, b2) = (_code_blocks(lane) for lane in app.lanes)
        assert not any(part.polished for part in (a1, a2, b1, b2))
        app.frames._polish_slice()  # no budget: one step, the first lane's
        assert a1.polished and not a2.polished and not b1.polished
        app.frames._polish_slice()  # the next slice starts with the other lane
        assert b1.polished and not a2.polished and not b2.polished
        app.frames._polish_slice()
        assert a2.polished and not b2.polished


async def test_the_race_leaves_no_cyclic_strips_and_gc_resumes_after_its_frames() -> None:
    seen: dict[str, object] = {}
    app = make_app(provider="sim")
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            screen = await _race_screen(app, ("sim", "sim:mercury"))
            ended = screen.race_ended

            def race_ended(result: Any) -> None:
                ended(result)
                seen["enabled"] = gc.isenabled()
                gc.set_debug(gc.DEBUG_SAVEALL)
                try:
                    gc.collect()
                    seen["strips"] = sum(1 for thing in gc.garbage if isinstance(thing, Strip))
                finally:
                    gc.set_debug(0)
                    gc.garbage.clear()

            screen.race_ended = race_ended  # type: ignore[method-assign]
            gc.collect()  # what start-up left (its first frames may come before the fix loads)
            screen.start()
            assert not gc.isenabled()  # paused while the lanes stream
            await wait_until(pilot, lambda: screen.result is not None, timeout=30)
            assert seen == {"enabled": False, "strips": 0}
            await wait_until(pilot, gc.isenabled)  # once the last frames are on screen
    finally:
        gc.enable()
