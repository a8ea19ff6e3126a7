"""Sessions from the app: each finished turn is on disk; --resume brings the conversation back."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList

from redline.agent import Turn
from redline.agent.store import SessionStore
from redline.backends.sim import SimServer
from redline.tools.context import ContextSet
from redline.tui.screens.session_picker import SessionPickerScreen
from redline.tui.widgets.prompt import PromptInput
from tests.helpers_tui import SIZE, make_app, settle, wait_until


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


def _turn(prompt: str, provider: str = "sim", model: str = "redline-sim") -> Turn:
    return Turn(prompt, provider, model, text=f"answer to {prompt}", finish_reason="stop")


class Opener:
    """Opens the real simulator for every name but ``refused``, and keeps what it was asked."""

    def __init__(self, refused: str = "cerebras") -> None:
        self.calls: list[tuple[str | None, str | None]] = []
        self.refused = refused

    async def __call__(self, provider: str | None, model: str | None, base_url: str | None):
        from redline.backends.selection import open_backend

        self.calls.append((provider, model))
        if provider == self.refused:
            raise RuntimeError(f"{provider}: CEREBRAS_API_KEY is not set.")
        return await open_backend(provider or "sim", model, base_url, None)


def _notes(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


class TestResume:
    async def test_resume_brings_back_the_added_files_and_the_backend_of_the_last_turn(
        self, tmp_path: Path, git_repo: Path
    ):
        (git_repo / "calc.py").write_text("def add(a, b):\n    return a + b\n")
        store = SessionStore(tmp_path / "sessions")
        writer = store.create(git_repo)
        writer.append(_turn("first"), context_files=["calc.py", "gone.py"])
        writer.append(_turn("second", "sim:baseten", "kimi-sim"), context_files=["calc.py"])
        opener = Opener()
        context = ContextSet(git_repo, cache_dir=tmp_path / "cache")
        app = make_app(
            provider=None,
            repo_root=git_repo,
            sessions=store,
            resumed=store.load("last", git_repo),
            open_backend=opener,
            context_set=context,
        )
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            backend = app.session.backend
            assert backend is not None
            assert (backend.name, backend.model) == ("sim:baseten", "kimi-sim")
            assert opener.calls == [("sim:baseten", "kimi-sim")]
            assert context.added == ["calc.py"]
            assert any("files: calc.py" in n for n in _notes(app))

    async def test_a_backend_that_cannot_be_opened_is_one_sentence_and_the_usual_one_is_used(
        self, tmp_path: Path, git_repo: Path
    ):
        store = SessionStore(tmp_path / "sessions")
        store.create(git_repo).append(_turn("first", "cerebras", "gpt-oss-120b"))
        opener = Opener(refused="cerebras")
        app = make_app(
            provider=None,
            repo_root=git_repo,
            sessions=store,
            resumed=store.load("last", git_repo),
            open_backend=opener,
        )
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(pilot, lambda: len(opener.calls) == 2)
            await settle(pilot)
            assert app.session.backend is not None and app.session.backend.name == "sim"
            [said] = [n for n in _notes(app) if "cannot be opened now" in n]
            assert said == (
                "The session's backend cerebras · gpt-oss-120b cannot be opened now "
                "(cerebras: CEREBRAS_API_KEY is not set); using the usual one instead."
            )

    async def test_a_flag_wins_over_the_sessions_backend(self, tmp_path: Path, git_repo: Path):
        store = SessionStore(tmp_path / "sessions")
        store.create(git_repo).append(_turn("first", "sim:baseten", "kimi-sim"))
        opener = Opener()
        app = make_app(
            provider="sim",
            repo_root=git_repo,
            sessions=store,
            resumed=store.load("last", git_repo),
            open_backend=opener,
        )
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert opener.calls == [("sim", None)]


class TestSessionPicker:
    async def test_sessions_lists_this_repository_and_enter_continues_one(
        self, tmp_path: Path, git_repo: Path
    ):
        store = SessionStore(tmp_path / "sessions")
        older = store.create(git_repo, "older-session")
        older.append(_turn("fix the parser"))
        older.append(_turn("and its tests", "sim:baseten", "kimi-sim"))
        store.create(tmp_path, "elsewhere").append(_turn("another repository"))
        opener = Opener()
        app = make_app(provider=None, repo_root=git_repo, sessions=store, open_backend=opener)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press(*"hello", "enter")  # this conversation is a session too
            await settle(pilot)
            await pilot.press(*"/sessions", "enter")
            await wait_until(pilot, lambda: isinstance(app.screen, SessionPickerScreen))
            options = app.screen.query_one(OptionList)
            await wait_until(pilot, lambda: options.option_count == 2)
            rows = [str(options.get_option_at_index(i).prompt) for i in range(2)]
            assert rows[0].startswith("● ") and "hello" in rows[0]
            assert "fix the parser" in rows[1] and "2 turns" in rows[1]
            assert "sim:baseten · kimi-sim" in rows[1]
            assert not any("another repository" in r for r in rows)
            await pilot.press("down", "enter")
            await wait_until(pilot, lambda: app.session.session_id == "older-session")
            await settle(pilot)
            assert not isinstance(app.screen, SessionPickerScreen)
            prompts = [t.prompt for t in app.session.conversation.turns]
            assert prompts == ["fix the parser", "and its tests"]
            assert app.transcript.turn_count == 2
            assert app.session.backend is not None
            assert app.session.backend.name == "sim:baseten"
            await pilot.press(*"one more", "enter")
            await settle(pilot)
        assert store.load("older-session").info.turns == 3

    async def test_esc_closes_the_picker_and_changes_nothing(self, tmp_path: Path, git_repo: Path):
        store = SessionStore(tmp_path / "sessions")
        store.create(git_repo, "saved").append(_turn("saved prompt"))
        app = make_app(provider=None, repo_root=git_repo, sessions=store, open_backend=Opener())
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press(*"/sessions", "enter")
            await wait_until(pilot, lambda: isinstance(app.screen, SessionPickerScreen))
            await pilot.press("escape")
            await wait_until(pilot, lambda: not isinstance(app.screen, SessionPickerScreen))
            assert app.session.conversation.turns == []
            assert app.session.session_id is None
