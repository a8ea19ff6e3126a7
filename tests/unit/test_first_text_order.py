"""The first text's draw runs before the stream goes on: the loop's order, not a timing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field

from redline.agent.edit_watch import EditWatch
from redline.agent.step import StepAnswer, stream_step
from redline.backends.events import Event, Finished, TextDelta
from redline.backends.meter import SpeedMeter
from redline.backends.request import ChatRequest
from redline.tui.widgets.shared_frames import FrameTimer


async def test_a_frame_asked_for_at_once_runs_before_the_task_that_asked_resumes():
    order: list[str] = []
    timer = FrameTimer(1 / 60, lambda: order.append("draw"))

    async def stream() -> None:
        timer.schedule(now=True)
        await asyncio.sleep(0)  # one turn of the loop, as a read of buffered bytes takes
        order.append("next read")

    await stream()
    assert order == ["draw", "next read"]


async def test_a_later_frame_still_waits_for_its_time():
    order: list[str] = []
    timer = FrameTimer(10.0, lambda: order.append("draw"))
    timer.ticked()  # a frame was just drawn
    delay = timer.schedule()
    assert delay is not None and delay > 9.0
    await asyncio.sleep(0)
    assert order == []
    timer.schedule(now=True)  # the end of the stream: at once, replacing the later one
    await asyncio.sleep(0)
    assert order == ["draw"]


@dataclass
class _BufferedClient:
    """Every event is already read: the generator never suspends (bytes in the socket's
    buffer, as at thousands of tokens a second)."""

    pieces: list[str]

    async def stream(self, request: ChatRequest) -> AsyncGenerator[Event, None]:
        for piece in self.pieces:
            yield TextDelta(piece)
        yield Finished("stop")

    def supports_tools(self, model: str) -> bool:
        return True


@dataclass
class _Backend:
    client: _BufferedClient
    name: str = "test"
    model: str = "m"
    reason: str = ""
    closed: list[bool] = field(default_factory=list)

    async def aclose(self) -> None:
        self.closed.append(True)


async def test_the_stream_lets_the_first_texts_draw_run_before_it_parses_on():
    order: list[str] = []
    timer = FrameTimer(1 / 60, lambda: order.append("draw"))

    def sink(event: object) -> None:
        if isinstance(event, TextDelta):
            order.append(event.text)
            if event.text == "first":
                timer.schedule(now=True)  # what the transcript does for a turn's first text

    backend = _Backend(_BufferedClient(["first", "second", "third"]))
    answer = await stream_step(
        backend,  # type: ignore[arg-type]
        ChatRequest("m", ()),
        SpeedMeter(),
        EditWatch(lambda _m: None),
        sink,  # type: ignore[arg-type]
        StepAnswer(),
    )
    assert answer.text == "firstsecondthird"
    assert order[:3] == ["first", "draw", "second"]
