"""Shell tool: what the sandbox adds to each command.

Runs the same short commands through redline's runner (`run_command`: spawn, stream, wait, kill the
group) inside bubblewrap and unsandboxed, alternating, in a throwaway git repository, and reports the
wall time per command (median, max) for each, and the sandbox's start-up cost (median difference).
Also the one-off sandbox probe (`find_sandbox`) redline does once per session, and what finding the
paths to hide from a command costs (`hidden_paths`, every command) on a work tree of `--files` files,
beside a bare `os.walk` of the same tree.

Prints one JSON object. Usage: python benchmarks/shell.py [--runs 40] [--files 20000]
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
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from redline.tools.agent.protect import DEFAULT_GUARD  # noqa: E402
from redline.tools.shell import SandboxPolicy, find_sandbox, run_command, scrub_env  # noqa: E402
from redline.tools.shell.hide import hidden_paths  # noqa: E402

COMMANDS = {"true": "true", "echo": "echo hello", "git_status": "git status --short"}


def _summary(ms: list[float]) -> dict[str, float]:
    return {"median_ms": round(statistics.median(ms), 2), "max_ms": round(max(ms), 2)}


async def _time(command: str, repo: Path, env: dict[str, str], sandbox: object) -> float:
    t0 = time.perf_counter()
    result = await run_command(command, repo, env=env, sandbox=sandbox, policy=SandboxPolicy(repo))  # type: ignore[arg-type]
    took = (time.perf_counter() - t0) * 1000
    if result.exit_code != 0:
        raise SystemExit(f"{command!r} failed: {result.output}")
    return took


def _hiding(files: int, runs: int) -> dict[str, object]:
    """`hidden_paths` (the read tools' rules on every path, plus the home secrets) beside a bare
    `os.walk` of the same tree, median / max of `runs`."""
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp)
        per_dir = 100
        for i in range(files):
            sub = repo / f"d{i // per_dir}"
            if i % per_dir == 0:
                sub.mkdir()
            (sub / f"f{i % per_dir}.py").write_text("x\n")
        (repo / ".env").write_text("K=v\n")
        hidden: list[float] = []
        walk: list[float] = []
        for _ in range(runs + 1):  # the first of each is a warm-up
            t0 = time.perf_counter()
            found = hidden_paths(repo, DEFAULT_GUARD.why)
            hidden.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            sum(len(f) for _, _, f in os.walk(repo))
            walk.append((time.perf_counter() - t0) * 1000)
        return {
            "files": files,
            "covered": len(found),
            "hidden_paths": _summary(hidden[1:]),
            "baseline_os_walk": _summary(walk[1:]),
        }


async def main(runs: int, files: int = 20_000) -> dict[str, object]:
    t0 = time.perf_counter()
    status = await find_sandbox()
    probe_ms = (time.perf_counter() - t0) * 1000
    if status.sandbox is None:
        return {"error": status.problem}
    env = scrub_env(os.environ)
    out: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp) / "repo"
        repo.mkdir()
        subprocess.run(["git", "init", "-q", str(repo)], check=True)
        (repo / "a.txt").write_text("a\n")
        for name, command in COMMANDS.items():
            plain: list[float] = []
            boxed: list[float] = []
            for _ in range(3):  # warm-up
                await _time(command, repo, env, None)
                await _time(command, repo, env, status.sandbox)
            for _ in range(runs):
                plain.append(await _time(command, repo, env, None))
                boxed.append(await _time(command, repo, env, status.sandbox))
            out[name] = {
                "unsandboxed": _summary(plain),
                "bwrap": _summary(boxed),
                "sandbox_cost_median_ms": round(
                    statistics.median(boxed) - statistics.median(plain), 2
                ),
            }
    return {
        "benchmark": "shell",
        "runs": runs,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "sandbox": status.sandbox.kind,
        "probe_ms": round(probe_ms, 2),
        "commands": out,
        "hiding": _hiding(files, max(3, runs // 4)),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--files", type=int, default=20_000)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(main(args.runs, args.files))))
