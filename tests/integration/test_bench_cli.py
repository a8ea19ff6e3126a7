"""`redline bench` against the built-in simulator."""

from __future__ import annotations

import json
from pathlib import Path


def test_bench_json_over_two_simulated_providers(run_redline, tmp_path: Path):
    result = run_redline(
        "bench",
        "--provider",
        "sim",
        "--provider",
        "sim:mercury",
        "--runs",
        "2",
        "--json",
        "--prompt",
        "hello",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert [s["provider"] for s in report["summary"]] == ["sim", "sim:mercury"]
    for row in report["summary"]:
        assert row["ok_runs"] == row["runs"] == 2
        assert row["ttft_ms"] > 0 and row["decode_tps"] > 0 and row["tokens_exact"] is True
        assert row["output_tokens"] == 512
    assert len(report["runs"]) == 4 and report["prompt"] == "hello"


def test_bench_table_and_errors(run_redline, tmp_path: Path):
    table = run_redline("bench", "--provider", "sim", "--runs", "1", cwd=tmp_path)
    assert table.returncode == 0, table.stderr
    assert "sim" in table.stdout and "tok/s" in table.stdout
    missing = run_redline("bench", "--provider", "cerebras", "--runs", "1", cwd=tmp_path)
    assert missing.returncode == 3 and "CEREBRAS_API_KEY is not set" in missing.stderr
    assert run_redline("bench", "--runs", "0", cwd=tmp_path).returncode == 2
    assert run_redline("bench", "--provider", "nosuch", cwd=tmp_path).returncode == 2
