"""The agent loop's own cost: a 10-step task on the simulator's agent at 2,000 tok/s.

The simulator (in-process, loopback HTTP) plays a model that reads, searches, re-reads and
edits over tool calls, then answers; redline's real turn engine drives it with ``full-auto``
approvals in a throwaway git repository. Measured side by side in the same run:

- redline: each step's request appends to the last one (nothing rebuilt);
- baseline: the same steps with a fresh request built from scratch each step (context, system
  prompt and history rebuilt, as a loop without a prefix-stable request would).

Reported for each: wall time against the simulator's own model time (the sum of its request
times); redline's overhead per step, from the last byte of one answer to the next request
sent, minus tool time (median and max); tool time; and the share of each request that is
byte-identical to the one before it (what a provider's prompt cache can reuse).

Prints one JSON object. Usage: python benchmarks/agent.py [--steps 10] [--rate 2000] [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from redline.agent import Session, Turn, TurnLoop  # noqa: E402
from redline.backends.client import StreamClient  # noqa: E402
from redline.backends.request import ChatRequest, Message  # noqa: E402
from redline.backends.selection import open_backend  # noqa: E402
from redline.backends.sim import SimServer  # noqa: E402
from redline.tools.context import ContextSet  # noqa: E402

APP = (
    "".join(f"def step_{i}(x):\n    return x + {i}\n\n\n" for i in range(40))
    + "def total(xs):\n    return sum(xs)\n"
)
_LOGGED = re.compile(r"\((\d+) ms\)")


class FromScratch(TurnLoop):
    """The baseline: every step rebuilds its request from nothing."""

    async def next_request(self, prompt: str, base: tuple[Message, ...], turn: Turn) -> ChatRequest:
        built = await self._context(prompt)  # context, system prompt, history: all again
        fresh = self.build_request(prompt, built.text, tools=True)
        items = tuple(Message(m.role, m.content, m.tool_calls, m.call_id) for m in turn.items)
        return self._request(fresh.messages + items, True)


def make_repo(root: Path) -> Path:
    root.mkdir(parents=True)
    (root / "app.py").write_text(APP)
    for i in range(30):
        (root / f"mod_{i}.py").write_text(
            f"from app import total\n\n\ndef f{i}(xs):\n    return total(xs)\n"
        )
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "b",
        "GIT_AUTHOR_EMAIL": "b@b",
        "GIT_COMMITTER_NAME": "b",
        "GIT_COMMITTER_EMAIL": "b@b",
    }
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "init"]):
        subprocess.run(["git", *args], cwd=root, check=True, env=env, capture_output=True)
    return root


def prompt_text(body: dict[str, object]) -> str:
    """The request as a provider's prompt cache sees it: the tools, then the conversation."""
    conversation = body.get("messages", body.get("input"))
    return json.dumps(body.get("tools"), ensure_ascii=False) + json.dumps(
        conversation, ensure_ascii=False
    )


def prefix_share(client: StreamClient, requests: list[ChatRequest]) -> float | None:
    """Mean over steps of the share of the previous request the next one starts with."""
    texts = [prompt_text(client.build_body(r)) for r in requests]
    shares = []
    for before, after in itertools.pairwise(texts):
        head = before[:-1]  # the closing bracket moves when an item is appended
        shares.append(len(os.path.commonprefix([head, after])) / len(head))  # noqa: RUF071
    return round(statistics.fmean(shares), 4) if shares else None


