"""Where a turn's wall time went: the model, the tools, and redline itself."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

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
    return replace(
        last,
        ttft_ms=first.ttft_ms,
        output_tokens=tokens,
        tokens_exact=exact,
        reasoning_tokens=sum(r.reasoning_tokens for r in readings),
        duration_ms=wall_ms,
        e2e_tps=tokens / (wall_ms / 1000) if wall_ms > 0 else None,
        rate_history=tuple(x for r in readings for x in r.rate_history),
        chunks=sum(r.chunks for r in readings),
    )
