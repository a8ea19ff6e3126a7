"""/apply, /undo and /diff in the real app (Pilot), against a real git repository."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from redline.tui.loop import Turn
from redline.tui.screens.diff_view import DiffView
from tests.helpers_edits import git, make_repo
from tests.helpers_tui import SIZE, failing_opener, make_app

REPLY = "a.txt\n```\n<<<<<<< SEARCH\nalpha\n=======\nALPHA\n>>>>>>> REPLACE\n```\n"


async def wait_for(pilot, condition: Callable[[], bool], timeout: float = 20.0) -> None:
    for _ in range(int(timeout / 0.02)):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError("condition not reached")


def _app(repo: Path, notes: list[str]):
    app = make_app(repo_root=repo, open_backend=failing_opener)
    app.notify = lambda message, **kw: notes.append(str(message))  # type: ignore[method-assign]
    return app


async def test_apply_undo_and_diff(tmp_path: Path):
    repo = make_repo(tmp_path / "repo", {"a.txt": "alpha\nbeta\n"})
    start = git(repo, "rev-parse", "HEAD").strip()
    notes: list[str] = []
    app = _app(repo, notes)
    async with app.run_test(size=SIZE) as pilot:
        app.conversation.turns.append(Turn("shout", "sim", "sim-fast", text=REPLY))
        await pilot.press(*"/apply", "enter")
        await wait_for(pilot, lambda: any("Committed" in n for n in notes))
        assert (repo / "a.txt").read_text() == "ALPHA\nbeta\n"
        assert "Redline-Model: sim-fast" in git(repo, "log", "-1", "--format=%B")
        await pilot.press(*"/diff", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DiffView))
        assert "+ALPHA" in app.screen.diff  # type: ignore[attr-defined]
        await pilot.press("escape")
        await pilot.press(*"/undo", "enter")
        await wait_for(pilot, lambda: any(n.startswith("undid") for n in notes))
        assert (repo / "a.txt").read_text() == "alpha\nbeta\n"
        assert git(repo, "rev-parse", "HEAD").strip() == start


async def test_apply_failure_and_refused_undo_are_explained(tmp_path: Path):
    repo = make_repo(tmp_path / "repo", {"a.txt": "alpha\n"})
    notes: list[str] = []
    app = _app(repo, notes)
    async with app.run_test(size=SIZE) as pilot:
        app.conversation.turns.append(Turn("x", "sim", "m", text=REPLY.replace("alpha", "gamma")))
        await pilot.press(*"/apply", "enter")
        await wait_for(pilot, lambda: any("not applied" in n for n in notes))
        await pilot.press(*"/undo", "enter")
        await wait_for(pilot, lambda: any("not a redline commit" in n for n in notes))
    assert (repo / "a.txt").read_text() == "alpha\n"
