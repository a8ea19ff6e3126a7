"""The app's own responsiveness: start-up to first paint, and Esc to a stopped stream.

- ``first_paint_ms``: in a fresh process with its bytecode caches and redline's code cache
  written (one unmeasured run first, ``PYTHONDONTWRITEBYTECODE`` dropped, a throwaway
  ``XDG_CACHE_HOME``), from before the code cache's install and ``import redline.tui.app`` to
  the first frame the headless app hands to its driver (imports, compose, layout, render),
  median of ``--runs``; ``first_paint_without_code_cache_ms``: the same with the cache not
  installed; baseline: a plain Textual app with a TextArea and a Footer, same measure.
  No network happens before that frame (the backend opens in a worker).
- ``interrupt_ms``: a turn streaming from the simulator (its own process, 2,000 tok/s), then
  Esc; time from the key being posted to the turn ended with the partial answer kept
  (median and max over ``--runs``). The target is 100 ms.

Usage: python benchmarks/tui.py [--runs 5]. Prints one JSON object.
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

PAINT = r"""
import sys, time
t0 = time.perf_counter()
sys.path.insert(0, {root!r})
import asyncio
if {baseline}:
    from textual.app import App
    from textual.widgets import Footer, TextArea

    class Baseline(App):
        def compose(self):
            yield TextArea()
            yield Footer()

    app = Baseline()
else:
    if {cache}:
        from redline import code_cache

        code_cache.install()  # as `redline` does first thing (redline/cli/main.py)
    from redline.tui.app import AppOptions, RedlineApp
    from pathlib import Path

    async def never(provider, model, base_url):
        await asyncio.Event().wait()

    app = RedlineApp(AppOptions(provider="sim", repo_root=Path({root!r})), open_backend=never)
first = []
display = app._display

def counted(*args, **kwargs):
    if not first:
        first.append(time.perf_counter())
    return display(*args, **kwargs)

app._display = counted

async def main():
    async with app.run_test(size=(120, 40)) as pilot:
        while not first:
            await asyncio.sleep(0.001)
asyncio.run(main())
print((first[0] - t0) * 1000)
"""


_CACHE = tempfile.mkdtemp(prefix="redline-tui-bench-cache-")


def first_paint_ms(baseline: bool, cache: bool = True) -> float:
    code = PAINT.format(root=str(ROOT), baseline=baseline, cache=cache)
    env = dict(os.environ, REDLINE_NO_PROBE="1", XDG_CACHE_HOME=_CACHE)
    # A person's launch finds its bytecode caches and redline's kept dataclass and pattern code
    # (redline/code_cache.py): the first (unmeasured) run writes them.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    return float(out.stdout.strip().splitlines()[-1])


async def interrupt_ms(runs: int) -> list[float]:
    sys.path.insert(0, str(ROOT))
    from redline.tui.app import AppOptions, RedlineApp

    sim = subprocess.Popen(
        [sys.executable, "-m", "redline", "sim", "--rate", "2000", "--port", "0"],
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert sim.stdout is not None
        line = sim.stdout.readline()
        url = next(word for word in line.split() if word.startswith("http"))
        times: list[float] = []
        with tempfile.TemporaryDirectory() as repo:
            app = RedlineApp(
                AppOptions(base_url=url.rstrip("/."), repo_root=Path(repo), tools=False)
            )
            async with app.run_test(size=(120, 40)):
                while app.session.backend is None and app.session.backend_error is None:
                    await asyncio.sleep(0.01)
                for _ in range(runs):
                    before = len(app.session.conversation.turns)
                    app.handle_prompt("Write a long answer.")
                    while (
                        len(app.session.conversation.turns) == before
                        or app.session.turn_loop is None
                    ):
                        await asyncio.sleep(0.002)
                    meter = app.session.turn_loop.meter
                    while meter is None or meter.reading().output_tokens < 150:
                        await asyncio.sleep(0.002)
                        meter = app.session.turn_loop.meter
                    start = time.perf_counter()
                    app.simulate_key("escape")
                    while app.session.turn_running:
                        await asyncio.sleep(0.001)
                    times.append((time.perf_counter() - start) * 1000)
                    assert app.session.conversation.turns[-1].interrupted
        return times
    finally:
        sim.terminate()
        sim.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    first_paint_ms(False)  # unmeasured: writes redline's bytecode caches
    paint: list[float] = []
    uncached: list[float] = []
    base: list[float] = []
    for _ in range(args.runs):  # interleaved: a load that comes and goes hits all alike
        paint.append(first_paint_ms(False))
        uncached.append(first_paint_ms(False, cache=False))
        base.append(first_paint_ms(True))
    stops = asyncio.run(interrupt_ms(args.runs))
    print(
        json.dumps(
            {
                "runs": args.runs,
                "first_paint_ms": round(statistics.median(paint), 1),
                "first_paint_without_code_cache_ms": round(statistics.median(uncached), 1),
                "interrupt_ms": round(statistics.median(stops), 1),
                "interrupt_max_ms": round(max(stops), 1),
                "baseline": {"first_paint_ms": round(statistics.median(base), 1)},
                "machine": f"{platform.machine()} {os.cpu_count()} cores, "
                f"Python {platform.python_version()}",
            }
        )
    )


if __name__ == "__main__":
    main()
