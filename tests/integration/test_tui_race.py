"""/race in the real app on simulator profiles: pick two, keep one; /stats; costs and history."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from textual.widgets import SelectionList

from redline.agent.store import SessionStore
from redline.tui.screens.race import RaceScreen
from redline.tui.screens.race_picker import RacePickerScreen
from redline.tui.screens.stats import StatsScreen
from tests.helpers_tui import make_app, settle, wait_until


def _history() -> list[dict[str, Any]]:
    path = Path(os.environ["XDG_STATE_HOME"]) / "redline" / "history.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


async def test_race_two_lanes_keep_the_second(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "sessions")
    app = make_app(provider="sim", sessions=store, repo_root=tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press(*"/race add a docstring", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, RacePickerScreen))
        picker = app.screen
        picker.query_one(SelectionList).select("sim:mercury")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, RaceScreen), timeout=20)
        race_screen = app.screen
        assert isinstance(race_screen, RaceScreen)
        await wait_until(pilot, lambda: race_screen.result is not None, timeout=30)
        lanes = race_screen.race.lanes
        assert [lane.provider for lane in lanes] == ["sim", "sim:mercury"]
        assert all(lane.finished_ok and lane.cost is not None for lane in lanes)
        assert sorted(lane.finish for lane in lanes) == [1, 2]  # type: ignore[type-var]
        await pilot.press("2")
        await wait_until(pilot, lambda: len(app.session.conversation.turns) == 1)
        kept = app.session.conversation.turns[0]
        assert kept.provider == "sim:mercury" and kept.prompt == "add a docstring"
        # Its edit waits for review once the turn is saved (Session.adopt: the save, in a
        # thread, comes before the review; on a loaded machine after the turn is listed).
        await wait_until(pilot, lambda: app.session.review.waiting is kept)
        await wait_until(pilot, lambda: len(_history()) == 2)
        assert {line["source"] for line in _history()} == {"race"}
        status = app.main.query_one("#status").render_text().plain  # type: ignore[attr-defined]
        assert "this session" in status
    (session_file,) = (tmp_path / "sessions").glob("*.jsonl")
    types = [json.loads(line)["type"] for line in session_file.read_text().splitlines()]
    assert sorted(types) == ["race-lane", "session", "turn"]  # the other lane: recorded, not sent
    assert len(store.load("last").conversation.turns) == 1


async def test_race_needs_a_prompt_and_two_backends(tmp_path: Path) -> None:
    app = make_app(provider="sim", repo_root=tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("f8")  # nothing typed: a hint, no picker
        await pilot.pause()
        assert not isinstance(app.screen, RacePickerScreen)
        await pilot.press(*"hello", "f8")
        await wait_until(pilot, lambda: isinstance(app.screen, RacePickerScreen))
        await pilot.press("enter")  # only the current backend is picked: refused
        await pilot.pause()
        assert isinstance(app.screen, RacePickerScreen)
        assert "Pick 2 to 4" in str(app.screen.query_one("#race-picker-note").render())
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, RacePickerScreen)


async def test_a_turn_is_costed_and_recorded_and_stats_shows_it(tmp_path: Path) -> None:
    app = make_app(provider="sim", repo_root=tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press(*"hello", "enter")
        await wait_until(pilot, lambda: bool(app.session.conversation.turns))
        await settle(pilot)
        await wait_until(pilot, lambda: len(_history()) == 1)
        (line,) = _history()
        assert line["source"] == "tui" and line["provider"] == "sim"
        assert line["cost_usd"] is not None and line["cost_usd"] > 0
        await pilot.press(*"/stats", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, StatsScreen))
        await pilot.pause(0.3)
        table = app.screen.query_one("DataTable")
        assert table.row_count == 1  # type: ignore[attr-defined]


async def test_under_auto_apply_lanes_edit_in_worktrees_and_the_kept_one_lands(
    git_repo: Path,
) -> None:
    import subprocess

    from redline.tui.app import AppOptions, RedlineApp
    from tests.helpers_tui import StepClock

    options = AppOptions(provider="sim", repo_root=git_repo, auto_apply=True)
    app = RedlineApp(options, clock=StepClock(), display_clock=lambda: 0.0, cursor_blink=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press(*"/race add notes", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, RacePickerScreen))
        app.screen.query_one(SelectionList).select("sim:mercury")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, RaceScreen), timeout=20)
        screen = app.screen
        assert isinstance(screen, RaceScreen)
        await wait_until(pilot, lambda: screen.result is not None, timeout=30)
        assert all(lane.tree is not None and lane.commit for lane in screen.race.lanes)
        await pilot.press("1")
        await wait_until(pilot, lambda: len(app.session.conversation.turns) == 1)
        await wait_until(pilot, lambda: (git_repo / "SIMULATED.md").exists(), timeout=20)
    log = subprocess.run(
        ["git", "-C", str(git_repo), "log", "-1", "--format=%B"], capture_output=True, text=True
    ).stdout
    assert "Redline-Provider: sim" in log
    listing = subprocess.run(
        ["git", "-C", str(git_repo), "worktree", "list"], capture_output=True, text=True
    ).stdout
    assert len(listing.splitlines()) == 1  # every lane worktree is gone
