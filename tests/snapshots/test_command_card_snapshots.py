"""Snapshots of the person's command card above the prompt: running, and finished (failed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.app import App, ComposeResult
from textual.pilot import Pilot

from redline.tools.shell import OutputChunk
from redline.tui.widgets.command_card import CommandCard
from tests.helpers_edits import commit_all, make_repo
from tests.helpers_tui import SIZE, make_app, settle, wait_until


def _app(tmp_path: Path) -> Any:
    repo = make_repo(tmp_path / "repo", {"a.txt": "a\n"})
    commit_all(repo, "start")
    return make_app(provider="sim", repo_root=repo)


class TestCommandCard:
    def test_running(self, snap_compare: Any) -> None:
        # The harness waits for workers to end, so the running card is fed here as a command
        # would feed it (the same widget; `test_finished_failing` runs a real command).
        class CardApp(App[None]):
            def compose(self) -> ComposeResult:
                yield CommandCard(clock=lambda: 12.5)

            def on_mount(self) -> None:
                card = self.query_one(CommandCard)
                card.start("python -m pytest -q", "tests")
                card._started = 10.0  # 2.5 s in
                for n in range(12):
                    card.feed(OutputChunk("stdout", f"tests/test_{n:02}.py ....\n"))
                card.feed(OutputChunk("stderr", "tests/test_12.py ..\x1b[31mF\x1b[0m"))
                card._tick()

        assert snap_compare(CardApp(), terminal_size=(100, 16))

    def test_finished_failing(self, snap_compare: Any, tmp_path: Path) -> None:
        async def run_before(pilot: Pilot[None]) -> None:
            app: Any = pilot.app
            await settle(pilot)
            command = (
                "!printf 'test_one PASSED\\ntest_two FAILED\\n\\x1b[31m1 failed\\x1b[0m\\n'; exit 1"
            )
            await pilot.press(*command, "enter")
            await wait_until(pilot, lambda: app.session.own.last_failed is not None)
            await settle(pilot)

        assert snap_compare(_app(tmp_path), terminal_size=SIZE, run_before=run_before)
