"""A folder that is not a git repository (issue 14, item 10): no f4 for what the model cannot
fix, and `/init` offers git init with a confirmation."""

from __future__ import annotations

from pathlib import Path

from redline.tui.git_state import GitState, read_git_state
from tests.helpers_tui import SIZE, failing_opener, make_app, settle, wait_until


def _actions(app) -> set[str]:
    return {b.action for (_n, b, enabled, _t) in app.active_bindings.values() if enabled}


async def test_f4_is_not_offered_when_the_failure_is_a_missing_repository(tmp_path: Path):
    app = make_app(open_backend=failing_opener, repo_root=tmp_path, git=GitState(None))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*"!git log", "enter")
        await wait_until(pilot, lambda: app.session.own.last_failed is not None)
        await settle(pilot)
        assert "not a git repository" in app.session.own.last_failed.result.output
        assert "fix_edits" not in _actions(app)
        await pilot.press(*"!false", "enter")  # a failure the model may well fix
        await wait_until(
            pilot,
            lambda: (
                app.session.own.last_failed is not None
                and app.session.own.last_failed.result.command == "false"
            ),
        )
        await settle(pilot)
        assert "fix_edits" in _actions(app)


async def test_a_folder_without_git_is_offered_init_once_and_init_asks_first(tmp_path: Path):
    app = make_app(open_backend=failing_opener, repo_root=tmp_path, git=GitState(None))
    app._read_git = read_git_state  # the real folder
    said: list[str] = []  # every toast, kept: under load a toast can expire before it is counted
    notify = app.notify

    def record(message, *args, **kwargs):
        said.append(str(message))
        return notify(message, *args, **kwargs)

    app.notify = record  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert len([m for m in said if "/init" in m]) == 1
        await pilot.press(*"/init", "enter")
        await wait_until(pilot, lambda: app.screen.__class__.__name__ == "ConfirmScreen")
        await pilot.press("n")
        await pilot.pause()
        assert not (tmp_path / ".git").exists()
        await pilot.press(*"/init", "enter")
        await wait_until(pilot, lambda: app.screen.__class__.__name__ == "ConfirmScreen")
        await pilot.press("y")
        await wait_until(pilot, lambda: (tmp_path / ".git").is_dir())
        await wait_until(
            pilot,
            lambda: any("Created a git repository" in m for m in said),
        )
        await settle(pilot)
        app.refresh_git_state()
        await settle(pilot)
        assert len([m for m in said if "/init" in m]) == 1
