"""`redline stats`: the speed history summed up per provider and model.

Prints a table (medians, cost, a sparkline of the decode rate over the latest turns), or with
``--json`` exactly ``{"rows": [...]}`` (DESIGN.md). Damaged history lines are skipped and
counted on stderr. Exit codes: 0 ok (an empty history too), 2 the history cannot be read.
"""

from __future__ import annotations

import argparse
import sys

from redline.agent.history import HistoryLoad, SpeedHistory
from redline.agent.speed_stats import SpeedRow, sparkline, speed_rows
from redline.backends.prices import format_usd
from redline.safety.terminal import json_dumps

EXIT_OK, EXIT_USAGE = 0, 2


def run(args: argparse.Namespace) -> int:
    history = SpeedHistory()
    try:
        loaded = history.load()
    except OSError as exc:
        print(f"redline stats: cannot read {history.path}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    rows = speed_rows(loaded.records)
    if args.json:
        print(json_dumps({"rows": [row.json() for row in rows]}))
    else:
        print(render(rows, history))
    if loaded.damaged:
        print(f"redline stats: {damaged_note(loaded, history)}", file=sys.stderr)
    return EXIT_OK


def damaged_note(loaded: HistoryLoad, history: SpeedHistory) -> str:
    lines = "line" if loaded.damaged == 1 else "lines"
    return f"skipped {loaded.damaged} damaged {lines} in {history.path}"


def printable(text: str, width: int | None = None) -> str:
    """A name from the history file as safe terminal text (it is data, not trusted)."""
    safe = "".join(ch if ch.isprintable() else "?" for ch in text)
    if width is not None and len(safe) > width:
        safe = "…" + safe[-(width - 1) :]
    return safe


def _num(value: float | None, unit: str = "") -> str:
    return "-" if value is None else f"{value:,.0f}{unit}"


def cost_cell(row: SpeedRow) -> str:
    if row.cost_usd_median is None:
        return "-"
    return ("" if row.cost_exact else "~") + format_usd(row.cost_usd_median)


def total_cell(row: SpeedRow) -> str:
    if row.cost_usd_total is None:
        return "-"
    return ("" if row.cost_exact else "~") + format_usd(row.cost_usd_total)


def render(rows: list[SpeedRow], history: SpeedHistory) -> str:
    if not rows:
        return (
            f"No speed history yet ({history.path}). Every turn from the TUI, exec, race and "
            "bench adds a line; try `redline bench`."
        )
    lines = [
        f"{'provider':<14} {'model':<24} {'turns':>5} {'TTFT':>8} {'decode':>12} "
        f"{'end-to-end':>12} {'cost/turn':>10} {'total':>9}  trend"
    ]
    for row in rows:
        lines.append(
            f"{printable(row.provider, 14):<14} {printable(row.model, 24):<24} {row.turns:>5} "
            f"{_num(row.ttft_ms_median, ' ms'):>8} {_num(row.decode_tps_median, ' tok/s'):>12} "
            f"{_num(row.e2e_tps_median, ' tok/s'):>12} {cost_cell(row):>10} "
            f"{total_cell(row):>9}  {sparkline(row.decode_trend)}"
        )
    lines.append("(medians per turn; decode excludes TTFT; trend: decode tok/s, latest turns)")
    return "\n".join(lines)
