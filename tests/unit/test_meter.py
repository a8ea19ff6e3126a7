"""SpeedMeter with a fake clock: every figure against hand-computed values."""

from __future__ import annotations

import pytest

from redline.backends.events import (
    Finished,
    ReasoningDelta,
    ServerTiming,
    StreamError,
    TextDelta,
    TextSnapshot,
    Usage,
)
from redline.backends.meter import SpeedMeter
from redline.backends.tokens import count_tokens


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def stream(meter: SpeedMeter, clock: FakeClock, pieces: list[str], every: float) -> None:
    for piece in pieces:
        meter.feed(TextDelta(piece))
        clock.advance(every)


def test_empty_meter_reads_nothing() -> None:
    reading = SpeedMeter(FakeClock()).reading()
    assert reading.ttft_ms is None
    assert reading.decode_tps is None
    assert reading.output_tokens == 0
    assert not reading.finished


def test_ttft_counts_from_request_to_first_non_empty_text() -> None:
    clock = FakeClock()
    meter = SpeedMeter(clock)
    meter.request_sent()
    clock.advance(0.1)
    meter.feed(TextDelta(""))  # a role-only or empty chunk is not the first token
    meter.feed(Usage(prompt_tokens=12, completion_tokens=0))
    clock.advance(0.05)
    meter.feed(TextDelta(" Hello"))
    reading = meter.reading()
    assert reading.ttft_ms == pytest.approx(150.0)
    assert reading.prompt_tokens == 12


def test_reasoning_counts_as_first_token_and_separately() -> None:
    clock = FakeClock()
    meter = SpeedMeter(clock)
    meter.request_sent()
    clock.advance(0.2)
    meter.feed(ReasoningDelta("Let me think"))
    clock.advance(0.1)
    meter.feed(TextDelta(" Done"))
    reading = meter.reading()
    assert reading.ttft_ms == pytest.approx(200.0)
    assert reading.reasoning_tokens == 3
    assert reading.output_tokens == 4
    meter.feed(Usage(completion_tokens=9, reasoning_tokens=6))
    reading = meter.reading()
    assert (reading.output_tokens, reading.reasoning_tokens, reading.tokens_exact) == (9, 6, True)


def test_snapshot_counts_first_event_for_ttft() -> None:
    clock = FakeClock()
    meter = SpeedMeter(clock)
    meter.request_sent()
    clock.advance(0.3)
    meter.feed(TextSnapshot("def f(x x x"))
    assert meter.reading().ttft_ms == pytest.approx(300.0)


def test_decode_rate_is_tokens_after_the_first_over_time_after_it() -> None:
    clock = FakeClock()
    meter = SpeedMeter(clock)
    meter.request_sent()
    clock.advance(0.15)
    # 101 one-token chunks, 10 ms apart: the last arrives 1.0 s after the first.
    stream(meter, clock, [" word"] * 101, 0.01)
    reading = meter.reading()
    assert reading.output_tokens == 101
    assert reading.decode_tps == pytest.approx(100.0)
    assert reading.chunks == 101


def test_decode_rate_stays_honest_when_chunks_hold_several_tokens() -> None:
    clock = FakeClock()
    meter = SpeedMeter(clock)
    meter.request_sent()
    stream(meter, clock, [" one two three four"] * 11, 0.01)  # 4 tokens a chunk, 400 tok/s
    assert meter.reading().decode_tps == pytest.approx(400.0)


def test_e2e_rate_and_duration_from_request_to_end() -> None:
    clock = FakeClock()
    meter = SpeedMeter(clock)
    meter.request_sent()
    clock.advance(0.5)
    stream(meter, clock, [" a"] * 50, 0.01)
    meter.feed(Finished("stop"))
    reading = meter.reading()
    assert reading.finished
    assert reading.duration_ms == pytest.approx(1000.0)
    assert reading.e2e_tps == pytest.approx(50.0)
    clock.advance(5.0)  # after the end the reading is frozen
    assert meter.reading().e2e_tps == pytest.approx(50.0)


