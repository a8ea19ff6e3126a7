"""Snapshots of diff cards in the real transcript: mid-stream (proposed), applied, failed."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from redline.backends.events import TextDelta
from redline.tools.edits import parse_edits
from redline.tui.edit_commands import EditCards
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
    handle = app.transcript.start_turn(1, "Make greet take a name", "sim", "sim-cerebras")
    handle.attach_meter(FixedMeter(LIVE_READING))
    cards = EditCards(handle)
    for start in range(0, len(text), 7):
        piece = text[start : start + 7]
        handle.push(TextDelta(piece))
        cards.feed(piece)
    return handle


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
