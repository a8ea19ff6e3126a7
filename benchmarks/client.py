"""Client speed: events parsed per second, and the time to first token the client adds.

A loopback HTTP server in its own process (pinned to another core when there are two) serves
(1) a large synthetic Chat Completions SSE body and (2) a short reply many times over. The
client process is pinned to one core. Measured side by side in the same run:

- events/s: redline's ``StreamClient.stream`` (SSE + JSON + events) against two baselines on
  the same body: raw ``httpx`` reading bytes, and ``httpx-sse`` + ``json.loads`` with no events.
- added TTFT: request -> first ``TextDelta`` through redline, minus request -> first body bytes
  read raw with ``httpx`` (both on warmed keep-alive connections), median over many runs.
- cancel: ``task.cancel()`` -> the stream's task done (the connection closed), median.

Prints one JSON object. Usage: python benchmarks/client.py [--events 200000] [--runs 300]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import httpx_sse  # noqa: E402

from redline.backends.client import StreamClient  # noqa: E402
from redline.backends.events import TextDelta  # noqa: E402
from redline.backends.presets import ProviderPreset  # noqa: E402
from redline.backends.request import ChatRequest, Message  # noqa: E402
from tests.helpers_client import (  # noqa: E402
    LoopbackServer,
    Reply,
    chat_chunk,
    sse_reply,
    synthetic_chat_body,
)

REQUEST = ChatRequest("bench", (Message("user", "hi"),))
BODY = {"model": "bench", "messages": [{"role": "user", "content": "hi"}], "stream": True}


def _pin(core: int) -> None:
    if hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) > 1:
        os.sched_setaffinity(0, {core})


def _serve(events: int, conn: multiprocessing.connection.Connection) -> None:
    _pin(1)
    short = synthetic_chat_body(3)
    routes = {
        "/v1/big/chat/completions": sse_reply(synthetic_chat_body(events), split=65536),
        "/v1/chat/completions": sse_reply(short),
        "/v1/stall/chat/completions": Reply(chunks=[chat_chunk("x")], stall_s=30),
    }
    with LoopbackServer(routes) as srv:  # type: ignore[arg-type]
        conn.send(srv.url)
        conn.recv()  # until told to stop


async def _raw_bytes(http: httpx.AsyncClient, url: str) -> float:
    t0 = time.perf_counter()
    async with http.stream("POST", url, json=BODY) as response:
        async for _ in response.aiter_bytes():
            pass
    return time.perf_counter() - t0


async def _httpx_sse(http: httpx.AsyncClient, url: str) -> float:
    t0 = time.perf_counter()
    async with http.stream("POST", url, json=BODY) as response:
        async for sse in httpx_sse.EventSource(response).aiter_sse():
            if sse.data != "[DONE]":
                json.loads(sse.data)
    return time.perf_counter() - t0


async def _redline(client: StreamClient) -> tuple[float, int]:
    t0 = time.perf_counter()
    n = 0
    async for _ in client.stream(REQUEST):
        n += 1
    return time.perf_counter() - t0, n


async def _turn_loop(client: StreamClient) -> float:
    """The whole turn loop: client, speed meter and a no-op sink, as the TUI drives it."""
    from redline.agent import Conversation, TurnLoop
    from redline.backends.selection import Backend

    backend = Backend("bench", client.preset, "bench", client, "benchmark")
    loop = TurnLoop(backend, Conversation())
    t0 = time.perf_counter()
    await loop.run("hi", sink=lambda event: None)
    return time.perf_counter() - t0


async def throughput(url: str, events: int, repeats: int) -> dict[str, object]:
    big = url + "/big"
    async with httpx.AsyncClient(timeout=60) as http:
        client = StreamClient(ProviderPreset("bench", big, None))
        raw, sse, ours, looped = [], [], [], []
        counted = 0
        for _ in range(repeats):
            raw.append(await _raw_bytes(http, big + "/chat/completions"))
            sse.append(await _httpx_sse(http, big + "/chat/completions"))
            took, counted = await _redline(client)
            ours.append(took)
            looped.append(await _turn_loop(client))
        await client.aclose()
    return {
        "events": events,
        "events_emitted": counted,
        "redline_events_per_s": round(events / min(ours)),
        "redline_turn_loop_with_meter_events_per_s": round(events / min(looped)),
        "baseline_httpx_raw_bytes_events_per_s": round(events / min(raw)),
        "baseline_httpx_sse_json_events_per_s": round(events / min(sse)),
        "repeats": repeats,
    }


async def added_ttft(url: str, runs: int) -> dict[str, object]:
    endpoint = url + "/chat/completions"
    raw_ms, ours_ms = [], []
    async with httpx.AsyncClient(timeout=10) as http:
        client = StreamClient(ProviderPreset("bench", url, None))
        for _ in range(20):  # warm both pools and the code paths
            await _first_raw(http, endpoint)
            await _first_ours(client)
        for i in range(runs):
            if i % 2:
                raw_ms.append(await _first_raw(http, endpoint))
                ours_ms.append(await _first_ours(client))
            else:
                ours_ms.append(await _first_ours(client))
                raw_ms.append(await _first_raw(http, endpoint))
        await client.aclose()
    raw_med, ours_med = statistics.median(raw_ms), statistics.median(ours_ms)
    return {
        "runs": runs,
        "baseline_httpx_raw_first_bytes_ms_median": round(raw_med, 3),
        "redline_first_text_ms_median": round(ours_med, 3),
        "added_ttft_ms_median": round(ours_med - raw_med, 3),
        "added_ttft_ms_p90": round(
            statistics.quantiles(ours_ms, n=10)[-1] - statistics.quantiles(raw_ms, n=10)[-1], 3
        ),
    }


async def _first_raw(http: httpx.AsyncClient, endpoint: str) -> float:
    t0 = time.perf_counter()
    took = 0.0
    async with http.stream("POST", endpoint, json=BODY) as response:
        async for _ in response.aiter_raw():  # read it all so the connection is reused
            if not took:
                took = (time.perf_counter() - t0) * 1000
    return took


async def _first_ours(client: StreamClient) -> float:
    t0 = time.perf_counter()
    took = 0.0
    async for event in client.stream(REQUEST):
        if type(event) is TextDelta and not took:
            took = (time.perf_counter() - t0) * 1000
    return took


async def cancel_latency(url: str, runs: int) -> dict[str, object]:
    client = StreamClient(ProviderPreset("bench", url + "/stall", None))
    took: list[float] = []
    for _ in range(runs):
        got = asyncio.Event()

        async def consume(got: asyncio.Event = got) -> None:
            async for event in client.stream(REQUEST):
                if type(event) is TextDelta:
                    got.set()

        task = asyncio.create_task(consume())
        await got.wait()
        t0 = time.perf_counter()
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            pass
        took.append((time.perf_counter() - t0) * 1000)
    await client.aclose()
    return {
        "runs": runs,
        "cancel_to_closed_ms_median": round(statistics.median(took), 3),
        "cancel_to_closed_ms_max": round(max(took), 3),
    }


def gzip_cost() -> dict[str, object]:
    """What compressing a request body costs per size (level 1, as the client sends it), and
    the upload time it saves on a 20 Mbit/s uplink; baseline: sending the body as it is."""
    import gzip

    from redline.backends._body import GZIP_LEVEL, GZIP_MIN_BYTES

    code = (ROOT / "redline" / "backends" / "client.py").read_text()
    rows = []
    for kib in (4, 16, 64, 256, 1024):
        text = (code * (kib * 1024 // len(code) + 1))[: kib * 1024]
        data = json.dumps({"messages": [{"role": "user", "content": text}]}).encode()
        times = []
        for _ in range(7):
            t0 = time.perf_counter()
            packed = gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)
            times.append(time.perf_counter() - t0)
        saved_bytes = len(data) - len(packed)
        rows.append(
            {
                "body_kib": kib,
                "gzip_ms": round(statistics.median(times) * 1000, 3),
                "ratio": round(len(packed) / len(data), 3),
                "upload_ms_saved_20mbit": round(saved_bytes * 8 / 20e6 * 1000, 2),
            }
        )
    return {"threshold_bytes": GZIP_MIN_BYTES, "level": GZIP_LEVEL, "sizes": rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    ctx = multiprocessing.get_context("spawn")
    here, there = ctx.Pipe()
    server = ctx.Process(target=_serve, args=(args.events, there), daemon=True)
    server.start()
    try:
        url = here.recv()
        _pin(0)
        result = {
            "benchmark": "client",
            "machine": f"{platform.machine()} {os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}, {platform.system()}",
            "throughput": asyncio.run(throughput(url, args.events, args.repeats)),
            "ttft": asyncio.run(added_ttft(url, args.runs)),
            "cancel": asyncio.run(cancel_latency(url, 20)),
            "gzip_request_bodies": gzip_cost(),
            "targets": {"events_per_s": 50_000, "added_ttft_ms": 2.0, "cancel_ms": 50},
        }
    finally:
        here.send("stop")
        server.join(10)
        if server.is_alive():
            server.terminate()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
