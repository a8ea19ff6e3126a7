"""Snapshot of /stats: the speed history per provider and model, with a damaged line counted."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from redline.agent.history import SpeedHistory, SpeedRecord
from redline.tui.screens.stats import StatsScreen
from tests.helpers_tui import make_app, settle

WIDE = (120, 30)


def _history(tmp_path: Path) -> SpeedHistory:
    history = SpeedHistory(tmp_path / "history.jsonl")
    figures = [
        ("sim:cerebras", "gpt-oss-120b", 150.0, 2000.0, 1250.0, 0.0005),
        ("sim:cerebras", "gpt-oss-120b", 160.0, 1900.0, 1200.0, 0.0005),
        ("sim:cerebras", "gpt-oss-120b", 140.0, 2100.0, 1300.0, 0.0006),
        ("sim:baseten", "moonshotai/Kimi-K2.5", 400.0, 340.0, 270.0, 0.0017),
        ("sim:baseten", "moonshotai/Kimi-K2.5", 420.0, 330.0, 260.0, 0.0016),
        ("llamacpp", "/models/gemma-3-270m-q4_k_m.gguf", 90.0, 23.0, 20.0, 0.0),
    ]
    for minute, (provider, model, ttft, decode, e2e, cost) in enumerate(figures):
        history.append(
            SpeedRecord(
                at=f"2026-12-01T12:{minute:02d}:00+00:00",
                provider=provider,
                model=model,
                ttft_ms=ttft,
                decode_tps=decode,
                e2e_tps=e2e,
                cost_usd=cost,
                cost_exact=True,
            )
        )
    with history.path.open("a") as handle:
        handle.write(json.dumps({"provider": "torn"})[:-3] + "\n")
    return history


class TestStats:
    def test_stats_screen(self, snap_compare: Any, tmp_path: Path) -> None:
        history = _history(tmp_path)

        async def run_before(pilot: Pilot[None]) -> None:
            await settle(pilot)
            await pilot.app.push_screen(StatsScreen(history, load_now=True))
            await pilot.pause(0.1)

        assert snap_compare(make_app(provider="sim"), terminal_size=WIDE, run_before=run_before)
