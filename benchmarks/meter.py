"""Meter accuracy: redline's SpeedMeter against the simulator's configured truth.

For each rate, start ``redline sim`` in its own process (so server and client do not share a
GIL), stream one reply through redline's StreamClient over a warmed keep-alive connection,
feed every event to the meter and compare its decode rate and TTFT with what the simulator was told to do. Baseline: the naive
"events per second" figure a meter that counts chunks as tokens would show.

TTFT is the median of the long reply's and a few short replies' (``--probes``): on a shared
machine one sample can land on a scheduler hiccup. Prints one JSON object. Usage: python benchmarks/meter.py [--rates 50,340,2000,20000]
[--seconds 4] [--ttft-ms 150]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from redline.backends.client import StreamClient  # noqa: E402
from redline.backends.events import ReasoningDelta, TextDelta, Usage  # noqa: E402
from redline.backends.meter import MeterReading, SpeedMeter  # noqa: E402
from redline.backends.presets import PRESETS  # noqa: E402
from redline.backends.request import ChatRequest, Message  # noqa: E402


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


def _request(tokens: int) -> ChatRequest:
    return ChatRequest(
        model="gpt-oss-120b", messages=(Message("user", "benchmark"),), max_tokens=tokens
    )


async def ttft_probes(client: StreamClient, count: int) -> list[float]:
    """TTFT of ``count`` short replies: one sample is at the mercy of the OS scheduler."""
    samples = []
    for _ in range(count):
        meter = SpeedMeter(time.perf_counter)
        meter.request_sent()
        async for event in client.stream(_request(20)):
            meter.feed(event)
        samples.append(meter.reading().ttft_ms or 0.0)
    return samples


async def stream_once(
    url: str, tokens: int, probes: int
) -> tuple[SpeedMeter, MeterReading | None, int, float, float, list[float]]:
    """One reply through redline's StreamClient into its SpeedMeter, plus TTFT probes."""
    client = StreamClient(PRESETS["sim"], base_url=url)
    try:
        await client.warm()  # connection open: TTFT is the server's, not a handshake
        request = _request(tokens)
        meter = SpeedMeter(time.perf_counter)
        chunks = 0
        first = last = 0.0
        before_usage: MeterReading | None = None  # the estimate, just before exact counts
        meter.request_sent()
        async for event in client.stream(request):
            if isinstance(event, Usage) and before_usage is None:
                before_usage = meter.reading()
            if isinstance(event, TextDelta | ReasoningDelta):
                last = time.perf_counter()
                first = first or last
                chunks += 1
            meter.feed(event)
        meter.finish()
        samples = await ttft_probes(client, probes)
    finally:
        await client.aclose()
    return meter, before_usage, chunks, first, last, samples


def measure(rate: float, tokens: int, ttft_ms: float, probes: int) -> dict[str, object]:
    proc, url = start_sim(rate, ttft_ms)
    try:
        meter, estimate, chunks, t_first_chunk, t_last_chunk, samples = asyncio.run(
            stream_once(url, tokens, probes)
        )
    finally:
        proc.terminate()
        proc.wait(10)
    reading = meter.reading()
    decode = reading.decode_tps or 0.0
    naive = (chunks - 1) / (t_last_chunk - t_first_chunk) if chunks > 1 else None
    samples = [reading.ttft_ms or 0.0, *samples]
    ttft = statistics.median(samples)
    return {
        "rate_truth": rate,
        "tokens": reading.output_tokens,
        "tokens_exact": reading.tokens_exact,
        "decode_tps": round(decode, 2),
        "decode_error_pct": round((decode - rate) / rate * 100, 3),
        "decode_tps_from_estimate": round(estimate.decode_tps or 0.0, 2) if estimate else None,
        "estimated_tokens": estimate.output_tokens if estimate else None,
        "server_tps": reading.server_tps,
        "e2e_tps": round(reading.e2e_tps or 0.0, 2),
        "ttft_truth_ms": ttft_ms,
        "ttft_ms_median": round(ttft, 2),
        "ttft_error_ms": round(ttft - ttft_ms, 2),
        "ttft_ms_samples": [round(x, 1) for x in samples],
        "chunks": chunks,
        "baseline_chunks_per_s": round(naive, 2) if naive else None,
        "within_target": abs(decode - rate) / rate <= 0.03 and abs(ttft - ttft_ms) <= 10,
    }


def feed_cost_us(events: int = 100_000) -> float:
    """Microseconds the meter spends per one-token event (the stream path must stay cheap)."""
    from redline.backends.sim.replies import ReplyRequest, build_reply

    reply = build_reply(ReplyRequest("", "", "x", events, False), profile="p", model="m")
    deltas = [TextDelta(t) for t in reply.tokens]
    meter = SpeedMeter(time.perf_counter)
    meter.request_sent()
    started = time.perf_counter()
    for delta in deltas:
        meter.feed(delta)
    return (time.perf_counter() - started) / len(deltas) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rates", default="50,340,2000,20000")
    parser.add_argument("--seconds", type=float, default=3.0, help="streaming time per rate")
    parser.add_argument("--ttft-ms", type=float, default=150.0)
    parser.add_argument("--probes", type=int, default=6, help="extra short replies for TTFT")
    args = parser.parse_args()
    started = time.perf_counter()
    runs = []
    for rate in (float(r) for r in args.rates.split(",")):
        tokens = max(20, int(rate * args.seconds))
        runs.append(measure(rate, tokens, args.ttft_ms, args.probes))
    print(
        json.dumps(
            {
                "benchmark": "meter",
                "machine": f"{platform.machine()}, {os.cpu_count()} cpus, Python {platform.python_version()}",
                "load_average_1m": round(os.getloadavg()[0], 2),
                "targets": {"decode_error_pct": 3.0, "ttft_error_ms": 10.0},
                "runs": runs,
                "meter_feed_us_per_event": round(feed_cost_us(), 2),
                "all_within_target": all(r["within_target"] for r in runs),
                "total_s": round(time.perf_counter() - started, 1),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
