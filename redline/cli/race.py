"""`redline race`: one prompt, the same context, streamed to 2-4 providers at once.

Text mode shows each lane's progress on stderr while they run (redrawn in place on a terminal, a
line per event worth knowing otherwise) and a result table on stdout; ``--json`` prints exactly
``{"lanes": [...], "winner": provider}`` (DESIGN.md). Every lane's figures go to the speed history.
Exit codes: 0 when a lane finished, 2 usage or config, 3 when every lane failed.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any, TextIO

from redline.agent.context import RepoContext
from redline.agent.conversation import Conversation
from redline.agent.messages import AgentMessage
from redline.agent.race import MAX_LANES, MIN_LANES, Lane, Race, RaceResult
from redline.backends.prices import Price, price_for
from redline.cli.exec import UsageError, error_json, log_speed, make_context, start
from redline.cli.stats import printable
from redline.safety.terminal import json_dumps

EXIT_OK, EXIT_USAGE, EXIT_PROVIDER = 0, 2, 3
REDRAW_S = 0.1


def run(args: argparse.Namespace) -> int:
    providers = list(args.provider)

    def check() -> None:
        if not MIN_LANES <= len(providers) <= MAX_LANES:
            raise UsageError(
                f"a race needs {MIN_LANES} to {MAX_LANES} providers: "
                "give --provider once for each (e.g. --provider sim --provider sim:baseten)"
            )

    started = start("race", args.prompt, check)
    if started is None:
        return EXIT_USAGE
    prompt, repo_root, config = started
    return asyncio.run(_race(args, prompt, providers, config, repo_root))


async def _open_all(providers: list[str], config: Any) -> list[Any]:
    from redline.backends.selection import open_backend

    opened = await asyncio.gather(
        *(open_backend(p, None, None, config) for p in providers), return_exceptions=True
    )
    problems = [r for r in opened if isinstance(r, BaseException)]
    if problems:
        for backend in opened:
            if not isinstance(backend, BaseException):
                await backend.aclose()
        raise problems[0]
    return list(opened)


async def _race(
    args: argparse.Namespace, prompt: str, providers: list[str], config: Any, repo_root: Path
) -> int:
    from redline.backends.selection import SelectionError
    from redline.tools.lanes import clean_stale

    await asyncio.to_thread(clean_stale, repo_root)  # lane worktrees a crash left behind
    try:
        backends = await _open_all(providers, config)
    except SelectionError as exc:
        print(f"redline race: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:
        print(f"redline race: could not start a backend: {exc}", file=sys.stderr)
        return EXIT_PROVIDER
    try:
        context_text = ""
        if not args.no_context:
            context_set = make_context(repo_root, config)
            if context_set is not None:
                built = await asyncio.to_thread(
                    RepoContext(context_set).build, prompt, Conversation()
                )
                for warning in built.warnings:
                    print(f"redline race: {warning}", file=sys.stderr)
                context_text = built.text

        def price_of(backend: Any) -> Price | None:
            return price_for(backend.name, backend.model, config.price_overrides())

        race = Race(
            backends,
            Conversation(),
            context_text=context_text,
            edit_format=getattr(config, "edit_format", None),
            max_tokens=args.max_tokens or getattr(config, "max_tokens", None),
            price_of=price_of,
        )
        progress = None if args.json else LaneProgress(race, sys.stderr)
        ticker = asyncio.create_task(progress.tick()) if progress is not None else None
        try:
            result = await race.run(prompt, sink=progress.event if progress else None)
        finally:
            if ticker is not None:
                ticker.cancel()
            if progress is not None:
                progress.close()
    finally:
        for backend in backends:
            await backend.aclose()
    for lane in result.lanes:
        if lane.turn is not None:
            log_speed(lane.turn, lane.cost, "race", sys.stderr)
    if args.json:
        print(json_dumps(race_json(result)))
    else:
        print(render(result))
    return EXIT_OK if result.winner is not None else EXIT_PROVIDER


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def race_json(result: RaceResult) -> dict[str, object]:
    lanes = []
    for lane in result.lanes:
        reading = lane.reading()
        turn = lane.turn
        lanes.append(
            {
                "provider": lane.provider,
                "model": lane.model,
                "rank": lane.finish,
                "ttft_ms": _r(reading.ttft_ms),
                "decode_tps": _r(reading.decode_tps),
                "e2e_tps": _r(reading.e2e_tps),
                "duration_ms": round(reading.duration_ms, 2),
                "output_tokens": reading.output_tokens,
                "cost_usd": None if lane.cost is None else round(lane.cost.usd, 8),
                "error": error_json(lane.error),
                "text": turn.text if turn is not None else "",
            }
        )
    winner = result.winner.provider if result.winner is not None else None
    return {"lanes": lanes, "winner": winner}


def lane_line(lane: Lane, fastest: int | None) -> str:
    """One lane's live figures and badges, as plain text."""
    r = lane.reading()
    parts = [f"{printable(lane.provider, 16):<16} {printable(lane.model, 22):<22}"]
    parts.append("TTFT " + ("…" if r.ttft_ms is None else f"{r.ttft_ms:,.0f} ms"))
    rate = r.decode_tps if lane.done else (r.live_tps or r.decode_tps)
    parts.append("-" if rate is None else f"{rate:,.0f} tok/s")
    parts.append(f"{'' if r.tokens_exact else '~'}{r.output_tokens:,} tok")
    if lane.cost is not None:
        parts.append(lane.cost.label())
    badges = []
    if lane.first_token == 1:
        badges.append("first token")
    if lane.finish is not None:
        badges.append(_ordinal(lane.finish))
    if fastest == lane.index and lane.done:
        badges.append("fastest decode")
    if lane.error is not None:
        badges.append("error")
    elif lane.done and not lane.finished_ok:
        badges.append("stopped")
    if badges:
        parts.append("[" + ", ".join(badges) + "]")
    return " · ".join(parts)


