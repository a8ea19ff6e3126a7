"""`redline stats` over the history that exec and bench write (real simulator, real files)."""

from __future__ import annotations

import json
import os
from pathlib import Path

ROW_FIELDS = {
    "provider",
    "model",
    "turns",
    "ttft_ms_median",
    "decode_tps_median",
    "e2e_tps_median",
    "cost_usd_total",
}


def _history() -> Path:
    return Path(os.environ["XDG_STATE_HOME"]) / "redline" / "history.jsonl"


def test_exec_and_bench_write_the_history_that_stats_reads(run_redline, tmp_path: Path):
    assert run_redline("stats", cwd=tmp_path).stdout.startswith("No speed history yet")
    exec_ = run_redline(
        "exec",
        "hello",
        "--provider",
        "sim",
        "--no-context",
        "--json",
        "--max-tokens",
        "40",
        cwd=tmp_path,
    )
    assert exec_.returncode == 0, exec_.stderr
    stats = json.loads(exec_.stdout)["stats"]
    assert stats["cost_usd"] is not None and stats["cost_usd"] > 0  # the simulated Cerebras price
    bench = run_redline(
        "bench",
        "-p",
        "sim",
        "-p",
        "sim:baseten",
        "--runs",
        "2",
        "--json",
        "--prompt",
        "hi",
        cwd=tmp_path,
    )
    assert bench.returncode == 0, bench.stderr
    progress = [line for line in bench.stderr.splitlines() if line.startswith("[")]
    assert [line.split()[0] for line in progress] == ["[1/4]", "[2/4]", "[3/4]", "[4/4]"]
    lines = [json.loads(line) for line in _history().read_text().splitlines()]
    assert [line["source"] for line in lines] == ["exec", "bench", "bench", "bench", "bench"]
    assert {line["provider"] for line in lines} == {"sim", "sim:baseten"}

    result = run_redline("stats", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert set(report) == {"rows"}
    rows = {row["provider"]: row for row in report["rows"]}
    assert all(set(row) == ROW_FIELDS for row in report["rows"])
    assert rows["sim"]["turns"] == 3 and rows["sim:baseten"]["turns"] == 2
    assert rows["sim"]["ttft_ms_median"] < rows["sim:baseten"]["ttft_ms_median"]
    assert rows["sim"]["decode_tps_median"] > rows["sim:baseten"]["decode_tps_median"]
    assert rows["sim"]["cost_usd_total"] > 0

    table = run_redline("stats", cwd=tmp_path)
    assert table.returncode == 0 and "sim:baseten" in table.stdout and "tok/s" in table.stdout


def test_stats_skips_and_counts_damaged_lines(run_redline, tmp_path: Path):
    path = _history()
    path.parent.mkdir(parents=True)
    good = {"at": "2026-12-01T12:00:00+00:00", "provider": "sim", "model": "m", "ttft_ms": 120}
    path.write_text(
        json.dumps(good) + "\n" + "garbage\x1b[31m\n" + '{"provider": 5}\n' + json.dumps(good)
    )
    result = run_redline("stats", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["rows"][0]["turns"] == 2
    assert "skipped 2 damaged lines" in result.stderr


def test_hostile_names_in_the_history_are_shown_as_plain_text(run_redline, tmp_path: Path):
    path = _history()
    path.parent.mkdir(parents=True)
    hostile = {"at": "2026-12-01T12:00:00", "provider": "evil\x1b]0;pwned\x07", "model": "m\x1b[2J"}
    path.write_text(json.dumps(hostile) + "\n")
    result = run_redline("stats", cwd=tmp_path)
    assert result.returncode == 0 and "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "evil?]0;pwned?" in result.stdout
