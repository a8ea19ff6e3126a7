"""What start-up imports cost, by package: ``python -X importtime`` on what the TUI loads
before its first frame, beside the bare Textual app's imports (the baseline).

Each run is a fresh interpreter importing ``redline.cli.main``, ``redline.cli.tui`` and
``redline.tui.app`` and building the context set's module (what ``redline`` does before the
app's first frame); the baseline imports ``textual.app`` and the TextArea and Footer widgets.
Self times are summed by group (``textual``, ``rich``, each ``redline`` subpackage, the
standard library and other third-party modules), medians over ``--runs``. Runs alternate
between the two, after one unmeasured run that writes redline's bytecode caches.

Usage: python benchmarks/imports.py [--runs 5] [--top 12]. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REDLINE = "import redline.cli.main, redline.cli.tui, redline.tui.app, redline.tools.context, redline.config"
BASELINE = "import textual.app, textual.widgets._text_area, textual.widgets._footer"


def group(module: str) -> str:
    parts = module.split(".")
    if parts[0] == "redline":
        return ".".join(parts[:2])
    if parts[0] in ("textual", "rich", "httpx", "tree_sitter", "markdown_it", "pygments", "git"):
        return parts[0]
    if parts[0] in sys.stdlib_module_names or parts[0].startswith("_"):
        return "stdlib"
    return "other third-party"


def _env() -> dict[str, str]:
    """A person's launch finds its bytecode caches: without them every redline module is
    compiled on each start (about 0.3 s here), which is not what an import costs."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def one_run(statement: str) -> tuple[float, Counter[str], Counter[str]]:
    """(total ms, self ms by group, self ms by module) of one fresh interpreter."""
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", statement],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env=_env(),
    )
    groups: Counter[str] = Counter()
    modules: Counter[str] = Counter()
    total = 0.0
    for line in out.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, cumulative_us, name = line[len("import time:") :].split("|")
        module = name.strip()
        ms = int(self_us) / 1000
        groups[group(module)] += ms
        modules[module] += ms
        if not name.startswith("  "):  # a top-level import: its cumulative time counts once
            total += int(cumulative_us) / 1000
    return total, groups, modules


def medians(runs: list[Counter[str]]) -> dict[str, float]:
    keys = set().union(*runs)
    return {k: round(statistics.median(r.get(k, 0.0) for r in runs), 1) for k in keys}


def summary(runs: list[tuple[float, Counter[str], Counter[str]]], top: int) -> dict[str, object]:
    totals = [total for total, _, _ in runs]
    groups = [by_group for _, by_group, _ in runs]
    modules = [by_module for _, _, by_module in runs]
    by_group = dict(sorted(medians(groups).items(), key=lambda kv: -kv[1]))
    slowest = dict(sorted(medians(modules).items(), key=lambda kv: -kv[1])[:top])
    return {
        "total_ms": round(statistics.median(totals), 1),
        "self_ms_by_group": by_group,
        "slowest_modules_self_ms": slowest,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--top", type=int, default=12)
    args = parser.parse_args()
    load = round(os.getloadavg()[0], 2)
    one_run(REDLINE)  # unmeasured: writes the bytecode caches
    ours, bare = [], []
    for _ in range(args.runs):  # interleaved: a load that comes and goes hits both alike
        ours.append(one_run(REDLINE))
        bare.append(one_run(BASELINE))
    out = {
        "benchmark": "imports",
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "load_avg": load,
        "redline": summary(ours, args.top),
        "baseline_bare_textual": summary(bare, args.top),
    }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