def _ordinal(n: int) -> str:
    return {1: "1st", 2: "2nd", 3: "3rd"}.get(n, f"{n}th")


class LaneProgress:
    """Live lane lines on stderr: redrawn in place on a terminal, else one line per milestone."""

    def __init__(self, race: Race, out: TextIO) -> None:
        self._race = race
        self._out = out
        self._tty = out.isatty()
        self._drawn = False
        self._said: set[tuple[int, str]] = set()

    def event(self, index: int, event: AgentMessage) -> None:
        lane = self._race.lanes[index]
        if not self._tty and lane.first_token is not None and (index, "first") not in self._said:
            self._said.add((index, "first"))
            print(f"{printable(lane.provider)}: first token", file=self._out, flush=True)

    async def tick(self) -> None:
        while True:
            await asyncio.sleep(REDRAW_S)
            self.draw()

    def draw(self) -> None:
        lanes = self._race.lanes
        fastest = self._race.fastest_decode_now()
        if not self._tty:
            for lane in lanes:
                if lane.done and (lane.index, "done") not in self._said:
                    self._said.add((lane.index, "done"))
                    print(lane_line(lane, fastest), file=self._out, flush=True)
            return
        if self._drawn:
            self._out.write(f"\x1b[{len(lanes)}F")
        for lane in lanes:
            self._out.write("\x1b[2K" + lane_line(lane, fastest) + "\n")
        self._out.flush()
        self._drawn = True

    def close(self) -> None:
        self.draw()


def render(result: RaceResult) -> str:
    def num(value: float | None, unit: str = "") -> str:
        return "-" if value is None else f"{value:,.0f}{unit}"

    lines = [
        f"{'rank':<5} {'provider':<16} {'model':<22} {'TTFT':>8} {'decode':>12} "
        f"{'end-to-end':>12} {'time':>7} {'tokens':>7} {'cost':>9}"
    ]
    order = sorted(result.lanes, key=lambda lane: (lane.finish is None, lane.finish or 0))
    for lane in order:
        r = lane.reading()
        rank = str(lane.finish) if lane.finish else "-"
        tokens = f"{'' if r.tokens_exact else '~'}{r.output_tokens:,}"
        cost = lane.cost.label() if lane.cost is not None else "-"
        lines.append(
            f"{rank:<5} {printable(lane.provider, 16):<16} {printable(lane.model, 22):<22} "
            f"{num(r.ttft_ms, ' ms'):>8} {num(r.decode_tps, ' tok/s'):>12} "
            f"{num(r.e2e_tps, ' tok/s'):>12} {r.duration_ms / 1000:>6.2f}s {tokens:>7} {cost:>9}"
        )
        if lane.error is not None:
            lines.append(f"      {printable(lane.error.message)}")
    if result.winner is not None:
        lines.append(f"winner: {printable(result.winner.provider)} (finished first)")
    else:
        lines.append("no lane finished")
    return "\n".join(lines)
