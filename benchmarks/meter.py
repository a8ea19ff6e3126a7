"""Meter accuracy: redline's SpeedMeter against the simulator's configured truth.

For each rate, start ``redline sim`` in its own process (so server and client do not share a
GIL), stream one reply over a warmed keep-alive connection, feed every event to the meter and
compare its decode rate and TTFT with what the simulator was told to do. Baseline: the naive
"events per second" figure a meter that counts chunks as tokens would show.

Prints one JSON object. Usage: python benchmarks/meter.py [--rates 50,340,2000,20000]
[--seconds 4] [--ttft-ms 150]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from redline.backends.events import (  # noqa: E402
    Event,
    Finished,
    ReasoningDelta,
    ServerTiming,
    TextDelta,
    Usage,
)
from redline.backends.meter import SpeedMeter  # noqa: E402


def chat_events(data: str) -> list[Event]:
    """Chat Completions chunk -> events (a minimal raw parser, enough for the simulator)."""
    if data == "[DONE]":
        return [Finished("stop")]
    chunk = json.loads(data)
    events: list[Event] = []
    for choice in chunk.get("choices") or ():
        delta = choice.get("delta") or {}
        reasoning = delta.get("reasoning") or delta.get("reasoning_content")
        if reasoning:
            events.append(ReasoningDelta(reasoning))
        if delta.get("content"):
            events.append(TextDelta(delta["content"]))
    usage = chunk.get("usage")
    if usage:
        details = usage.get("completion_tokens_details") or {}
        events.append(
            Usage(
                usage.get("prompt_tokens"),
                usage.get("completion_tokens"),
                details.get("reasoning_tokens"),
            )
        )
    info = chunk.get("time_info")
    if info and usage and info.get("completion_time"):
        events.append(ServerTiming(decode_tps=usage["completion_tokens"] / info["completion_time"]))
    return events


def start_sim(rate: float, ttft_ms: float) -> tuple[subprocess.Popen[str], str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "redline",
            "sim",
            "--profile",
            "cerebras",
            "--rate",
            str(rate),
            "--ttft",
            str(ttft_ms),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    return proc, line.rsplit(" at ", 1)[1].strip()


def measure(rate: float, tokens: int, ttft_ms: float) -> dict[str, object]:
    proc, url = start_sim(rate, ttft_ms)
    try:
        with httpx.Client(timeout=60) as client:
            client.get(url + "/models")  # warm the connection: TTFT is the server's, not ours
            meter = SpeedMeter(time.perf_counter)
            body = {
                "model": "gpt-oss-120b",
                "stream": True,
                "max_completion_tokens": tokens,
                "messages": [{"role": "user", "content": "benchmark"}],
            }
            chunks = 0
            t_first_chunk = t_last_chunk = 0.0
            meter.request_sent()
            with client.stream("POST", url + "/chat/completions", json=body) as response:
                for line in response.iter_lines():
                    if not line.startswith("data:"):
                        continue
                    for event in chat_events(line[5:].strip()):
                        if isinstance(event, TextDelta | ReasoningDelta):
                            now = time.perf_counter()
                            t_first_chunk = t_first_chunk or now
                            t_last_chunk = now
                            chunks += 1
                        meter.feed(event)
            meter.finish()
    finally:
        proc.terminate()
        proc.wait(10)
    reading = meter.reading()
    decode = reading.decode_tps or 0.0
    naive = (chunks - 1) / (t_last_chunk - t_first_chunk) if chunks > 1 else None
    ttft = reading.ttft_ms or 0.0
    return {
        "rate_truth": rate,
        "tokens": reading.output_tokens,
        "tokens_exact": reading.tokens_exact,
        "decode_tps": round(decode, 2),
        "decode_error_pct": round((decode - rate) / rate * 100, 3),
        "server_tps": reading.server_tps,
        "e2e_tps": round(reading.e2e_tps or 0.0, 2),
        "ttft_truth_ms": ttft_ms,
        "ttft_ms": round(ttft, 2),
        "ttft_error_ms": round(ttft - ttft_ms, 2),
        "chunks": chunks,
        "baseline_chunks_per_s": round(naive, 2) if naive else None,
        "within_target": abs(decode - rate) / rate <= 0.03 and abs(ttft - ttft_ms) <= 10,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rates", default="50,340,2000,20000")
    parser.add_argument("--seconds", type=float, default=4.0, help="streaming time per rate")
    parser.add_argument("--ttft-ms", type=float, default=150.0)
    args = parser.parse_args()
    started = time.perf_counter()
    runs = []
    for rate in (float(r) for r in args.rates.split(",")):
        tokens = max(20, int(rate * args.seconds))
        runs.append(measure(rate, tokens, args.ttft_ms))
    print(
        json.dumps(
            {
                "benchmark": "meter",
                "machine": f"{platform.machine()}, {os.cpu_count()} cpus, Python {platform.python_version()}",
                "targets": {"decode_error_pct": 3.0, "ttft_error_ms": 10.0},
                "runs": runs,
                "all_within_target": all(r["within_target"] for r in runs),
                "total_s": round(time.perf_counter() - started, 1),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
