"""``render.py --lanes N``: a race of N lanes on the real app, each lane fed at the given rate.

The same simulator process serves every lane (one connection each). redline's side is the
RedlineApp with the RaceScreen pushed: N transcripts side by side, each with its lane meter. The
baseline is N plain Textual ``Markdown`` widgets side by side, each written through its own
``MarkdownStream``, fed by N concurrent streams in the same run. Figures as in ``render.py``:
achieved tok/s is per lane (tokens over the time each lane streamed), fps over the whole race,
final lag from the last byte of any lane to the first frame showing everything received.
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path
from typing import Any

from textual.app import App, ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Markdown

from redline.agent.conversation import Conversation
from redline.agent.race import Race
from redline.backends.client import StreamClient
from redline.backends.events import TextDelta
from redline.backends.request import ChatRequest, Message
from redline.backends.selection import open_backend
from redline.tui.screens.race import RaceScreen

PROMPT = "Show me a long answer with prose and code."


async def run_redline_lanes(render: Any, url: str, tokens: int, lanes: int) -> tuple[Any, str]:
    """``render`` is the render.py module (its Run, hooks and sizes)."""
    run = render.Run()
    undo = render.count_bytes(run, reasoning=True)
    try:
        from redline.config import load_config
        from redline.tui.app import AppOptions, RedlineApp

        repo = Path(tempfile.mkdtemp(prefix="redline-bench-"))
        options = AppOptions(provider="sim", base_url=url, repo_root=repo)
        app = RedlineApp(options, config=load_config(repo), cursor_blink=False)
        async with app.run_test(size=render.SIZE):
            backends = [await open_backend("sim", None, url, None) for _ in range(lanes)]
            try:
                race = Race(backends, Conversation(), max_tokens=tokens)
                screen = RaceScreen(race, PROMPT, autostart=False)
                await app.push_screen(screen)
                views = screen.lane_views()
                run.displayed = lambda: sum(
                    v.buffer.shown_chars for view in views for v in view.transcript._turns
                )

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
    shown = [0]
    try:
        async with app.run_test(size=render.SIZE):
            for scroll in app.query(VerticalScroll):
                scroll.anchor()
            clients = [StreamClient(render._sim_preset(url), base_url=url) for _ in range(lanes)]
            for client in clients:
                await client.warm()
            markdowns = list(app.query(Markdown))
            for markdown in markdowns:
                _count_appends(markdown, shown)
            run.displayed = lambda: shown[0]

            async def lane(client: StreamClient, markdown: Markdown) -> None:
                stream = Markdown.get_stream(markdown)
                request = ChatRequest(
                    model="gpt-oss-120b", messages=(Message("user", PROMPT),), max_tokens=tokens
                )
                async for event in client.stream(request):
                    if isinstance(event, TextDelta):
                        await stream.write(event.text)
                await stream.stop()

            async def body() -> None:
                await asyncio.gather(*(lane(c, m) for c, m in zip(clients, markdowns, strict=True)))

            try:
                await render._measure(app, run, body)
            finally:
                for client in clients:
                    await client.aclose()
    finally:
        undo()
    return run


def _count_appends(markdown: Markdown, shown: list[int]) -> None:
    """Count text as shown once the Markdown widget has taken it in (as render.py does)."""
    append = markdown.append

    def counted_append(fragment: str) -> Any:
        pending = append(fragment)

        async def done() -> None:
            await pending
            shown[0] += len(fragment)

        return done()

    markdown.append = counted_append  # type: ignore[assignment, method-assign]
