"""From Enter until the request is on the wire the app draws no frame (at most FRAME_HOLD_S)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

import redline.tui.app as app_module
from redline.backends.sim import SimServer
from tests.helpers_race import ScriptedClient, answer
from tests.helpers_tui import SIZE, make_app, settle, wait_until


def record_frames(app: Any, marks: list[str]) -> None:
    screen = app.screen
    refresh = screen._compositor_refresh

    def counted() -> None:
        marks.append("frame")
        refresh()

    screen._compositor_refresh = counted


class TestFrameHold:
    async def test_the_request_is_written_before_the_first_frame_after_enter(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(app_module, "FRAME_HOLD_S", 30.0)  # only the request releases it
        sim = SimServer(rate=2000, ttft_ms=20)
        url = await sim.start()
        try:
            app = make_app(provider=None, base_url=url)
            async with app.run_test(size=SIZE) as pilot:
                await settle(pilot)
                await pilot.press(*"explain this")
                await pilot.pause(0.1)
                client = app.session.backend.client
                marks: list[str] = []
                record_frames(app, marks)
                original = client._open

                async def opened(*args: Any, **kwargs: Any) -> Any:
                    hook = client.written_hook
                    if hook is not None:

                        def written() -> None:
                            marks.append("written")
                            hook()

                        client.written_hook = written
                    return await original(*args, **kwargs)

                client._open = opened
                await pilot.press("enter")
                await wait_until(pilot, lambda: bool(app.session.conversation.turns))
                await wait_until(pilot, lambda: not app.session.turn_running)
                assert "written" in marks and "frame" in marks
                assert marks.index("written") < marks.index("frame")
                assert app._batch_count == 0
                assert client.written_hook is None
        finally:
            await sim.stop()

    async def test_a_request_that_never_leaves_holds_the_screen_only_briefly(self) -> None:
        stuck = ScriptedClient(answer(5, "Stuck"), hold_after=0)
        stuck.written_hook = None  # type: ignore[attr-defined]  # never called: never written

        class StuckBackend:
            name = "stuck"
            model = "m"
            reason = "test"
            client = stuck

        async def opener(provider: Any, model: Any, base_url: Any) -> Any:
            return StuckBackend()

        app = make_app(open_backend=opener)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press(*"hello", "enter")
            await wait_until(pilot, lambda: stuck.held.is_set())
            await wait_until(pilot, lambda: app._batch_count == 0)  # the hold timed out
            assert app.session.turn_running  # while the turn still waits for its request
            stuck.release.set()
            await wait_until(pilot, lambda: not app.session.turn_running)
            await asyncio.sleep(0)
            [turn] = app.session.conversation.turns
            assert "Stuck" in turn.text

    async def test_what_changed_since_enter_is_drawn_once_the_request_is_written(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The screen skipped its idle while held: releasing must wake it, or the new turn
        (and everything else since Enter) waits for the next refresh, at worst the first text's."""
        monkeypatch.setattr(app_module, "FRAME_HOLD_S", 30.0)  # only the request releases it

        class WritesThenWaits(ScriptedClient):
            written_hook: Any = None
            written = False
            sending = asyncio.Event()  # the request is being sent
            send = asyncio.Event()  # the test lets it go once the app is quiet

            async def stream(self, request: Any) -> Any:
                self.sending.set()
                await self.send.wait()
                if self.written_hook is not None:
                    self.written = True
                    self.written_hook()  # the request is on the wire; the answer has not come
                async for event in super().stream(request):
                    yield event

        client = WritesThenWaits(answer(5, "Later"), hold_after=0)

        class Waiting:
            name = "waiting"
            model = "m"
            reason = "test"

        Waiting.client = client  # type: ignore[attr-defined]

        async def opener(provider: Any, model: Any, base_url: Any) -> Any:
            return Waiting()

        app = make_app(open_backend=opener)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press(*"hello")
            await pilot.pause()
            drawn = asyncio.Event()
            screen = app.screen
            refresh = screen._compositor_refresh

            def counted() -> None:
                if client.written:
                    drawn.set()
                refresh()

            screen._compositor_refresh = counted
            await pilot.press("enter")
            # No pilot.pause from here: it would draw a frame itself. The screen must.
            await asyncio.wait_for(client.sending.wait(), 10)
            await pilot._wait_for_screen()  # all since Enter is handled: the screen idled, held
            client.send.set()
            await asyncio.wait_for(client.held.wait(), 10)
            await asyncio.wait_for(drawn.wait(), 10)
            assert not client.release.is_set()  # drawn with no text come yet
            assert app._batch_count == 0
            client.release.set()
            await wait_until(pilot, lambda: not app.session.turn_running)
