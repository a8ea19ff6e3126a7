"""Terminal sanitiser cost: redline's ``for_terminal`` on typical and hostile answer text.

Everything the TUI and the commands print passes through it, so its clean-text fast path is on
the render path. Baseline: the control-character regex the transcript used before (which only
replaced C0, leaving C1, bidi and escape payloads). Prints one JSON object.
Usage: python benchmarks/sanitise.py [--mb 4]
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from redline.safety.terminal import for_terminal  # noqa: E402
from tests.helpers_hostile import HOSTILE_TEXT  # noqa: E402

_OLD = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
PROSE = "def add(a, b):\n    return a + b  # café, 日本語 ✓\nThe quick brown fox jumps.\n"


def _rate(fn, chunks: list[str]) -> float:  # type: ignore[no-untyped-def]
    """MB/s over ``chunks`` (best of three runs)."""
    size = sum(len(c.encode()) for c in chunks) / 1e6
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        for chunk in chunks:
            fn(chunk)
        best = min(best, time.perf_counter() - started)
    return round(size / best, 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=float, default=4.0)
    args = parser.parse_args()
    n = int(args.mb * 1e6 / len(PROSE))
    # 30 Hz batches of a ~20k tok/s stream are ~2.7 kB each; lines are what the renderer sees
    clean_batches = [PROSE * 32] * (n // 32)
    clean_lines = (PROSE * n).split("\n")
    hostile = [HOSTILE_TEXT] * max(1, int(args.mb * 1e6 / len(HOSTILE_TEXT.encode())))

    def old(text: str) -> str:
        return _OLD.sub("\ufffd", text)

    print(
        json.dumps(
            {
                "benchmark": "terminal_sanitiser",
                "python": platform.python_version(),
                "mb": args.mb,
                "redline_clean_batches_mb_s": _rate(for_terminal, clean_batches),
                "baseline_clean_batches_mb_s": _rate(old, clean_batches),
                "redline_clean_lines_mb_s": _rate(for_terminal, clean_lines),
                "baseline_clean_lines_mb_s": _rate(old, clean_lines),
                "redline_hostile_mb_s": _rate(for_terminal, hostile),
                "baseline_hostile_mb_s": _rate(old, hostile),
            }
        )
    )


if __name__ == "__main__":
    main()
