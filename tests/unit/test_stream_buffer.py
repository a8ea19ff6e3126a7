"""The per-turn buffer between the network task and the UI timer."""

from __future__ import annotations

from redline.backends.events import Finished, ReasoningDelta, TextDelta, TextSnapshot
from redline.tui.stream_buffer import TurnBuffer
from tests.helpers_render import FixedClock


def test_drain_returns_everything_in_order_and_empties() -> None:
    buffer = TurnBuffer(FixedClock())
    events = [TextDelta("a"), ReasoningDelta("b"), TextDelta("cd"), Finished("stop")]
    for event in events:
        buffer.push(event)
    assert len(buffer) == 4
    assert buffer.drain() == events
    assert buffer.drain() == []
    assert len(buffer) == 0


def test_lag_counts_characters_not_yet_drained() -> None:
    buffer = TurnBuffer(FixedClock())
    buffer.push(TextDelta("hello"))
    buffer.push(ReasoningDelta("abc"))
    assert buffer.lag_chars == 8
    buffer.drain()
    assert buffer.lag_chars == 0
    buffer.push(TextDelta("xy"))
    assert buffer.lag_chars == 2


def test_snapshot_lag_is_its_length() -> None:
    buffer = TurnBuffer(FixedClock())
    buffer.push(TextDelta("old text"))
    buffer.drain()
    buffer.push(TextSnapshot("new"))
    assert buffer.lag_chars == 3


def test_pending_age_follows_the_oldest_undrained_event() -> None:
    clock = FixedClock(10.0)
    buffer = TurnBuffer(clock)
    assert buffer.pending_age() == 0.0
    buffer.push(TextDelta("a"))
    clock.now = 10.25
    buffer.push(TextDelta("b"))
    clock.now = 10.5
    assert buffer.pending_age() == 0.5
    buffer.drain()
    assert buffer.pending_age() == 0.0
