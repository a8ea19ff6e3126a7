"""Sessions from the app: each finished turn is on disk; --resume brings the conversation back."""

from __future__ import annotations

from pathlib import Path

from redline.agent.store import SessionStore
from redline.backends.sim import SimServer
from redline.tui.widgets.prompt import PromptInput
from tests.helpers_tui import SIZE, make_app, settle


class TestSessions:
    async def test_turns_are_saved_and_a_resumed_session_continues(self, tmp_path: Path):
        store = SessionStore(tmp_path / "sessions")
        with SimServer(rate=1_000_000, ttft_ms=0) as sim:
            app = make_app(provider=None, base_url=sim.base_url, sessions=store)
            async with app.run_test(size=SIZE) as pilot:
                await settle(pilot)
                await pilot.press(*"first question", "enter")
                await settle(pilot)
                [info] = store.list()
                assert info.turns == 1  # on disk as soon as the turn ended
                assert info.title == "first question"

            resumed = store.load("last")
            again = make_app(provider=None, base_url=sim.base_url, sessions=store, resumed=resumed)
            async with again.run_test(size=SIZE) as pilot:
                await settle(pilot)
                assert again.transcript.turn_count == 1
                await pilot.press("up")  # the old prompt is in the history
                assert again.query_one(PromptInput).text == "first question"
                await pilot.press("ctrl+a", "ctrl+k", *"second", "enter")
                await settle(pilot)
                body_history = [t.prompt for t in again.session.conversation.turns]
                assert body_history == ["first question", "second"]
        [info] = store.list()  # the same file, now with both turns
        assert info.turns == 2

    async def test_clear_starts_a_new_session_file(self, tmp_path: Path):
        store = SessionStore(tmp_path / "sessions")
        with SimServer(rate=1_000_000, ttft_ms=0) as sim:
            app = make_app(provider=None, base_url=sim.base_url, sessions=store)
            async with app.run_test(size=SIZE) as pilot:
                await settle(pilot)
                await pilot.press(*"one", "enter")
                await settle(pilot)
                await pilot.press(*"/clear", "enter")
                await pilot.press(*"two", "enter")
                await settle(pilot)
                assert app.transcript.turn_count == 1
        assert sorted(s.title for s in store.list()) == ["one", "two"]

    async def test_an_unwritable_state_dir_is_a_warning_not_a_crash(self, tmp_path: Path):
        blocker = tmp_path / "file"
        blocker.write_text("not a directory")
        store = SessionStore(blocker / "sessions")
        with SimServer(rate=1_000_000, ttft_ms=0) as sim:
            app = make_app(provider=None, base_url=sim.base_url, sessions=store)
            async with app.run_test(size=SIZE) as pilot:
                await settle(pilot)
                await pilot.press(*"one", "enter")
                await settle(pilot)
                assert app.is_running
                assert any("Could not save" in str(n.message) for n in app._notifications)