def test_finish_marks_the_end_once() -> None:
    clock = FakeClock()
    meter = SpeedMeter(clock)
    meter.request_sent()
    meter.feed(TextDelta("x"))
    clock.advance(1.0)
    meter.feed(StreamError("network", "dropped"))
    clock.advance(1.0)
    meter.finish()
    assert meter.reading().duration_ms == pytest.approx(1000.0)


def test_live_rate_uses_a_sliding_window() -> None:
    clock = FakeClock()
    meter = SpeedMeter(clock)
    meter.request_sent()
    stream(meter, clock, [" fast"] * 300, 0.001)  # 1,000 tok/s for 0.3 s
    stream(meter, clock, [" slow"] * 200, 0.01)  # then 100 tok/s for 2 s
    reading = meter.reading()
    assert reading.live_tps == pytest.approx(100.0, rel=0.05)
    assert reading.decode_tps == pytest.approx(499 / 2.299, rel=0.01)


def test_live_rate_decays_during_a_stall() -> None:
    clock = FakeClock()
    meter = SpeedMeter(clock)
    meter.request_sent()
    stream(meter, clock, [" x"] * 100, 0.01)
    before = meter.reading().live_tps
    clock.advance(3.0)
    after = meter.reading().live_tps
    assert before is not None and after is not None
    assert after < before / 3


def test_rate_history_is_sampled_and_bounded() -> None:
    clock = FakeClock()
    meter = SpeedMeter(clock, sample_every_s=0.2, history_len=10)
    meter.request_sent()
    stream(meter, clock, [" x"] * 100, 0.01)  # 1 s of stream: ~5 samples
    history = meter.reading().rate_history
    assert 4 <= len(history) <= 6
    assert all(v == pytest.approx(100.0, rel=0.1) for v in history[1:])
    stream(meter, clock, [" x"] * 1000, 0.01)
    assert len(meter.reading().rate_history) == 10


def test_estimate_until_usage_then_exact() -> None:
    clock = FakeClock()
    meter = SpeedMeter(clock)
    meter.request_sent()
    text = "Here is the fix: `return a + b` in add()."
    meter.feed(TextDelta(text))
    reading = meter.reading()
    assert not reading.tokens_exact
    assert reading.output_tokens == count_tokens(text)
    meter.feed(Usage(prompt_tokens=5, completion_tokens=42))
    reading = meter.reading()
    assert reading.tokens_exact
    assert reading.output_tokens == 42


def test_usage_is_the_last_one_never_the_sum() -> None:
    clock = FakeClock()
    meter = SpeedMeter(clock)
    meter.request_sent()
    for n in range(1, 6):  # Baseten: cumulative usage on every chunk
        meter.feed(TextDelta(" tok"))
        meter.feed(Usage(prompt_tokens=40, completion_tokens=n))
        clock.advance(0.01)
    reading = meter.reading()
    assert reading.output_tokens == 5
    assert reading.tokens_exact


def test_text_after_usage_is_added_to_the_exact_count_as_an_estimate() -> None:
    clock = FakeClock()
    meter = SpeedMeter(clock)
    meter.request_sent()
    meter.feed(Usage(prompt_tokens=40, completion_tokens=0))  # prompt-only usage up front
    meter.feed(TextDelta("one two three"))
    reading = meter.reading()
    assert reading.output_tokens == 3
    assert not reading.tokens_exact


def test_snapshots_count_the_final_text_not_the_sum() -> None:
    clock = FakeClock()
    meter = SpeedMeter(clock)
    meter.request_sent()
    snapshots = [
        "def f(x x x\n  ret x x",
        "def fib(n):\n  ret a b",
        "def fib(n):\n    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b\n    return a",
    ]
    for snap in snapshots:
        meter.feed(TextSnapshot(snap))
        clock.advance(0.1)
    assert meter.reading().output_tokens == count_tokens(snapshots[-1])
    assert meter.reading().chunks == 3


