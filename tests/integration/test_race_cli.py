"""`redline race` over simulator profiles on real loopback servers."""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

from redline.backends.sim import SimServer

LANE_FIELDS = {
    "provider",
    "model",
    "rank",
    "ttft_ms",
    "decode_tps",
    "e2e_tps",
    "duration_ms",
    "output_tokens",
    "cost_usd",
    "error",
    "text",
}


class TimedSim:
    """A simulator in this process that notes when each completion was served."""

    def __init__(self, profile: str) -> None:
        self.spans: list[tuple[float, float]] = []  # (request read, response done)
        self._lock = threading.Lock()
        self.server = SimServer(profile=profile, log=self._log)

    def _log(self, line: str) -> None:
        if "completions" not in line:
            return
        done = time.perf_counter()
        ms = float(line.rsplit("(", 1)[1].split()[0])
        with self._lock:
            self.spans.append((done - ms / 1000, done))

    def __enter__(self) -> TimedSim:
        self.url = self.server.start_in_thread()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.stop_thread()


def _user_config(text: str) -> None:
    path = Path(os.environ["XDG_CONFIG_HOME"]) / "redline" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_simulated_cerebras_beats_simulated_baseten_and_both_run_at_once(
    run_redline, tmp_path: Path
):
    with TimedSim("cerebras") as fast, TimedSim("baseten") as slow:
        _user_config(
            f'[providers.fast]\nbase_url = "{fast.url}"\n\n[providers.slow]\nbase_url = "{slow.url}"\n'
        )
        result = run_redline(
            "race",
            "add a docstring",
            "-p",
            "slow",
            "-p",
            "fast",
            "--json",
            "--no-context",
            "--max-tokens",
            "300",
            cwd=tmp_path,
        )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert set(report) == {"lanes", "winner"}
    lanes = {lane["provider"]: lane for lane in report["lanes"]}
    assert [lane["provider"] for lane in report["lanes"]] == ["slow", "fast"]  # the order asked
    assert all(set(lane) == LANE_FIELDS for lane in report["lanes"])
    assert report["winner"] == "fast"
    assert lanes["fast"]["rank"] == 1 and lanes["slow"]["rank"] == 2
    # The configured margin: 150 ms and 2,000 tok/s against 400 ms and 340 tok/s.
    assert lanes["fast"]["ttft_ms"] < lanes["slow"]["ttft_ms"]
    assert lanes["fast"]["decode_tps"] > lanes["slow"]["decode_tps"]
    assert lanes["fast"]["duration_ms"] < lanes["slow"]["duration_ms"]
    for lane in lanes.values():
        assert lane["error"] is None and lane["output_tokens"] == 300
        assert lane["text"].startswith("*Simulated reply")
    # Really at once: each server was still answering when the other one's request arrived.
    (fast_start, fast_end), (slow_start, slow_end) = fast.spans[-1], slow.spans[-1]
    assert fast_start < slow_end and slow_start < fast_end


def test_race_on_builtin_profiles_writes_history_and_a_table(run_redline, tmp_path: Path):
    result = run_redline(
        "race",
        "hello",
        "-p",
        "sim:cerebras",
        "-p",
        "sim:mercury",
        "-p",
        "sim:baseten",
        "--no-context",
        "--max-tokens",
        "120",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    table = result.stdout.splitlines()
    assert table[0].split()[:3] == ["rank", "provider", "model"]
    assert table[1].split()[:2] == ["1", "sim:cerebras"]
    assert table[-1] == "winner: sim:cerebras (finished first)"
    assert "first token" in result.stderr  # progress while it ran
    history = Path(os.environ["XDG_STATE_HOME"]) / "redline" / "history.jsonl"
    lines = [json.loads(line) for line in history.read_text().splitlines()]
    assert sorted(line["provider"] for line in lines) == [
        "sim:baseten",
        "sim:cerebras",
        "sim:mercury",
    ]
    assert {line["source"] for line in lines} == {"race"}
    assert all(line["cost_usd"] is not None for line in lines)


def test_a_failing_lane_keeps_its_error_and_the_other_wins(run_redline, tmp_path: Path):
    with TimedSim("cerebras") as good, TimedSim("cerebras") as bad:
        _user_config(
            f'[providers.good]\nbase_url = "{good.url}"\n\n'
            f'[providers.bad]\nbase_url = "{bad.url.removesuffix("/v1")}/fault/500/v1"\n'
        )
        result = run_redline(
            "race",
            "hi",
            "-p",
            "bad",
            "-p",
            "good",
            "--json",
            "--no-context",
            "--max-tokens",
            "50",
            cwd=tmp_path,
        )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    bad_lane, good_lane = report["lanes"]
    assert report["winner"] == "good" and good_lane["rank"] == 1
    assert bad_lane["rank"] is None and bad_lane["error"]["kind"] == "server"


def test_race_usage_errors(run_redline, tmp_path: Path):
    one = run_redline("race", "hi", "-p", "sim", cwd=tmp_path)
    assert one.returncode == 2 and "2 to 4 providers" in one.stderr
    five = run_redline("race", "hi", *["-p", "sim"] * 5, cwd=tmp_path)
    assert five.returncode == 2
    unknown = run_redline("race", "hi", "-p", "sim", "-p", "nosuch", cwd=tmp_path)
    assert unknown.returncode == 2 and "nosuch" in unknown.stderr
    empty = run_redline("race", "  ", "-p", "sim", "-p", "sim", cwd=tmp_path)
    assert empty.returncode == 2 and "prompt is empty" in empty.stderr
