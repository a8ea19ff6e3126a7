"""One turn's commit tracking (`TurnTracker`) on a repository with a big untracked folder.

A throwaway git repository: `--tracked` committed files and a folder of `--untracked` files that
are neither committed nor ignored (a dataset, build output). A turn of `--windows` tool windows
(each changes one tracked file and creates one new file, as an `apply_patch` or a command would),
then its one commit. Measured side by side in the same run, alternating, each on a fresh copy:

- redline: `git status` against the turn's own index, only the paths it names hashed;
- baseline: the previous way, `git add -A` into the turn's own index at each snapshot (every
  untracked file hashed into the object store at the first one, the whole tree walked each time).

Reported for each: the first snapshot, each later window (median / max), the commit, the whole
turn, and how many bytes of loose objects the turn wrote into `.git/objects`.

Prints one JSON object. Usage: python benchmarks/turn_track.py [--untracked 20000] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from redline.tools.edits import turn_track  # noqa: E402
from redline.tools.edits.turn import turn_message  # noqa: E402
from redline.tools.edits.turn_track import TurnTracker  # noqa: E402


class AddAllTracker(TurnTracker):
    """The baseline: each snapshot is `git add -A` of the whole tree into the turn's index."""

    def _snapshot(self, *, opening: bool) -> str:
        top, index = self._ensure()
        turn_track._git(top, "add", "-A", "--", ".", index=index)
        return turn_track._git(top, "write-tree", index=index).strip()


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


def _make(base: Path, tracked: int, untracked: int) -> Path:
    repo = base / "template"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "config", "user.name", "bench")
    _git(repo, "config", "user.email", "bench@example.invalid")
    for i in range(tracked):
        (repo / "src").mkdir(exist_ok=True)
        (repo / "src" / f"m{i}.py").write_text(f"VALUE = {i}\n")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "start")
    for i in range(untracked):
        folder = repo / "data" / f"d{i // 100}"
        if i % 100 == 0:
            folder.mkdir(parents=True)
        (folder / f"row{i}.csv").write_text(f"{i},{i * i},untracked\n")
    return repo


def _loose_bytes(repo: Path) -> int:
    total = 0
    for folder in (repo / ".git" / "objects").iterdir():
        if len(folder.name) == 2:
            total += sum(f.stat().st_size for f in folder.iterdir())
    return total


def _turn(cls: type[TurnTracker], repo: Path, windows: int) -> dict[str, object]:
    loose = _loose_bytes(repo)
    tracker = cls(repo)
    started = time.perf_counter()
    window_ms: list[float] = []
    for w in range(windows):
        t0 = time.perf_counter()
        before = tracker.snapshot()
        (repo / "src" / f"m{w}.py").write_text(f"VALUE = {w} + 1\n")
        (repo / "src" / f"new{w}.py").write_text(f"NEW = {w}\n")
        tracker.record(before)
        window_ms.append((time.perf_counter() - t0) * 1000)
    t0 = time.perf_counter()
    done = tracker.commit(lambda files: turn_message("bench", files, "bench", "m"))
    commit_ms = (time.perf_counter() - t0) * 1000
    total_ms = (time.perf_counter() - started) * 1000
    tracker.close()
    assert done.commit is not None and len(done.changes.files) == 2 * windows
    later = window_ms[1:] or window_ms
    return {
        "first_window_ms": round(window_ms[0], 1),
        "later_window_ms": {
            "median": round(statistics.median(later), 1),
            "max": round(max(later), 1),
        },
        "commit_ms": round(commit_ms, 1),
        "turn_ms": round(total_ms, 1),
        "loose_object_bytes_written": _loose_bytes(repo) - loose,
    }


def _median(runs: list[dict[str, object]], key: str) -> float:
    return round(statistics.median(float(r[key]) for r in runs), 1)  # type: ignore[arg-type]


def main(tracked: int, untracked: int, windows: int, runs: int) -> dict[str, object]:
    results: dict[str, list[dict[str, object]]] = {"redline": [], "baseline_add_all": []}
    with tempfile.TemporaryDirectory() as tmp:
        template = _make(Path(tmp), tracked, untracked)
        for run in range(runs):
            for name, cls in (("redline", TurnTracker), ("baseline_add_all", AddAllTracker)):
                repo = Path(tmp) / f"{name}-{run}"
                shutil.copytree(template, repo, symlinks=True)
                _git(repo, "status", "--porcelain")  # the person's index stat cache, as in use
                results[name].append(_turn(cls, repo, windows))
                shutil.rmtree(repo)
    summary = {
        name: {
            "first_window_ms_median": _median(rs, "first_window_ms"),
            "turn_ms_median": _median(rs, "turn_ms"),
            "commit_ms_median": _median(rs, "commit_ms"),
            "loose_object_bytes_written": rs[0]["loose_object_bytes_written"],
            "runs": rs,
        }
        for name, rs in results.items()
    }
    return {
        "benchmark": "turn_track",
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_avg_1m": round(os.getloadavg()[0], 2),
        },
        "tracked_files": tracked,
        "untracked_files": untracked,
        "windows": windows,
        **summary,
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tracked", type=int, default=500)
    parser.add_argument("--untracked", type=int, default=20_000)
    parser.add_argument("--windows", type=int, default=5)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(json.dumps(main(args.tracked, args.untracked, args.windows, args.runs)))
