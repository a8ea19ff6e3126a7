"""Speed history summed up per provider and model: turns, medians, cost, and a trend over time.

Pure code over ``SpeedRecord``s; ``redline stats``, ``/stats`` and the backend picker read it.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass

from redline.agent.history import SpeedRecord

SPARK_BLOCKS = "▁▂▃▄▅▆▇█"
TREND_POINTS = 24  # the latest turns a row's sparkline shows


@dataclass(slots=True, frozen=True)
class SpeedRow:
    """One provider and model: medians over its turns (None when no turn measured it)."""

    provider: str
    model: str
    turns: int
    ttft_ms_median: float | None
    decode_tps_median: float | None
    e2e_tps_median: float | None
    cost_usd_median: float | None  # per turn, over the turns with a known price
    cost_usd_total: float | None
    cost_exact: bool  # every priced turn was counted from exact tokens
    errors: int
    decode_trend: tuple[float, ...]  # decode tok/s of the latest turns, oldest first
    last_at: str

    def json(self) -> dict[str, object]:
        """The row as ``redline stats --json`` prints it (DESIGN.md's contract)."""
        return {
            "provider": self.provider,
            "model": self.model,
            "turns": self.turns,
            "ttft_ms_median": self.ttft_ms_median,
            "decode_tps_median": self.decode_tps_median,
            "e2e_tps_median": self.e2e_tps_median,
            "cost_usd_total": self.cost_usd_total,
        }


def _median(values: Iterable[float | None], digits: int = 2) -> float | None:
    present = [v for v in values if v is not None]
    return round(statistics.median(present), digits) if present else None


def speed_rows(records: Iterable[SpeedRecord]) -> list[SpeedRow]:
    """One row per (provider, model), most recently used first."""
    groups: dict[tuple[str, str], list[SpeedRecord]] = {}
    for record in sorted(records, key=lambda r: r.at):
        groups.setdefault((record.provider, record.model), []).append(record)
    rows = [_row(provider, model, turns) for (provider, model), turns in groups.items()]
    rows.sort(key=lambda row: row.last_at, reverse=True)
    return rows


def _row(provider: str, model: str, turns: list[SpeedRecord]) -> SpeedRow:
    ok = [t for t in turns if t.error is None]
    priced = [t.cost_usd for t in turns if t.cost_usd is not None]
    trend = [t.decode_tps for t in ok if t.decode_tps is not None][-TREND_POINTS:]
    return SpeedRow(
        provider=provider,
        model=model,
        turns=len(turns),
        ttft_ms_median=_median(t.ttft_ms for t in ok),
        decode_tps_median=_median(t.decode_tps for t in ok),
        e2e_tps_median=_median(t.e2e_tps for t in ok),
        cost_usd_median=_median(priced, 8),
        cost_usd_total=round(sum(priced), 8) if priced else None,
        cost_exact=all(t.cost_exact for t in turns if t.cost_usd is not None),
        errors=len(turns) - len(ok),
        decode_trend=tuple(trend),
        last_at=turns[-1].at,
    )


def by_provider(rows: Iterable[SpeedRow]) -> dict[str, SpeedRow]:
    """The most-used model's row for each provider (what the backend picker shows)."""
    best: dict[str, SpeedRow] = {}
    for row in rows:
        if row.provider not in best or row.turns > best[row.provider].turns:
            best[row.provider] = row
    return best


def sparkline(values: Iterable[float], width: int = TREND_POINTS) -> str:
    """Unicode block sparkline, averaged into at most ``width`` columns."""
    points = list(values)
    if not points:
        return ""
    if len(points) > width:
        step = len(points) / width
        buckets = [
            points[int(i * step) : max(int((i + 1) * step), int(i * step) + 1)]
            for i in range(width)
        ]
        points = [sum(b) / len(b) for b in buckets]
    top = max(points)
    if top <= 0:
        return SPARK_BLOCKS[0] * len(points)
    last = len(SPARK_BLOCKS) - 1
    return "".join(SPARK_BLOCKS[min(last, max(0, round(v / top * last)))] for v in points)


def speed_label(row: SpeedRow) -> str:
    """What the backend picker shows beside a name: ``TTFT 150 ms · 2,000 tok/s`` (medians)."""
    parts = []
    if row.ttft_ms_median is not None:
        parts.append(f"TTFT {row.ttft_ms_median:,.0f} ms")
    if row.decode_tps_median is not None:
        parts.append(f"{row.decode_tps_median:,.0f} tok/s")
    return " · ".join(parts)


def picker_speeds(records: Iterable[SpeedRecord]) -> dict[str, str]:
    """Provider name -> its most-used model's speed label."""
    return {name: speed_label(row) for name, row in by_provider(speed_rows(records)).items()}
