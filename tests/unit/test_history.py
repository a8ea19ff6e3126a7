"""The speed history file: append-only lines, damage skipped and counted, medians per model."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from redline.agent.history import SpeedHistory, SpeedRecord, parse_record, record_of
from redline.agent.speed_stats import by_provider, picker_speeds, sparkline, speed_rows
from redline.backends.meter import MeterReading
from redline.backends.prices import Cost


def _record(provider: str, model: str, minute: int, **figures: object) -> SpeedRecord:
    at = (datetime(2026, 12, 1, 12, 0, tzinfo=UTC) + timedelta(minutes=minute)).isoformat()
    return SpeedRecord(at=at, provider=provider, model=model, **figures)  # type: ignore[arg-type]


def test_a_turn_becomes_one_line_and_reads_back(tmp_path: Path):
    history = SpeedHistory(tmp_path / "state" / "history.jsonl")
    reading = MeterReading(
        ttft_ms=151.234,
        decode_tps=1999.5,
        e2e_tps=1200.0,
        server_tps=2000.0,
        output_tokens=512,
        tokens_exact=True,
        prompt_tokens=300,
        reasoning_tokens=20,
        duration_ms=410.0,
        finished=True,
    )
    record = record_of(
        reading,
        provider="sim",
        model="gpt-oss-120b",
        source="exec",
        cost=Cost(0.000489, True),
        cached_tokens=100,
        tool_steps=2,
        now=lambda: datetime(2026, 12, 1, tzinfo=UTC),
    )
    history.append(record)
    history.append(record)
    lines = history.path.read_text().splitlines()
    assert len(lines) == 2 and json.loads(lines[0])["ttft_ms"] == 151.23
    loaded = history.load()
    assert loaded.damaged == 0 and loaded.records == (record, record)
    assert record.cached_tokens == 100 and record.tool_steps == 2 and record.cost_exact


def test_damaged_lines_are_skipped_counted_and_never_rewritten(tmp_path: Path):
    history = SpeedHistory(tmp_path / "history.jsonl")
    good = _record("sim", "m", 0, ttft_ms=100.0)
    history.append(good)
    damage = [
        "{not json",
        "[1, 2]",
        '{"at": "x", "provider": "sim"}',  # no model
        '{"at": "x", "provider": "sim", "model": "m", "ttft_ms": "fast"}',
        '{"at": "x", "provider": "sim", "model": "m", "output_tokens": -3}',
        '{"at": "x", "provider": "sim", "model": "m", "tokens_exact": 1}',
        "[" * 100_000,  # deep nesting must not crash the reader
    ]
    with history.path.open("a") as handle:
        handle.write("\n".join(damage) + "\n")
        handle.write('{"at": "2026-12-01T12:05", "provider": "sim", "model": "m", "ttft')  # torn
    before = history.path.read_bytes()
    later = _record("sim", "m", 9, ttft_ms=300.0)
    history.append(later)  # starts on a fresh line: the torn line stays one damaged line
    after = history.path.read_bytes()
    assert after.startswith(before) and after[len(before) : len(before) + 1] == b"\n"
    loaded = history.load()
    assert loaded.records == (good, later)
    assert loaded.damaged == len(damage) + 1


def test_unknown_fields_are_ignored_so_newer_lines_still_read():
    line = '{"at": "t", "provider": "p", "model": "m", "future_field": [1], "ttft_ms": 5}'
    assert parse_record(line).ttft_ms == 5


def test_missing_file_is_an_empty_history(tmp_path: Path):
    loaded = SpeedHistory(tmp_path / "nothing.jsonl").load()
    assert loaded.records == () and loaded.damaged == 0


def test_rows_are_medians_per_provider_and_model_latest_first():
    records = [
        _record("sim", "a", 0, ttft_ms=100.0, decode_tps=1000.0, e2e_tps=500.0, cost_usd=0.1),
        _record("sim", "a", 1, ttft_ms=300.0, decode_tps=3000.0, e2e_tps=900.0, cost_usd=0.3),
        _record("sim", "a", 2, ttft_ms=200.0, decode_tps=2000.0, e2e_tps=700.0, cost_usd=0.2),
        _record("sim", "a", 3, error="network"),  # counted, not in the medians
        _record("sim:baseten", "k", 4, ttft_ms=400.0, decode_tps=340.0),
    ]
    rows = speed_rows(records)
    assert [(r.provider, r.model) for r in rows] == [("sim:baseten", "k"), ("sim", "a")]
    sim = rows[1]
    assert sim.turns == 4 and sim.errors == 1
    assert (sim.ttft_ms_median, sim.decode_tps_median, sim.e2e_tps_median) == (
        200.0,
        2000.0,
        700.0,
    )
    assert sim.cost_usd_median == 0.2 and sim.cost_usd_total == 0.6
    assert sim.decode_trend == (1000.0, 3000.0, 2000.0)
    assert rows[0].cost_usd_total is None  # no price known for any of its turns
    assert set(sim.json()) == {
        "provider",
        "model",
        "turns",
        "ttft_ms_median",
        "decode_tps_median",
        "e2e_tps_median",
        "cost_usd_total",
    }
    assert by_provider(rows)["sim"] is sim
    assert picker_speeds(records) == {
        "sim": "TTFT 200 ms · 2,000 tok/s",
        "sim:baseten": "TTFT 400 ms · 340 tok/s",
    }


def test_sparkline_scales_to_the_highest_point():
    assert sparkline([1.0, 2.0, 4.0, 8.0]) == "▂▃▅█"
    assert sparkline([]) == "" and sparkline([0.0, 0.0]) == "▁▁"
    assert len(sparkline([float(i) for i in range(100)], width=10)) == 10
