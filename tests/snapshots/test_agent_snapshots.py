"""Snapshots of the agent mid-turn in the real app: tool cards, an edit card, the approval card.

The turn's messages are fed to the app's own presenter (what the session emits), so the frame
is deterministic: no model, no clock, nothing streaming behind it.
"""

from __future__ import annotations

import asyncio
from typing import Any

from textual.pilot import Pilot

from redline.agent import (
    ApprovalRequest,
    ApprovalRequested,
    EditProposed,
    ToolCallStarted,
    ToolFinished,
    TurnStarted,
)
from redline.backends.events import TextDelta
from redline.tools.edits import parse_edits
from redline.tui.presenter import TurnPresenter
from tests.helpers_render import LIVE_READING, FixedMeter
from tests.helpers_tui import SIZE, failing_opener, make_app, settle

PATCH = (
    '*** Begin Patch\n*** Update File: src/greet.py\n@@\n-def greet():\n-    return "hi"\n'
    '+def greet(name):\n+    return f"hi {name}"\n*** End Patch\n'
)
READ = '{"path": "src/greet.py"}'
READ_OUT = (
    'src/greet.py (lines 1-6 of 6)\n     1\tdef greet():\n     2\t    return "hi"\n'
    "     3\t\n     4\t\n     5\tdef main():\n     6\t    print(greet())\n"
)


async def mid_turn(pilot: Pilot[None], *, ask: bool) -> None:
    app: Any = pilot.app
    await settle(pilot)
    show = TurnPresenter(app.transcript, app.say, ask=app.main.ask, activity=app.main.tool_activity)
    show(
        TurnStarted(1, "Make greet take a name", "sim:agent", "sim-agent", FixedMeter(LIVE_READING))
    )
    show(TextDelta("Let me look at the file first.\n\n"))
    show(ToolCallStarted("c1", "read_file", READ))
    show(ToolFinished("c1", "read_file", "ok", READ_OUT, 12.0))
    show(ToolCallStarted("c2", "search", '{"pattern": "greet\\\\("}'))
    show(
        ToolFinished(
            "c2",
            "search",
            "ok",
            "src/greet.py:1: def greet():\n[1 matching lines in 1 files]\n",
            4.0,
        )
    )
    for block in parse_edits(PATCH):
        show(EditProposed(block))
    if ask:
        request = ApprovalRequest("c3", "apply_patch", "apply_patch to src/greet.py", PATCH)
        show(ApprovalRequested(request, asyncio.get_running_loop().create_future()))
    app.transcript.flush()
    await pilot.pause()


class TestAgentCards:
    def test_tool_and_edit_cards_mid_turn(self, snap_compare: Any) -> None:
        app = make_app(open_backend=failing_opener)

        async def run_before(pilot: Pilot[None]) -> None:
            await mid_turn(pilot, ask=False)

        assert snap_compare(app, terminal_size=SIZE, run_before=run_before)

    def test_approval_card_mid_turn(self, snap_compare: Any) -> None:
        app = make_app(open_backend=failing_opener)

        async def run_before(pilot: Pilot[None]) -> None:
            await mid_turn(pilot, ask=True)

        assert snap_compare(app, terminal_size=(100, 40), run_before=run_before)

    def test_command_approval(self, snap_compare: Any) -> None:
        """A model's command waiting: its exact text, the directory, the sandbox, `a` always."""
        app = make_app(open_backend=failing_opener)

        async def run_before(pilot: Pilot[None]) -> None:
            app: Any = pilot.app
            await settle(pilot)
            show = TurnPresenter(app.transcript, app.say, ask=app.main.ask)
            show(
                TurnStarted(1, "Run the tests", "sim:agent", "sim-agent", FixedMeter(LIVE_READING))
            )
            show(TextDelta("I'll run the test suite.\n\n"))
            show(ToolCallStarted("c1", "shell", '{"command": "python -m pytest -q tests/"}'))
            detail = (
                "$ python -m pytest -q tests/\n"
                "in /repo · sandboxed: writes only in the repository and /tmp, no network"
            )
            request = ApprovalRequest(
                "c1", "shell", "run `python -m pytest -q tests/`", detail, always="python -m pytest"
            )
            show(ApprovalRequested(request, asyncio.get_running_loop().create_future()))
            app.transcript.flush()
            await pilot.pause()
            app.clear_notifications()  # the failed backend's toast is not what this shows
            await pilot.pause()

        assert snap_compare(app, terminal_size=(100, 30), run_before=run_before)
