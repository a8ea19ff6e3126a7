"""`redline bench`: the same prompt, several times, against one or more providers; speed side by side.

Each run is a real turn through the turn loop (no repository context, a fresh conversation) on a
warmed connection, measured by the same meter as the TUI. Prints a table, or one JSON object.
Exit codes: 0 when every provider answered at least once, 2 usage/config, 3 when one never did.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
from pathlib import Path
from typing import Any

from redline.agent import Conversation, Turn, TurnLoop
from redline.cli.exec import cost_of, log_speed, repo_root_of, stats_json, summary_line
from redline.safety.terminal import json_dumps

EXIT_OK, EXIT_USAGE, EXIT_PROVIDER = 0, 2, 3
DEFAULT_PROMPT = (
    "Write a Python function that parses an ISO 8601 date string without using datetime, "
    "with a docstring and three doctest examples."
)
DEFAULT_MAX_TOKENS = 512


def run(args: argparse.Namespace) -> int:
    from redline.config import ConfigError, load_config

    if args.runs < 1:
        print("redline bench: --runs must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    try:
        config = load_config(repo_root_of(Path.cwd()))
    except ConfigError as exc:
        print(f"redline bench: {exc}", file=sys.stderr)
        return EXIT_USAGE
    providers: list[str | None] = list(args.provider) or [None]
    try:
        report = asyncio.run(bench(providers, args, config))
    except UsageProblem as exc:
        print(f"redline bench: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.json:
        print(json_dumps(report))
    else:
        print(render(report))
    failed = [s for s in report["summary"] if s["ok_runs"] == 0]
    for row in failed:
        print(f"redline bench: {row['provider']}: {row['last_error']}", file=sys.stderr)
    return EXIT_PROVIDER if failed else EXIT_OK


class UsageProblem(Exception):
    pass


async def bench(
    providers: list[str | None], args: argparse.Namespace, config: Any
) -> dict[str, Any]:
    from redline.backends.selection import SelectionError, open_backend

    prompt = args.prompt or DEFAULT_PROMPT
    runs: list[dict[str, object]] = []
    summary: list[dict[str, object]] = []
    total = len(providers) * args.runs
    for provider in providers:
        try:
            backend = await open_backend(provider, args.model, None, config)
        except SelectionError as exc:
            raise UsageProblem(str(exc)) from None
        turns: list[Turn] = []
        try:
            for index in range(args.runs):
                loop = TurnLoop(backend, Conversation(), max_tokens=DEFAULT_MAX_TOKENS)
                turn = await loop.run(prompt)
                turns.append(turn)
                cost = cost_of(turn, config)
                log_speed(turn, cost, "bench", sys.stderr)
                _progress(len(runs) + 1, total, index + 1, args.runs, turn, cost)
                runs.append(
                    {
                        "provider": backend.name,
                        "model": backend.model,
                        "run": index + 1,
                        "stats": stats_json(turn.reading, cost),
                        "error": turn.error.message if turn.error else None,
                    }
                )
        finally:
            await backend.aclose()
        summary.append(summarise(backend.name, backend.model, backend.reason, turns))
    return {"prompt": prompt, "runs_per_provider": args.runs, "summary": summary, "runs": runs}


def _progress(done: int, total: int, run: int, runs: int, turn: Turn, cost: Any) -> None:
    """One line on stderr per finished run, so a long bench shows it is moving."""
    outcome = f"error: {turn.error.message}" if turn.error else summary_line(turn, cost)
    print(f"[{done}/{total}] run {run}/{runs} · {outcome}", file=sys.stderr, flush=True)


def _median(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return round(statistics.median(present), 2) if present else None


def summarise(name: str, model: str, reason: str, turns: list[Turn]) -> dict[str, object]:
    ok = [t for t in turns if t.error is None and t.reading is not None]
    readings = [t.reading for t in ok if t.reading is not None]
    errors = [t.error.message for t in turns if t.error is not None]
    return {
        "provider": name,
        "model": model,
        "reason": reason,
        "ok_runs": len(ok),
        "runs": len(turns),
        "ttft_ms": _median([r.ttft_ms for r in readings]),
        "decode_tps": _median([r.decode_tps for r in readings]),
        "e2e_tps": _median([r.e2e_tps for r in readings]),
        "server_tps": _median([r.server_tps for r in readings]),
        "output_tokens": _median([float(r.output_tokens) for r in readings]),
        "tokens_exact": all(r.tokens_exact for r in readings) if readings else False,
        "last_error": errors[-1] if errors else None,
    }


def model_label(model: str, width: int) -> str:
    """A model id fitted to ``width``: local servers often use the model file's full path as
    its id (llama-cpp-python does), whose end says which model it is, not its start."""
    if len(model) <= width:
        return model
    name = model.rstrip("/").rsplit("/", 1)[-1] or model
    return name if len(name) <= width else "…" + name[-(width - 1) :]


def render(report: dict[str, Any]) -> str:
    def num(value: object, unit: str = "") -> str:
        return "-" if value is None else f"{value:,.0f}{unit}"

    lines = [
        f"{'provider':<16} {'model':<26} {'runs':>5} {'TTFT':>9} {'decode':>12} "
        f"{'server':>12} {'end-to-end':>12} {'tokens':>7}"
    ]
    for s in report["summary"]:
        tokens = num(s["output_tokens"])
        lines.append(
            f"{s['provider']:<16} {model_label(s['model'], 26):<26} {s['ok_runs']:>2}/{s['runs']:<2} "
            f"{num(s['ttft_ms'], ' ms'):>9} {num(s['decode_tps'], ' tok/s'):>12} "
            f"{num(s['server_tps'], ' tok/s'):>12} {num(s['e2e_tps'], ' tok/s'):>12} "
            f"{('' if s['tokens_exact'] or tokens == '-' else '~') + tokens:>7}"
        )
    lines.append(f"(median of {report['runs_per_provider']} runs each; decode excludes TTFT)")
    return "\n".join(lines)
