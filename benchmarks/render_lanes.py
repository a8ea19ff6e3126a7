"""``render.py --lanes N``: a race of N lanes on the real app, each lane fed at the given rate.

The same simulator process serves every lane (one connection each). redline's side is the
RedlineApp with the RaceScreen pushed: N transcripts side by side, each with its lane meter. The
baseline is N plain Textual ``Markdown`` widgets side by side, each written through its own
``MarkdownStream``, fed by N concurrent streams in the same run. Figures as in ``render.py``:
achieved tok/s is per lane (tokens over the time each lane streamed), fps over the whole race
(every frame handed to the terminal, whatever it changed), ``lane_fps`` the slowest lane's frames
that showed new text of it (four lanes drawn in four frames count four frames, but one each), final
lag from the last byte of any lane to the first frame showing everything received.
"""

from __future__ import annotations

import asyncio
from typing import Any

from textual.app import App, ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Markdown

from redline.agent.conversation import Conversation
from redline.agent.race import Race
from redline.backends.selection import open_backend
from redline.tui.screens.race import RaceScreen


async def run_redline_lanes(render: Any, url: str, tokens: int, lanes: int) -> tuple[Any, str]:
    """``render`` is the render.py module (its Run, hooks, sizes and set-up)."""
    run = render.Run()
    undo = render.count_bytes(run, reasoning=True)
    try:
        app = render._full_app(url)
        async with app.run_test(size=render.SIZE):
            backends = [await open_backend("sim", None, url, None) for _ in range(lanes)]
            try:
                race = Race(backends, Conversation(), max_tokens=tokens)
                screen = RaceScreen(race, render.PROMPT, autostart=False)
                await app.push_screen(screen)
                run.lanes = [_lane_shown(view.transcript) for view in screen.lane_views()]
                run.displayed = lambda: sum(lane() for lane in run.lanes)

                async def body() -> None:
                    screen.start()
                    while screen.result is None:
                        await asyncio.sleep(0.01)

                await render._measure(app, run, body)
            finally:
                for backend in backends:
                    await backend.aclose()
    finally:
        undo()
    return run, f"RedlineApp + RaceScreen, {lanes} lanes"


class MarkdownLanes(App[None]):
    CSS = "Horizontal { height: 1fr; } VerticalScroll { width: 1fr; height: 1fr; }"

    def __init__(self, lanes: int) -> None:
        super().__init__()
        self.lanes = lanes

    def compose(self) -> ComposeResult:
        with Horizontal():
            for _ in range(self.lanes):
                with VerticalScroll():
                    yield Markdown()


async def run_baseline_lanes(render: Any, url: str, tokens: int, lanes: int) -> Any:
    run = render.Run()
    undo = render.count_bytes(run, reasoning=False)
    app = MarkdownLanes(lanes)
    shown = [0] * lanes
    try:
        async with render.stock_textual(), app.run_test(size=render.SIZE):
            for scroll in app.query(VerticalScroll):
                scroll.anchor()
            clients = await render.baseline_clients(url, lanes)
            markdowns = list(app.query(Markdown))
            for index, markdown in enumerate(markdowns):
                render.count_appends(markdown, shown, index)
            run.lanes = [lambda index=index: shown[index] for index in range(lanes)]
            run.displayed = lambda: sum(shown)

            async def body() -> None:
                await asyncio.gather(
                    *(
                        render.stream_markdown(client, markdown, tokens)
                        for client, markdown in zip(clients, markdowns, strict=True)
                    )
                )

            try:
                await render._measure(app, run, body)
            finally:
                for client in clients:
                    await client.aclose()
    finally:
        undo()
    return run


def _lane_shown(transcript: Any) -> Any:
    return lambda: sum(view.buffer.shown_chars for view in transcript._turns)
