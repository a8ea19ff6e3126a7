"""The context work in the real app: /add, /drop, /context, `@` completion, and what a turn sends."""

from __future__ import annotations

from pathlib import Path

import pytest

from redline.agent import Conversation
from redline.tools.context import ContextSet
from redline.tui.completions import at_completions
from redline.tui.widgets.completion_menu import CompletionMenu
from redline.tui.widgets.context_panel import ContextPanel
from redline.tui.widgets.prompt import PromptInput
from tests.helpers_context import SAMPLES, commit_all, write_files
from tests.helpers_repo import noting
from tests.helpers_tui import SIZE, failing_opener, make_app, wait_until


@pytest.fixture
def repo(git_repo: Path) -> Path:
    write_files(git_repo, {s.path: s.source for s in SAMPLES})
    commit_all(git_repo)
    return git_repo


def app_with_context(repo: Path, tmp_path: Path, **kwargs):
    app = make_app(repo_root=repo, **kwargs)
    context = ContextSet(repo, budget=3000, cache_dir=tmp_path / "cache")
    app.session.context_set = context
    app.completion_sources["@"] = at_completions(context)
    return app, context


class TestAddDrop:
    async def test_add_then_drop_a_file(self, repo: Path, tmp_path: Path):
        app, context = app_with_context(repo, tmp_path, open_backend=failing_opener)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press(*"/add handler.go", "enter")
            await wait_until(pilot, lambda: context.added == ["server/handler.go"])
            await pilot.press(*"/drop handler.go", "enter")
            await wait_until(pilot, lambda: context.added == [])

    async def test_unknown_file_gets_suggestions(self, repo: Path, tmp_path: Path):
        app, context = app_with_context(repo, tmp_path, open_backend=failing_opener)
        notes: list[str] = []
        noting(app, notes)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press(*"/add handlr", "enter")
            await wait_until(pilot, lambda: any("handlr" in n for n in notes))
            assert context.added == []
            assert any("server/handler.go" in n for n in notes)


class TestCompletion:
    async def test_at_offers_files_then_symbols(self, repo: Path, tmp_path: Path):
        app, context = app_with_context(repo, tmp_path, open_backend=failing_opener)
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(pilot, lambda: bool(context.index.files))  # indexed at start-up
            await pilot.press(*"fix @hand")
            menu = app.query_one(CompletionMenu)
            await wait_until(pilot, lambda: menu.option_count > 0)
            first = menu.get_option_at_index(0).prompt
            assert "@server/handler.go" in str(first)
            await pilot.press("tab")
            assert app.query_one(PromptInput).text == "fix @server/handler.go "


class TestContextPanel:
    async def test_context_lists_what_the_next_request_carries(self, repo: Path, tmp_path: Path):
        app, context = app_with_context(repo, tmp_path, open_backend=failing_opener)
        context.add("deploy.sh")
        async with app.run_test(size=SIZE) as pilot:
            panel = app.query_one(ContextPanel)
            assert not panel.is_open
            await pilot.press(*"/context", "enter")
            await wait_until(pilot, lambda: panel.is_open and panel.bundle is not None)
            assert panel.display  # docked beside the transcript, the prompt keeps focus
            assert isinstance(app.focused, PromptInput)
            assert panel.bundle is not None
            assert panel.bundle.files == ("scripts/deploy.sh",)
            assert "scripts/deploy.sh\n```bash\n" in panel.bundle.text
            assert context.last is None  # a preview sends nothing and remembers nothing
            await pilot.press(*"/add handler.go", "enter")  # kept up to date
            await wait_until(
                pilot,
                lambda: panel.bundle is not None and "server/handler.go" in panel.bundle.files,
            )
            await pilot.press(*"/drop deploy.sh", "enter")
            await wait_until(
                pilot,
                lambda: panel.bundle is not None and panel.bundle.files == ("server/handler.go",),
            )
            await pilot.press("f5")
            await wait_until(pilot, lambda: not panel.is_open)
            assert not panel.display
            await pilot.press("f5")
            await wait_until(pilot, lambda: panel.is_open)

    async def test_without_context_the_panel_says_so(self, repo: Path, tmp_path: Path):
        app = make_app(repo_root=repo, open_backend=failing_opener)
        notes: list[str] = []
        noting(app, notes)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("f5")
            await wait_until(pilot, lambda: any("context is off" in n for n in notes))
            assert not app.query_one(ContextPanel).is_open


