"""`redline sim`: run the built-in provider simulator until Ctrl-C."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys

from redline.backends.sim import PROFILES, SimServer


def run(args: argparse.Namespace) -> int:
    try:
        server = SimServer(
            profile=args.profile,
            rate=args.rate,
            ttft_ms=args.ttft,
            host=args.host,
            port=args.port,
            log=_log,
            answer_tokens=args.tokens,
        )
    except ValueError as exc:
        print(f"redline sim: {exc}", file=sys.stderr)
        return 2
    try:
        return asyncio.run(_serve(server))
    except KeyboardInterrupt:
        return 0


def _log(line: str) -> None:
    print(f"redline sim: {line}", file=sys.stderr, flush=True)


async def _serve(server: SimServer) -> int:
    try:
        url = await server.start()
    except OSError as exc:
        print(
            f"redline sim: cannot listen on {server.host}:{server.port} ({exc.strerror or exc}); "
            "pick another --port or leave it out for any free port",
            file=sys.stderr,
        )
        return 2
    profile = server.profile
    print(
        f"redline sim: profile {profile.name} ({server.rate:g} tok/s, TTFT {server.ttft_ms:g} ms, "
        f"replies of {server.answer_tokens:,} tokens unless a request sets max_tokens) at {url}",
        flush=True,
    )
    print(
        f"Use it: redline --base-url {url}   or point any OpenAI-compatible client at it "
        f"(any API key works; models: {', '.join(profile.models)}; "
        f"other profiles: {', '.join(p for p in PROFILES if p != profile.name)}). "
        "Ctrl-C stops it.",
        flush=True,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await server.stop()
    print("redline sim: stopped", file=sys.stderr, flush=True)
    return 0
