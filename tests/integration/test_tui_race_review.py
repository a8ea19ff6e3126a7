"""The kept lane of a race without auto-apply: cards in the transcript, f2 applies, f3 drops.

Real git repositories: each lane applies its edits in its own worktree (so the lane shows whether
they apply), the person's branch is only changed by f2, and every lane worktree is gone after.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import SelectionList

from redline.tui.app import AppOptions, RedlineApp
from redline.tui.screens.race import RaceScreen
from redline.tui.screens.race_picker import RacePickerScreen
from tests.helpers_tui import StepClock, settle, wait_until


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True)
    return done.stdout.strip()


def _app(repo: Path) -> RedlineApp:
    options = AppOptions(provider="sim", repo_root=repo)
    return RedlineApp(options, clock=StepClock(), display_clock=lambda: 0.0, cursor_blink=False)


async def _race_and_keep(pilot: Pilot[None], app: RedlineApp, key: str) -> RaceScreen:
    await settle(pilot)
    await pilot.press(*"/race add notes", "enter")
    await wait_until(pilot, lambda: isinstance(app.screen, RacePickerScreen))
    app.screen.query_one(SelectionList).select("sim:mercury")
    await pilot.press("enter")
    await wait_until(pilot, lambda: isinstance(app.screen, RaceScreen), timeout=20)
    screen = app.screen
    assert isinstance(screen, RaceScreen)
    await wait_until(pilot, lambda: screen.result is not None, timeout=30)
    await pilot.press(key)
    await wait_until(pilot, lambda: len(app.session.conversation.turns) == 1)
    await wait_until(pilot, lambda: not isinstance(app.screen, RaceScreen))
    return screen


def _transcript(app: RedlineApp) -> str:
    app.transcript.flush()
    return "\n".join(app.transcript.lines_text())


async def test_the_kept_lanes_edits_wait_for_f2_with_their_cards(git_repo: Path) -> None:
    head = _git(git_repo, "rev-parse", "HEAD")
    app = _app(git_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _race_and_keep(pilot, app, "2")
        lanes = screen.race.lanes
        # Each lane applied its edits in its own worktree, not in the person's.
        assert all(lane.tree is not None and lane.commit for lane in lanes)
        assert not (git_repo / "SIMULATED.md").exists()
        assert _git(git_repo, "rev-parse", "HEAD") == head
        assert app.session.review.waiting is app.session.conversation.turns[0]
        await wait_until(pilot, lambda: "SIMULATED.md  +3 -0  proposed" in _transcript(app))
        await wait_until(pilot, lambda: len(_git(git_repo, "worktree", "list").splitlines()) == 1)
        await pilot.press("f2")
        await wait_until(pilot, lambda: (git_repo / "SIMULATED.md").exists(), timeout=20)
        await wait_until(pilot, lambda: app.session.review.waiting is None)
    assert _git(git_repo, "rev-parse", "HEAD~1") == head
    assert "Redline-Provider: sim:mercury" in _git(git_repo, "log", "-1", "--format=%B")
    assert _git(git_repo, "status", "--porcelain") == ""


async def test_f3_drops_the_kept_lanes_edits_and_the_branch_is_untouched(git_repo: Path) -> None:
    head = _git(git_repo, "rev-parse", "HEAD")
    app = _app(git_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await _race_and_keep(pilot, app, "1")
        assert app.session.review.waiting is not None
        await pilot.press("f3")
        await wait_until(pilot, lambda: app.session.review.waiting is None)
        await pilot.press("f2")  # nothing waits: no apply
        await pilot.pause(0.2)
    assert _git(git_repo, "rev-parse", "HEAD") == head
    assert _git(git_repo, "status", "--porcelain") == ""
    assert len(_git(git_repo, "worktree", "list").splitlines()) == 1
    assert not (git_repo / ".git" / "redline-lanes").exists() or not any(
        (git_repo / ".git" / "redline-lanes").iterdir()
    )


async def test_the_persons_uncommitted_work_is_kept_when_the_kept_edits_apply(
    git_repo: Path,
) -> None:
    (git_repo / "README.md").write_text("# demo\n\nmy own notes, not committed\n")
    head = _git(git_repo, "rev-parse", "HEAD")
    app = _app(git_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await _race_and_keep(pilot, app, "2")
        await wait_until(pilot, lambda: "SIMULATED.md  +3 -0  proposed" in _transcript(app))
        await pilot.press("f2")
        # the file is written before the commit: wait for the apply to end, not for the file
        await wait_until(pilot, lambda: app.session.review.waiting is None, timeout=20)
        await wait_until(pilot, lambda: _git(git_repo, "rev-parse", "HEAD~1") == head, timeout=20)
    assert "my own notes" in (git_repo / "README.md").read_text()
    assert _git(git_repo, "status", "--porcelain") == "M README.md"  # still the person's