class TestTurnHook:
    def test_repo_context_sends_the_bundle_text_and_never_raises(self, repo: Path, tmp_path: Path):
        from redline.agent import RepoContext

        context = ContextSet(repo, budget=3000, cache_dir=tmp_path / "cache")
        built = RepoContext(context).build("tidy @shapes.py and @nothere", Conversation())
        assert "pkg/shapes.py\n```python\n" in built.text
        assert any("@nothere" in note for note in built.warnings)

        class Broken:
            def bundle(self, prompt: str):
                raise RuntimeError("disk on fire")

        broken = RepoContext(Broken()).build("x", Conversation())  # type: ignore[arg-type]
        assert broken.text == "" and any("disk on fire" in note for note in broken.warnings)


class TestTurn:
    async def test_a_turn_sends_the_mentioned_file(self, repo: Path, tmp_path: Path):
        from redline.backends.sim import SimServer

        sim = SimServer(rate=5000, ttft_ms=0)
        url = await sim.start()
        try:
            app, context = app_with_context(repo, tmp_path, provider=None, base_url=url)
            async with app.run_test(size=SIZE) as pilot:
                await pilot.press(*"tidy @shapes.py please", "enter")
                turns = app.session.conversation.turns
                await wait_until(pilot, lambda: bool(turns) and turns[-1].finish_reason is not None)
                assert context.last is not None
                assert context.last.files == ("pkg/shapes.py",)
                assert context.added == ["pkg/shapes.py"]  # a mentioned file stays added
                assert "pkg/shapes.py" in turns[-1].text  # the simulator edits a file it was sent
                assert app.session.turn_loop is not None
                assert "pkg/shapes.py\n```python\n" in app.session.turn_loop.last_context
        finally:
            await sim.stop()


class TestMentionThenEnter:
    async def test_the_enter_after_accepting_a_mention_sends(self, repo: Path, tmp_path: Path):
        app, context = app_with_context(repo, tmp_path, open_backend=failing_opener)
        sent: list[str] = []
        app.handle_prompt = sent.append  # type: ignore[method-assign]
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(pilot, lambda: bool(context.index.files))
            await pilot.press(*"fix @hand")
            menu = app.query_one(CompletionMenu)
            await wait_until(pilot, lambda: menu.option_count > 0)
            await pilot.press("enter")  # takes the completion
            await pilot.pause()
            assert app.query_one(PromptInput).text == "fix @server/handler.go "
            await pilot.press("enter")  # and this one sends
            await pilot.pause()
            assert sent == ["fix @server/handler.go "]

    async def test_a_mention_typed_in_full_sends_on_one_enter(self, repo: Path, tmp_path: Path):
        app, context = app_with_context(repo, tmp_path, open_backend=failing_opener)
        sent: list[str] = []
        app.handle_prompt = sent.append  # type: ignore[method-assign]
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(pilot, lambda: bool(context.index.files))
            await pilot.press(*"fix @server/handler.go")
            menu = app.query_one(CompletionMenu)
            await wait_until(pilot, lambda: menu.option_count > 0)
            await pilot.press("enter")
            await pilot.pause()
            assert sent == ["fix @server/handler.go "]


class TestUnknownMention:
    async def test_an_unknown_mention_keeps_the_prompt_and_suggests(
        self, repo: Path, tmp_path: Path
    ):
        app, context = app_with_context(repo, tmp_path, open_backend=failing_opener)
        sent: list[str] = []
        app.run_turn = sent.append  # type: ignore[method-assign]
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(pilot, lambda: context.index.peek("symbols") is not None)
            await pilot.press(*"fix @greter please", "enter")
            await pilot.pause()
            assert sent == []
            assert app.query_one(PromptInput).text == "fix @greter please"
            [note] = [n for n in app._notifications if "@greter" in str(n.message)]
            assert "lib/greeter.rb" in str(note.message)
            assert "Not sent" in str(note.message)
            await pilot.press("enter")  # the same prompt again: sent as it is
            await pilot.pause()
            assert sent == ["fix @greter please"]

    async def test_a_typo_in_add_gets_the_closest_path(self, repo: Path, tmp_path: Path):
        app, context = app_with_context(repo, tmp_path, open_backend=failing_opener)
        notes: list[str] = []
        noting(app, notes)
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(pilot, lambda: context.index.peek("symbols") is not None)
            await pilot.press(*"/add pkg/shapez.py", "enter")
            await wait_until(pilot, lambda: any("shapez" in n for n in notes))
            assert any("pkg/shapes.py" in n for n in notes)
