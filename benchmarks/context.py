"""Benchmark the repo map: cold, warm (cached) and one-file-changed builds, beside a naive baseline.

Prints ONE JSON object. Usage: python benchmarks/context.py [--files N] [--budget N]
The baseline is the naive approach (parse every file on every request, no cache, one core):
aider is not installable offline here, so it stands in.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from context_repo import generate  # noqa: E402

from redline.tools.context import PathCompleter, RepoIndex, build_context  # noqa: E402
from redline.tools.context.cache import from_entry  # noqa: E402
from redline.tools.context.index import parse_file  # noqa: E402
from redline.tools.context.languages import language_for  # noqa: E402
from redline.tools.context.ranking import rank  # noqa: E402
from redline.tools.context.render import fit_map  # noqa: E402
from redline.tools.context.tags import FileTags  # noqa: E402


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def children_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return (time.perf_counter() - start) * 1000, result


class StallMeter:
    """Ticks every 5 ms on the main thread while work runs in a worker thread (like the TUI)."""

    def run(self, work: Callable[[], object]) -> tuple[float, float]:
        done = threading.Event()
        box: dict[str, float] = {}

        def worker() -> None:
            start = time.perf_counter()
            work()
            box["ms"] = (time.perf_counter() - start) * 1000
            done.set()

        thread = threading.Thread(target=worker)
        last = time.perf_counter()
        worst = 0.0
        thread.start()
        while not done.is_set():
            time.sleep(0.005)
            now = time.perf_counter()
            worst = max(worst, (now - last) * 1000 - 5.0)
            last = now
        thread.join()
        return box["ms"], worst


def naive(root: Path, budget: int) -> float:
    """Parse everything, rank, render: what a build without cache or pool costs every time."""
    start = time.perf_counter()
    tags: dict[str, FileTags] = {}
    for dirpath, _, names in os.walk(root):
        if ".git" in dirpath:
            continue
        for name in names:
            rel = os.path.relpath(os.path.join(dirpath, name), root)
            language = language_for(rel)
            if language is None:
                continue
            path, entry = parse_file(str(root), rel, language)
            file_tags = from_entry(path, entry)
            if file_tags is not None:
                tags[path] = file_tags
    fit_map(rank(tags).definitions, budget)
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--budget", type=int, default=4096)
    parser.add_argument("--keep", action="store_true", help="keep the generated repository")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="redline-ctx-bench-"))
    repo, cache = tmp / "repo", tmp / "cache"
    gen_ms, paths = timed(lambda: generate(repo, args.files))
    assert isinstance(paths, list)
    out: dict[str, object] = {
        "benchmark": "context",
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "loadavg_1m_at_start": round(os.getloadavg()[0], 2),
        },
        "files": args.files,
        "source_bytes": sum((repo / p).stat().st_size for p in paths),
        "budget": args.budget,
        "generate_ms": round(gen_ms, 1),
    }
    rss_before = rss_mb()

    def build(index: RepoIndex | None = None) -> object:
        return build_context(repo, budget=args.budget, cache_dir=cache, index=index)

    # Cold: empty cache, in a worker thread as the TUI runs it; the main thread ticks.
    cold_ms, cold_stall = StallMeter().run(build)
    # Warm: a new process would start with an empty index and the cache file on disk.
    warm_runs = [timed(build)[0] for _ in range(3)]
    warm_ms, warm_stall = StallMeter().run(build)
    warm_runs.append(warm_ms)

    # A long-lived session (the TUI): one index, kept in memory between prompts.
    session = RepoIndex(repo, cache_dir=cache)
    build(session)
    steady_ms = min(timed(lambda: build(session))[0] for _ in range(3))
    target = repo / paths[len(paths) // 2]
    changed: list[float] = []
    refresh_only: list[float] = []
    for i in range(3):
        with target.open("a") as handle:
            handle.write(
                f"\n// touched {i}\n"
                if not str(target).endswith((".py", ".rb"))
                else f"\n# touched {i}\n"
            )
        refresh_only.append(timed(session.refresh)[0])
        with target.open("a") as handle:
            handle.write("\n")
        ms, bundle = timed(lambda: build(session))
        changed.append(ms)
    # One file changed, seen by a fresh run (new process, warm cache).
    with target.open("a") as handle:
        handle.write("\n")
    fresh_changed_ms = timed(build)[0]

    completer = PathCompleter([p for p in paths])
    keystrokes = ["p", "pk", "pkg1", "pkg1/s", "user", "usr_cch", "handler_4"]
    complete_ms = [timed(lambda q=q: completer.complete(q, 20))[0] for q in keystrokes]

    baseline_ms = naive(repo, args.budget)
    out["machine"]["loadavg_1m_at_end"] = round(os.getloadavg()[0], 2)  # type: ignore[index]
    cache_files = list(cache.glob("*/*.tags"))
    out.update(
        {
            "redline": {
                "cold_ms": round(cold_ms, 1),
                "warm_ms": round(min(warm_runs), 1),
                "warm_ms_median": round(sorted(warm_runs)[len(warm_runs) // 2], 1),
                "steady_ms": round(steady_ms, 1),
                "one_file_changed_ms": round(min(changed), 1),
                "one_file_changed_refresh_ms": round(min(refresh_only), 1),
                "one_file_changed_fresh_process_ms": round(fresh_changed_ms, 1),
                "max_main_thread_stall_ms_cold": round(cold_stall, 1),
                "max_main_thread_stall_ms_warm": round(warm_stall, 1),
                "complete_paths_ms_max": round(max(complete_ms), 2),
                "peak_rss_mb": round(rss_mb(), 1),
                "rss_growth_mb": round(rss_mb() - rss_before, 1),
                "children_peak_rss_mb": round(children_rss_mb(), 1),
                "cache_bytes": sum(f.stat().st_size for f in cache_files),
                "map_tokens": getattr(bundle, "tokens", None),
            },
            "baseline_naive": {
                "description": "parse every file each request, no cache, no pool",
                "every_request_ms": round(baseline_ms, 1),
            },
            "targets": {"cold_ms": 4000, "warm_ms": 300, "one_file_changed_ms": 50, "rss_mb": 500},
        }
    )
    if not args.keep:
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)
    else:
        out["repo"] = str(repo)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