async def one_run(loop_class: type[TurnLoop], steps: int, rate: float) -> dict[str, object]:
    logged: list[float] = []

    def log(line: str) -> None:
        found = _LOGGED.search(line)
        if found and "/models" not in line:
            logged.append(float(found.group(1)))

    with tempfile.TemporaryDirectory(prefix="redline-agent-bench-") as tmp:
        repo = make_repo(Path(tmp) / "repo")
        # answer_tokens=1: the agent's last answer as scripted, not padded to a 4 s watch.
        sim = SimServer("agent", rate=rate, log=log, agent_steps=steps, answer_tokens=1)
        await sim.start()
        try:
            backend = await open_backend("sim:agent", None, sim.base_url, None)
            context = ContextSet(repo, cache_dir=Path(tmp) / "cache")
            context.refresh()
            session = Session(
                repo_root=repo, open_backend=_never, context_set=context, approval="full-auto"
            )
            session.use_backend(backend)
            session.turn_loop = loop_class(
                backend, session.conversation, context=session_context(context),
                repo_root=repo, approval=lambda: "full-auto",
            )  # fmt: skip
            started = time.perf_counter()
            turn = await session.run_turn("tidy @app.py and keep total() as it is")
            wall_ms = (time.perf_counter() - started) * 1000
            requests = session.turn_loop.last_requests
            share = prefix_share(backend.client, requests)
            await backend.aclose()
        finally:
            await sim.stop()
    assert turn is not None and turn.timing is not None, "the turn did not run"
    gaps = [s.gap_ms for s in turn.timing.steps if s.gap_ms is not None]
    return {
        "ok": turn.finished and len(requests) == steps,
        "requests": len(requests),
        "wall_ms": wall_ms,
        "sim_model_ms": sum(logged),
        "tool_ms": turn.timing.tool_ms,
        "model_ms_client": turn.timing.model_ms,
        "turn_overhead_ms": turn.timing.overhead_ms,
        "overhead_per_step_ms": gaps,
        "prefix_identical_share": share,
    }


def session_context(context: ContextSet):
    from redline.agent import RepoContext

    return RepoContext(context)


async def _never(provider: str | None, model: str | None, base_url: str | None):
    raise RuntimeError("the benchmark opens its backend itself")


def summarize(runs: list[dict[str, object]]) -> dict[str, object]:
    gaps = [g for r in runs for g in r["overhead_per_step_ms"]]  # type: ignore[attr-defined]
    walls = [float(r["wall_ms"]) for r in runs]  # type: ignore[arg-type]
    models = [float(r["sim_model_ms"]) for r in runs]  # type: ignore[arg-type]
    return {
        "ok": all(r["ok"] for r in runs),
        "requests_per_task": runs[0]["requests"],
        "wall_ms_median": round(statistics.median(walls), 1),
        "sim_model_ms_median": round(statistics.median(models), 1),
        "wall_over_model": round(statistics.median(walls) / statistics.median(models), 3),
        "model_ms_client_median": round(
            statistics.median(float(r["model_ms_client"]) for r in runs),
            1,  # type: ignore[arg-type]
        ),
        "turn_overhead_ms_median": round(
            statistics.median(float(r["turn_overhead_ms"]) for r in runs),
            1,  # type: ignore[arg-type]
        ),
        "tool_ms_median": round(statistics.median(float(r["tool_ms"]) for r in runs), 1),  # type: ignore[arg-type]
        "overhead_per_step_ms_median": round(statistics.median(gaps), 2) if gaps else None,
        "overhead_per_step_ms_max": round(max(gaps), 2) if gaps else None,
        "prefix_identical_share": statistics.fmean(
            float(r["prefix_identical_share"] or 0)
            for r in runs  # type: ignore[arg-type]
        ),
    }


async def main(args: argparse.Namespace) -> dict[str, object]:
    await one_run(TurnLoop, args.steps, args.rate)  # warm-up: imports, GitPython, the index
    redline = [await one_run(TurnLoop, args.steps, args.rate) for _ in range(args.runs)]
    baseline = [await one_run(FromScratch, args.steps, args.rate) for _ in range(args.runs)]
    return {
        "benchmark": "agent",
        "steps": args.steps,
        "rate_tps": args.rate,
        "runs": args.runs,
        "redline": summarize(redline),
        "baseline_fresh_request_each_step": summarize(baseline),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=10, help="model requests in the task")
    parser.add_argument("--rate", type=float, default=2000.0, help="simulated tokens per second")
    parser.add_argument("--runs", type=int, default=3, help="tasks per side")
    print(json.dumps(asyncio.run(main(parser.parse_args()))))
