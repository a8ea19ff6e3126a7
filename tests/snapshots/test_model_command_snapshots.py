"""A model's command streaming into the command card while it runs, in the real app.

The command is real (through the agent's dispatch, sandboxed by bwrap) and gated: it prints,
then waits on a FIFO the test holds, so the frame is taken while it runs, with no sleep. All
of it goes to stdout: lines from two pipes may arrive in either order.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from redline.agent import TurnStarted
from redline.agent.dispatch import ToolDispatch
from redline.backends.events import TextDelta, ToolCall
from redline.tools.agent import Workspace
from redline.tools.shell import RememberedPrefixes, ShellTool
from redline.tui.presenter import TurnPresenter
from tests.helpers_edits import commit_all, make_repo
from tests.helpers_render import LIVE_READING, FixedMeter
from tests.helpers_tui import SIZE, failing_opener, make_app, settle, wait_until

SCRIPT = (
    "printf 'collecting ... 3 items\\n\\ntests/test_calc.py::test_add PASSED\\n'\n"
    "printf 'tests/test_calc.py::test_mean \\033[31mFAILED\\033[0m\\n'\n"
    "read _ < gate\n"
)


def _repo(tmp_path: Path) -> Path:
    repo = make_repo(tmp_path / "repo", {"check.sh": SCRIPT, ".gitignore": "gate\n"})
    commit_all(repo, "start")
    os.mkfifo(repo / "gate")
    return repo


def _open_gate(repo: Path) -> None:
    """Let the command end if it still waits (no reader left: nothing to do)."""
    with contextlib.suppress(OSError):
        os.close(os.open(repo / "gate", os.O_WRONLY | os.O_NONBLOCK))


class TestModelCommand:
    def test_running_command_streams_into_the_card(self, snap_compare: Any, tmp_path: Path) -> None:
        repo = _repo(tmp_path)
        app = make_app(open_backend=failing_opener, repo_root=repo)
        tasks: list[asyncio.Task[Any]] = []

        async def run_before(pilot: Pilot[None]) -> None:
            app: Any = pilot.app
            await settle(pilot)
            app.clear_notifications()
            show = TurnPresenter(app.transcript, app.say, command_card=app._free_command_card)
            show(
                TurnStarted(1, "Run the tests", "sim:agent", "sim-agent", FixedMeter(LIVE_READING))
            )
            show(TextDelta("I'll run the checks.\n\n"))
            shell = ShellTool(
                repo, remembered=RememberedPrefixes(repo, tmp_path / "approvals.json")
            )
            dispatch = ToolDispatch(
                Workspace.open(repo), lambda: "full-auto", can_ask=True, shell=shell
            )
            call = ToolCall("c1", "shell", json.dumps({"command": "sh check.sh"}))
            tasks.append(asyncio.create_task(dispatch.run(call, show)))
            card = app.main.query_one("#command-card")
            await wait_until(pilot, lambda: "FAILED" in "".join(card._lines) + card._partial)
            assert not tasks[0].done()  # still running: the frame is of a live command
            card._tick()
            app.transcript.flush()
            await pilot.pause()

        try:
            assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
        finally:
            _open_gate(repo)
