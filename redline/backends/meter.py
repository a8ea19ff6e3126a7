"""The speed meter (DESIGN.md "The meter"): pure code with an injected clock.

Owner: the simulator/meter work. ``MeterReading`` is the contract the TUI, ``exec --json``
and the benchmarks read; its fields may grow but not change meaning.

- TTFT: ``request_sent()`` to the first event with non-empty text, reasoning, snapshot or
  tool-call arguments (``ToolCallDelta``).
- Live rate: tokens over a sliding window (~1 s), sampled into ``rate_history`` for a sparkline.
- Decode rate: tokens after the first content event over the time after it; with one token a
  chunk that is DESIGN.md's (N - 1) / (t_last - t_first), and it stays honest when a server
  batches several tokens into one chunk.
- End-to-end rate: N / (t_end - t0).
- N is exact once a ``Usage`` with ``completion_tokens`` arrives after the last text (the last
  one wins, never summed); before that it is the estimate of ``redline.backends.tokens``.
- ``TextSnapshot`` replaces the answer, so only the latest snapshot is counted. While
  snapshots stream (Mercury diffusion) the rate that means something is the tokens of the
  current text over the time since the request was sent: that is the live and decode figure
  until the end, when the decode rate is DESIGN.md's over the final text.
- The estimate never falls below the number of non-empty deltas: a server sends at least one
  token per content chunk (llama.cpp servers send exactly one).
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from redline.backends.events import (
    Event,
    Finished,
    ReasoningDelta,
    ServerTiming,
    StreamError,
    TextDelta,
    TextSnapshot,
    ToolCallDelta,
    Usage,
)
from redline.backends.tokens import TokenCounter

Clock = Callable[[], float]


@dataclass(slots=True, frozen=True)
class MeterReading:
    """One consistent look at the meter. Rates in tokens/s, times in ms."""

    ttft_ms: float | None = None
    live_tps: float | None = None  # sliding ~1 s window
    decode_tps: float | None = None  # (N - 1) / (t_last - t_first)
    e2e_tps: float | None = None  # N / (t_end - t0)
    server_tps: float | None = None  # what the server reported, when it did
    output_tokens: int = 0  # completion tokens (answer + reasoning)
    tokens_exact: bool = False  # False: an estimate, shown with "~"
    reasoning_tokens: int = 0
    prompt_tokens: int | None = None
    cached_tokens: int | None = None  # prompt tokens the provider served from its cache
    duration_ms: float = 0.0
    rate_history: tuple[float, ...] = ()  # live rate samples over the turn, for a sparkline
    finished: bool = False
    chunks: int = 0  # content events received (chunks are not tokens)
    # A turn of several requests (agent steps): ``prompt_tokens`` / ``cached_tokens`` stay the
    # last request's (the context's size); what all of them were billed for is here, summed
    # from each request's usage (None when one sent none).
    requests: int = 1
    billed_prompt_tokens: int | None = None
    billed_cached_tokens: int | None = None


class SpeedMeter:
    """Feed it every event of one request; read it at any time."""

    def __init__(
        self,
        clock: Clock = time.perf_counter,
        *,
        window_s: float = 1.0,
        sample_every_s: float = 0.2,
        history_len: int = 300,
    ) -> None:
        self._clock = clock
        self._window_s = window_s
        self._sample_every_s = sample_every_s
        self._history_len = history_len
        self._reset(None)

    def _reset(self, t0: float | None) -> None:
        self._t0 = t0
        self._t_first: float | None = None
        self._t_last: float | None = None
        self._t_end: float | None = None
        self._answer = TokenCounter()
        self._reasoning = TokenCounter()
        self._first_tokens = 0
        self._chunks = 0
        self._answer_deltas = 0  # non-empty answer deltas: each carries at least one token
        self._reasoning_deltas = 0
        self._snapshots = False  # the answer came as whole-text snapshots
        # Exact counts from the last Usage, and the estimates at the moment it arrived.
        self._exact_total: int | None = None
        self._exact_reasoning: int | None = None
        self._est_total_at_usage = 0
        self._est_reasoning_at_usage = 0
        self._prompt_tokens: int | None = None
        self._cached_tokens: int | None = None
        self._server_tps: float | None = None
        # (time, N) after each change, trimmed to the window plus one baseline entry.
        self._window: deque[tuple[float, int]] = deque()
        self._history: deque[float] = deque(maxlen=self._history_len)
        self._next_sample: float | None = None

    # -- input ---------------------------------------------------------------------------

    def request_sent(self) -> None:
        """Mark t0: the request has left. Starts a fresh measurement."""
        self._reset(self._clock())

    def feed(self, event: Event) -> None:
        """Account for one event at the clock's current time."""
        now = self._clock()
        if self._t0 is None:
            self._t0 = now
        if isinstance(event, TextDelta | ReasoningDelta | TextSnapshot):
            if not event.text:
                return
            if isinstance(event, TextDelta):
                self._answer.add(event.text)
                self._answer_deltas += 1
            elif isinstance(event, ReasoningDelta):
                self._reasoning.add(event.text)
                self._reasoning_deltas += 1
            else:
                self._answer.reset(event.text)
                self._answer_deltas = 0
                self._snapshots = True
            self._content_at(now, snapshot=isinstance(event, TextSnapshot))
        elif isinstance(event, ToolCallDelta):
            if event.arguments:  # tool arguments are output tokens too (and count for TTFT)
                self._answer.add(event.arguments)
                self._content_at(now, snapshot=False)
        elif isinstance(event, Usage):
            self._usage(event)
            if self._t_first is not None:
                self._record(now)
        elif isinstance(event, ServerTiming):
            if event.decode_tps is not None and event.decode_tps > 0:
                self._server_tps = event.decode_tps
        elif isinstance(event, Finished | StreamError):
            self._end(now)
        self._maybe_sample(now)

    def finish(self) -> None:
        """Mark the end of the stream (normal, error or interrupt)."""
        self._end(self._clock())

    def _end(self, now: float) -> None:
        if self._t_end is None:
            if self._t0 is None:
                self._t0 = now
            self._t_end = now

    def _content_at(self, now: float, *, snapshot: bool) -> None:
        self._chunks += 1
        if self._t_first is None:
            self._t_first = now
            self._first_tokens = 1 if snapshot else max(1, self._total())
        self._t_last = now
        self._record(now)

    def _usage(self, usage: Usage) -> None:
        if usage.prompt_tokens is not None:
            self._prompt_tokens = usage.prompt_tokens
        if usage.cached_tokens is not None:
            self._cached_tokens = usage.cached_tokens
        if usage.completion_tokens is not None:
            self._exact_total = usage.completion_tokens
            self._est_total_at_usage = self._estimated_total()
        if usage.reasoning_tokens is not None:
            self._exact_reasoning = usage.reasoning_tokens
            self._est_reasoning_at_usage = self._reasoning_estimate()

    def _record(self, now: float) -> None:
        window = self._window
        window.append((now, self._total()))
        horizon = now - self._window_s
        while len(window) > 2 and window[1][0] <= horizon:
            window.popleft()

    def _maybe_sample(self, now: float) -> None:
        if self._t_first is None or self._t_end is not None:
            return
        if self._next_sample is None:
            self._next_sample = self._t_first + self._sample_every_s
        if now >= self._next_sample:
            live = self._live(now)
            self._history.append(live if live is not None else 0.0)
            steps = int((now - self._next_sample) / self._sample_every_s) + 1
            self._next_sample += steps * self._sample_every_s

    # -- counts --------------------------------------------------------------------------

    def _reasoning_estimate(self) -> int:
        return max(self._reasoning.count, self._reasoning_deltas)

    def _estimated_total(self) -> int:
        return max(self._answer.count, self._answer_deltas) + self._reasoning_estimate()

    def _total(self) -> int:
        estimate = self._estimated_total()
        if self._exact_total is None:
            return estimate
        return self._exact_total + max(0, estimate - self._est_total_at_usage)

    def _exact(self) -> bool:
        return self._exact_total is not None and self._estimated_total() == self._est_total_at_usage

    def _reasoning_total(self) -> int:
        estimate = self._reasoning_estimate()
        if self._exact_reasoning is None:
            return estimate
        return self._exact_reasoning + max(0, estimate - self._est_reasoning_at_usage)

    def _diffusing_rate(self, now: float) -> float | None:
        """Tokens of the current text over the time since the request (snapshot streams)."""
        if self._t0 is None or now <= self._t0:
            return None
        return self._total() / (now - self._t0)

    def _live(self, now: float) -> float | None:
        if not self._window or self._t_first is None:
            return None
        if self._snapshots:
            return self._diffusing_rate(now)
        horizon = now - self._window_s
        base_t, base_n = self._window[0]
        for t, n in self._window:
            if t > horizon:
                break
            base_t, base_n = t, n
        span = now - base_t
        if span <= 0:
            return None
        return max(0.0, (self._total() - base_n) / span)

    # -- output --------------------------------------------------------------------------

    def reading(self) -> MeterReading:
        """The meter now (frozen at the end once the stream has finished)."""
        now = self._t_end if self._t_end is not None else self._clock()
        self._maybe_sample(now)
        t0 = self._t0
        total = self._total()
        ttft_ms = None
        decode = None
        e2e = None
        if t0 is not None and self._t_first is not None:
            ttft_ms = (self._t_first - t0) * 1000.0
        if self._t_first is not None and self._t_last is not None:
            span = self._t_last - self._t_first
            after_first = total - self._first_tokens
            if self._snapshots and self._t_end is None:
                decode = self._diffusing_rate(now)
            elif span > 0 and after_first > 0:
                decode = after_first / span
        if t0 is not None and now > t0 and self._t_first is not None:
            e2e = total / (now - t0)
        return MeterReading(
            ttft_ms=ttft_ms,
            live_tps=self._live(now),
            decode_tps=decode,
            e2e_tps=e2e,
            server_tps=self._server_tps,
            output_tokens=total,
            tokens_exact=self._exact(),
            reasoning_tokens=self._reasoning_total(),
            prompt_tokens=self._prompt_tokens,
            cached_tokens=self._cached_tokens,
            duration_ms=(now - t0) * 1000.0 if t0 is not None else 0.0,
            rate_history=tuple(self._history),
            finished=self._t_end is not None,
            chunks=self._chunks,
        )