def test_server_rate_is_reported_beside_ours() -> None:
    clock = FakeClock()
    meter = SpeedMeter(clock)
    meter.request_sent()
    meter.feed(TextDelta("x"))
    meter.feed(ServerTiming(decode_tps=1971.5, prefill_ms=1.3))
    meter.feed(ServerTiming(decode_tps=None))  # a later partial timing keeps the rate
    assert meter.reading().server_tps == pytest.approx(1971.5)


def test_request_sent_starts_a_fresh_measurement() -> None:
    clock = FakeClock()
    meter = SpeedMeter(clock)
    meter.request_sent()
    meter.feed(TextDelta("old words here"))
    meter.feed(Usage(completion_tokens=3))
    meter.finish()
    clock.advance(1.0)
    meter.request_sent()
    reading = meter.reading()
    assert reading.output_tokens == 0
    assert reading.ttft_ms is None
    assert not reading.finished


def test_ttft_counts_the_first_tool_argument_fragment() -> None:
    from redline.backends.events import ToolCall, ToolCallDelta

    clock = FakeClock()
    meter = SpeedMeter(clock)
    meter.request_sent()
    clock.advance(0.05)
    meter.feed(ToolCallDelta(0, "c1", "read_file", ""))  # the name alone is not output yet
    clock.advance(0.05)
    meter.feed(ToolCallDelta(0, "c1", "", '{"path": "a.py"}'))
    clock.advance(0.1)
    meter.feed(ToolCallDelta(0, "c1", "", ', "x": 1}'))
    meter.feed(ToolCall("c1", "read_file", '{"path": "a.py", "x": 1}'))
    meter.feed(Finished("tool_calls"))
    reading = meter.reading()
    assert reading.ttft_ms == pytest.approx(100.0)
    assert reading.output_tokens == count_tokens('{"path": "a.py", "x": 1}')


def test_estimate_never_falls_below_the_number_of_content_chunks() -> None:
    # llama.cpp servers send one token a chunk; digits and CJK estimate low per character.
    clock = FakeClock()
    meter = SpeedMeter(clock)
    meter.request_sent()
    pieces = ["1", "2", "3", "4", "日", "本", "語", "x"]
    stream(meter, clock, pieces, 0.01)
    meter.feed(ReasoningDelta("7"))
    meter.feed(ReasoningDelta("8"))
    reading = meter.reading()
    assert reading.output_tokens >= len(pieces) + 2
    assert reading.reasoning_tokens >= 2
    assert not reading.tokens_exact


def test_cached_prompt_tokens_are_read_from_usage() -> None:
    clock = FakeClock()
    meter = SpeedMeter(clock)
    meter.request_sent()
    meter.feed(TextDelta("hello"))
    assert meter.reading().cached_tokens is None
    meter.feed(Usage(prompt_tokens=2048, completion_tokens=1, cached_tokens=1792))
    reading = meter.reading()
    assert reading.cached_tokens == 1792
    assert reading.prompt_tokens == 2048
    assert reading.tokens_exact


def test_diffusion_rate_mid_stream_is_current_text_over_elapsed_time() -> None:
    # A 1,000 tok/s diffusion: the first snapshot already has the answer's length.
    clock = FakeClock()
    meter = SpeedMeter(clock)
    meter.request_sent()
    clock.advance(0.25)
    text = " word" * 1000
    meter.feed(TextSnapshot(text.replace("word", "x")))
    clock.advance(0.5)
    meter.feed(TextSnapshot(text))
    mid = meter.reading()
    tokens = count_tokens(text)
    assert mid.live_tps == pytest.approx(tokens / 0.75)
    assert mid.decode_tps == pytest.approx(tokens / 0.75)
    clock.advance(0.499)
    meter.feed(TextSnapshot(text))
    meter.feed(Usage(completion_tokens=1000))
    meter.feed(Finished("stop"))
    final = meter.reading()
    assert final.output_tokens == 1000 and final.tokens_exact
    assert final.decode_tps == pytest.approx(999 / 0.999)
