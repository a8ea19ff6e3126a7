"""Snapshots of the transcript and meter at the key moments of a turn (fixed size and inputs)."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from redline.agent import Turn
from redline.backends.events import (
    ReasoningDelta,
    StreamError,
    TextDelta,
    TextSnapshot,
    Usage,
)
from tests.helpers_render import ANSWER, FINAL_READING, LIVE_READING, FixedMeter, TranscriptApp

SIZE = (100, 30)
CUT = ANSWER.index("    return")  # mid-way through the code fence


def _stream(app: TranscriptApp, text: str, *, reasoning: str = "", turn_id: int = 1) -> Any:
    handle = app.transcript.start_turn(turn_id, "Make greet say hello", "sim", "sim-cerebras")
    handle.attach_meter(FixedMeter(LIVE_READING))
    for piece in reasoning.split(" ") if reasoning else ():
        handle.push(ReasoningDelta(piece + " "))
    for start in range(0, len(text), 7):
        handle.push(TextDelta(text[start : start + 7]))
    return handle


class TestTurnMoments:
    def test_mid_stream(self, snap_compare: Any) -> None:
        app = TranscriptApp()

        async def run_before(pilot: Pilot[None]) -> None:
            await pilot.pause()  # laid out, so flush() can render at the final width
            _stream(app, ANSWER[:CUT])
            app.transcript.flush()

        assert snap_compare(app, terminal_size=SIZE, run_before=run_before)

    def test_finished_turn_with_meter(self, snap_compare: Any) -> None:
        app = TranscriptApp()

        async def run_before(pilot: Pilot[None]) -> None:
            await pilot.pause()  # laid out, so flush() can render at the final width
            handle = _stream(app, ANSWER)
            handle.push(Usage(prompt_tokens=120, completion_tokens=1502))
            handle.finish(
                Turn(
                    "Make greet say hello",
                    "sim",
                    "sim-cerebras",
                    text=ANSWER,
                    reading=FINAL_READING,
                )
            )
            app.transcript.flush()

        assert snap_compare(app, terminal_size=SIZE, run_before=run_before)

    def test_error_turn(self, snap_compare: Any) -> None:
        app = TranscriptApp()
        error = StreamError(
            "auth",
            "CEREBRAS_API_KEY is not set: export it, or press ctrl+b (or type /backend) to pick another backend.",
        )

        async def run_before(pilot: Pilot[None]) -> None:
            await pilot.pause()  # laid out, so flush() can render at the final width
            handle = app.transcript.start_turn(1, "hello", "cerebras", "llama-4-scout-17b")
            handle.push(error)
            handle.finish(Turn("hello", "cerebras", "llama-4-scout-17b", error=error))
            app.transcript.flush()

        assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


class TestReasoning:
    REASONING = "The user wants a greeting. I will change the return value and keep the signature."

    def test_reasoning_collapsed(self, snap_compare: Any) -> None:
        app = TranscriptApp()

        async def run_before(pilot: Pilot[None]) -> None:
            await pilot.pause()  # laid out, so flush() can render at the final width
            _stream(app, ANSWER, reasoning=self.REASONING)
            app.transcript.flush()

        assert snap_compare(app, terminal_size=SIZE, run_before=run_before)

    def test_reasoning_open(self, snap_compare: Any) -> None:
        app = TranscriptApp()

        async def run_before(pilot: Pilot[None]) -> None:
            await pilot.pause()  # laid out, so flush() can render at the final width
            _stream(app, ANSWER, reasoning=self.REASONING)
            app.transcript.flush()
            assert app.transcript.toggle_reasoning()

        assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


class TestMercury:
    def test_mid_refinement(self, snap_compare: Any) -> None:
        app = TranscriptApp()

        async def run_before(pilot: Pilot[None]) -> None:
            await pilot.pause()  # laid out, so flush() can render at the final width
            handle = app.transcript.start_turn(
                1, "Make greet say hello", "inception", "mercury-coder"
            )
            handle.attach_meter(FixedMeter(LIVE_READING))
            handle.push(
                TextSnapshot(
                    "Hxre is tha chnge yo aked fr.\n\n```python\ndef grt(nme):\n    retrn nme\n```\n"
                )
            )
            app.transcript.flush()
            handle.push(
                TextSnapshot(
                    "Here is the change you asked for.\n\n```python\ndef greet(name):\n    retrn nme\n```\n"
                )
            )
            app.transcript.flush()

        assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


WIDE_CODE = (
    "Long lines wrap, marked, instead of being cut:\n\n```python\n"
    "def report(rows):\n"
    '    return [f"{row.name:<20} {row.total:>10,.2f} {row.share:>6.1%} {row.note}" for row in rows if row.total]  # end\n'
    "```\n"
)


class TestCodeWrap:
    def test_long_code_lines_at_80_columns(self, snap_compare: Any) -> None:
        app = TranscriptApp()

        async def run_before(pilot: Pilot[None]) -> None:
            await pilot.pause()
            handle = _stream(app, WIDE_CODE)
            handle.finish(
                Turn("Make greet say hello", "sim", "sim-cerebras", reading=FINAL_READING)
            )
            app.transcript.flush()

        assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
