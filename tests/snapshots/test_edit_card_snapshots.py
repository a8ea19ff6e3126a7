"""Snapshots of diff cards in the real transcript: mid-stream (proposed), applied, failed."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from redline.agent import TurnStarted
from redline.agent.edit_watch import EditWatch
from redline.backends.events import TextDelta
from redline.tools.edits import parse_edits
from redline.tui.presenter import TurnPresenter
from redline.tui.widgets.diff_card import diff_card
from tests.helpers_render import LIVE_READING, FixedMeter, TranscriptApp

SIZE = (100, 30)
ANSWER = (
    "I'll make `greet` take a name.\n\n"
    'src/greet.py\n```python\n<<<<<<< SEARCH\ndef greet():\n    return "hi"\n=======\n'
    'def greet(name):\n    return f"hi {name}"\n>>>>>>> REPLACE\n```\n\n'
    "And the caller:\n\nsrc/main.py\n```python\n<<<<<<< SEARCH\nprint(greet())\n=======\n"
    'print(greet("ada"))\n>>>>>>> REPLACE\n```\n\nThat is all.\n'
)


def _stream(app: TranscriptApp, text: str) -> Any:
    show = TurnPresenter(app.transcript, lambda notice: None)
    show(TurnStarted(1, "Make greet take a name", "sim", "sim-cerebras", FixedMeter(LIVE_READING)))
    watch = EditWatch(show)  # the turn engine's own edit parser
    for start in range(0, len(text), 7):
        piece = text[start : start + 7]
        show(TextDelta(piece))
        watch.feed(piece)


class TestEditCards:
    def test_card_mid_stream(self, snap_compare: Any) -> None:
        app = TranscriptApp()

        async def run_before(pilot: Pilot[None]) -> None:
            await pilot.pause()
            _stream(app, ANSWER[: ANSWER.index("And the caller")])
            app.transcript.flush()

        assert snap_compare(app, terminal_size=SIZE, run_before=run_before)

    def test_applied_and_failed_cards(self, snap_compare: Any) -> None:
        app = TranscriptApp()
        first, second = parse_edits(ANSWER)

        async def run_before(pilot: Pilot[None]) -> None:
            await pilot.pause()
            handle = app.transcript.start_turn(2, "Apply", "sim", "sim-cerebras")
            handle.add_block(diff_card(first, status="applied"))
            handle.add_block(
                diff_card(
                    second,
                    status="failed",
                    error="src/main.py: block 2: the lines to replace were not found",
                )
            )
            app.transcript.flush()

        assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
