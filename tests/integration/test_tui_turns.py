"""Turns in the real app over real loopback servers: streaming, interrupting, errors, switching."""

from __future__ import annotations

from pathlib import Path

from redline.backends.sim import SimServer
from redline.config import load_config
from redline.tui.app import RedlineApp
from redline.tui.widgets.prompt import PromptInput
from tests.helpers_tui import SIZE, RecordingServer, make_app, settle, wait_until


def streamed_tokens(app: RedlineApp) -> int:
    meter = app.session.turn_loop.meter if app.session.turn_loop is not None else None
    if meter is None:
        return 0
    reading = meter.reading()
    return reading.output_tokens - reading.reasoning_tokens  # answer tokens, not reasoning


class TestInterrupt:
    async def test_esc_mid_stream_keeps_the_partial_answer_marked_interrupted(self):
        sim = SimServer(rate=60, ttft_ms=0)
        url = await sim.start()
        try:
            app = make_app(provider=None, base_url=url)
            async with app.run_test(size=SIZE) as pilot:
                await settle(pilot)
                await pilot.press(*"explain this", "enter")
                turns = app.session.conversation.turns
                await wait_until(pilot, lambda: streamed_tokens(app) > 10)
                assert app.session.turn_running
                await pilot.press("escape")
                await wait_until(pilot, lambda: not app.session.turn_running)
                [turn] = turns
                assert turn.interrupted
                assert turn.text.startswith("*Simulated reply")
                assert turn.finish_reason is None
                # the app goes on: the next prompt streams normally
                await pilot.press(*"again", "enter")
                await wait_until(pilot, lambda: len(turns) == 2 and streamed_tokens(app) > 3)
                await pilot.press("escape")
                await wait_until(pilot, lambda: not app.session.turn_running)
        finally:
            await sim.stop()

    async def test_a_prompt_sent_while_streaming_is_queued_then_sent(self):
        sim = SimServer(rate=60, ttft_ms=0)
        url = await sim.start()
        try:
            app = make_app(provider=None, base_url=url)
            async with app.run_test(size=SIZE) as pilot:
                await settle(pilot)
                await pilot.press(*"one", "enter")
                await wait_until(pilot, lambda: app.session.turn_running)
                # typing while it streams (key by key is slow in Pilot while the app is busy)
                app.query_one(PromptInput).load_text("two")
                await pilot.press("tab")  # tab queues for after the turn
                assert app.session.queue == ["two"]
                await pilot.press("escape")  # stops "one"; "two" goes next
                turns = app.session.conversation.turns
                await wait_until(pilot, lambda: len(turns) == 2)
                await pilot.press("escape")
                await wait_until(pilot, lambda: not app.session.turn_running)
                assert [t.prompt for t in turns] == ["one", "two"]
                assert turns[0].interrupted
        finally:
            await sim.stop()


class TestErrors:
    async def test_a_401_shows_the_backends_sentence_and_the_app_keeps_running(self):
        sim = SimServer(ttft_ms=0)
        url = await sim.start()
        try:
            app = make_app(provider=None, base_url=url.replace("/v1", "/fault/401/v1"))
            async with app.run_test(size=SIZE) as pilot:
                await settle(pilot)
                await pilot.press(*"hello", "enter")
                await settle(pilot)
                [turn] = app.session.conversation.turns
                assert turn.error is not None and turn.error.kind == "auth"
                assert "HTTP 401" in turn.error.message
                assert "ctrl+b" in turn.error.message
                assert app.is_running
        finally:
            await sim.stop()

    async def test_a_missing_key_names_the_variable(self):
        app = make_app(provider="cerebras")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press(*"hello", "enter")
            await settle(pilot)
            [turn] = app.session.conversation.turns
            assert turn.error is not None
            assert "CEREBRAS_API_KEY" in turn.error.message
            assert "ctrl+b" in turn.error.message

    async def test_an_unknown_provider_is_a_turn_error_not_a_crash(self):
        app = make_app(provider="nonesuch")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert app.session.backend is None
            await pilot.press(*"hello", "enter")
            await settle(pilot)
            assert app.is_running
            assert "nonesuch" in (app.session.backend_error or "")


