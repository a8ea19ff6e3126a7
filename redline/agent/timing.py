"""Where a turn's wall time went: the model, the tools, and redline itself."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Literal

from redline.backends.meter import MeterReading


@dataclass(slots=True, frozen=True)
class StepTiming:
    ttft_ms: float | None
    decode_tps: float | None
    model_ms: float  # request sent to last byte
    gap_ms: float | None = None  # last byte of the previous answer to this request, less tools


@dataclass(slots=True)
class TurnTiming:
    wall_ms: float = 0.0
    model_ms: float = 0.0
    tool_ms: float = 0.0
    wait_ms: float = 0.0  # waiting for the person to approve
    steps: list[StepTiming] = field(default_factory=list)

    @property
    def overhead_ms(self) -> float:
        return max(0.0, self.wall_ms - self.model_ms - self.tool_ms - self.wait_ms)


def combined(readings: list[MeterReading], wall_ms: float) -> MeterReading | None:
    """One reading for a turn of several answers: the first TTFT, tokens summed, wall time."""
    if not readings:
        return None
    if len(readings) == 1:
        return readings[0]
    first, last = readings[0], readings[-1]
    exact = all(r.tokens_exact for r in readings)
    tokens = sum(r.output_tokens for r in readings)
    reported = all(r.prompt_tokens is not None for r in readings)
    return replace(
        last,
        requests=sum(r.requests for r in readings),
        billed_prompt_tokens=sum(r.prompt_tokens or 0 for r in readings) if reported else None,
        billed_cached_tokens=sum(r.cached_tokens or 0 for r in readings) if reported else None,
        ttft_ms=first.ttft_ms,
        output_tokens=tokens,
        tokens_exact=exact,
        reasoning_tokens=sum(r.reasoning_tokens for r in readings),
        duration_ms=wall_ms,
        e2e_tps=tokens / (wall_ms / 1000) if wall_ms > 0 else None,
        rate_history=tuple(x for r in readings for x in r.rate_history),
        chunks=sum(r.chunks for r in readings),
    )


Phase = Literal["model", "tool", "wait", "redline"]


@dataclass(slots=True, frozen=True)
class SplitReading:
    """Where the running turn's time went so far (the phase running now included)."""

    steps: int
    model_ms: float
    tool_ms: float
    wait_ms: float
    overhead_ms: float
    used_tools: bool

    def label(self) -> str:
        return (
            f"{self.steps} steps · model {self.model_ms / 1000:.2f} s · "
            f"tools {self.tool_ms / 1000:.2f} s · redline {self.overhead_ms:,.0f} ms"
        )


class PhaseClock:
    """Every instant of a turn belongs to one phase; switching is two assignments and a clock
    read, done only at step and tool boundaries (never per streamed event). The front end
    reads it a few times a second for the live split."""

    __slots__ = ("_clock", "_since", "phase", "spent", "steps", "used_tools")

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._since = clock()
        self.phase: Phase = "redline"
        self.spent: dict[Phase, float] = {"model": 0.0, "tool": 0.0, "wait": 0.0, "redline": 0.0}
        self.steps = 0
        self.used_tools = False

    def enter(self, phase: Phase) -> None:
        now = self._clock()
        self.spent[self.phase] += now - self._since
        self.phase, self._since = phase, now
        if phase == "model":
            self.steps += 1
        elif phase == "tool":
            self.used_tools = True

    def reading(self) -> SplitReading:
        spent = dict(self.spent)
        spent[self.phase] += self._clock() - self._since
        return SplitReading(
            self.steps,
            spent["model"] * 1000,
            spent["tool"] * 1000,
            spent["wait"] * 1000,
            spent["redline"] * 1000,
            self.used_tools,
        )
