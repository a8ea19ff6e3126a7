"""Snapshots of the session picker (`/sessions`): this repository's sessions, newest first."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList

from redline.agent import Turn
from redline.agent.store import SessionStore
from tests.helpers_tui import failing_opener, make_app, wait_until


class Minutes:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=7)
        return self.now


@pytest.fixture
def utc(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Dates are shown in local time: pin it."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


class TestSessionPicker:
    @pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
    def test_sessions_of_this_repository(
        self, snap_compare: Any, tmp_path: Path, utc: Any, size: tuple[int, int]
    ):
        store = SessionStore(tmp_path / "sessions", now=Minutes())
        first = store.create(Path("/repo"), "20261130-0907-a1b2")
        first.append(Turn("Make greet say hello", "sim", "redline-sim", text="done"))
        second = store.create(Path("/repo"), "20261130-0921-c3d4")
        second.append(Turn("Add a --verbose flag to the CLI", "sim:agent", "redline-agent"))
        second.append(Turn("and document it in the README", "sim:agent", "redline-agent"))
        long = "Rename every helper in calc/ so the names say what they compute, and keep the API"
        store.create(Path("/repo"), "20261130-0935-e5f6").append(
            Turn(long, "openai-compatible-with-a-long-name", "some-org/a-very-long-model-name")
        )
        store.create(Path("/elsewhere")).append(Turn("not this repository", "sim", "m"))
        app = make_app(open_backend=failing_opener, sessions=store)

        async def run_before(pilot: Pilot[None]) -> None:
            await pilot.pause()
            await pilot.press(*"/sessions", "enter")
            await wait_until(pilot, lambda: bool(pilot.app.screen.query(OptionList)))
            options = pilot.app.screen.query_one(OptionList)
            await wait_until(pilot, lambda: options.option_count == 3)
            await pilot.pause()

        assert snap_compare(app, terminal_size=size, run_before=run_before)