class TestSwitching:
    async def test_switching_mid_conversation_resends_the_history(self, tmp_path: Path):
        first, second = RecordingServer("from A"), RecordingServer("from B")
        url_a, url_b = await first.start(), await second.start()
        config_file = tmp_path / "config.toml"
        config_file.write_text(
            f'[providers.reca]\nbase_url = "{url_a}"\ndefault_model = "model-a"\n'
            f'[providers.recb]\nbase_url = "{url_b}"\ndefault_model = "model-b"\n'
        )
        config = load_config(None, user_path=config_file)
        try:
            app = make_app(provider="reca", config=config)
            async with app.run_test(size=SIZE) as pilot:
                await settle(pilot)
                await pilot.press(*"question one", "enter")
                await settle(pilot)
                await pilot.press(*"/backend recb", "enter")
                await wait_until(pilot, lambda: getattr(app.session.backend, "name", "") == "recb")
                await pilot.press(*"question two", "enter")
                await settle(pilot)
            [body] = second.bodies
            said = [(m["role"], m["content"].strip()) for m in body["messages"][1:]]
            assert said == [
                ("user", "question one"),
                ("assistant", "from A"),
                ("user", "question two"),
            ]
            assert body["model"] == "model-b"
            turns = app.session.conversation.turns
            assert [(t.provider, t.model) for t in turns] == [
                ("reca", "model-a"),
                ("recb", "model-b"),
            ]
        finally:
            await first.stop()
            await second.stop()

    async def test_model_switch_keeps_the_backend(self):
        server = RecordingServer("ok", models=("m-1", "m-2"))
        url = await server.start()
        try:
            app = make_app(provider=None, base_url=url)
            async with app.run_test(size=SIZE) as pilot:
                await settle(pilot)
                backend = app.session.backend
                await pilot.press(*"/model m-2", "enter")
                await pilot.press(*"hi", "enter")
                await settle(pilot)
                assert app.session.backend is backend
            assert server.bodies[-1]["model"] == "m-2"
        finally:
            await server.stop()


class TestFailedSwitch:
    async def test_switching_to_an_unknown_provider_keeps_the_current_one(self):
        app = make_app(provider="sim")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            backend = app.session.backend
            await pilot.press(*"/backend nonesuch", "enter")
            await settle(pilot)
            assert app.session.backend is backend
            assert app.session.backend_error is None
            assert any("Still using sim" in str(n.message) for n in app._notifications)


class BrokenClient:
    """A client with a bug: the stream raises something no backend should."""

    async def stream(self, request: object):
        raise ValueError("unexpected shape")
        yield  # pragma: no cover

    async def aclose(self) -> None:
        pass


class BrokenBackend:
    name = "broken"
    model = "m"
    reason = "test"
    client = BrokenClient()


class TestNoTraceback:
    async def test_a_bug_below_the_app_becomes_the_turns_error(self):
        async def opener(provider, model, base_url):
            return BrokenBackend()

        app = make_app(open_backend=opener)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press(*"hello", "enter")
            await settle(pilot)
            [turn] = app.session.conversation.turns
            assert turn.error is not None
            assert "ValueError: unexpected shape" in turn.error.message
            assert app.is_running


class TestTranscriptKeys:
    async def test_ctrl_r_opens_the_reasoning_and_page_keys_scroll(self):
        sim = SimServer(rate=1_000_000, ttft_ms=0)
        url = await sim.start()
        try:
            app = make_app(provider=None, base_url=url)
            async with app.run_test(size=SIZE) as pilot:
                await settle(pilot)
                await pilot.press(*"hello", "enter")
                await settle(pilot)
                app.transcript.flush()
                before = "\n".join(app.transcript.lines_text())
                await pilot.press("ctrl+r")
                app.transcript.flush()
                opened = "\n".join(app.transcript.lines_text())
                assert len(opened) > len(before)  # the reasoning text is now shown
                bottom = app.transcript.scroll_y
                await pilot.press("pageup")
                await pilot.pause()
                assert app.transcript.scroll_y < bottom
                assert app.query_one(PromptInput).has_focus  # typing goes on in the prompt
        finally:
            await sim.stop()
