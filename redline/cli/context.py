"""`redline context`: the context that would be sent, as text or one JSON object."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from redline.safety.terminal import json_dumps
from redline.tools.context import DEFAULT_BUDGET, build_context

EXIT_OK = 0
EXIT_USAGE = 2


def _progress(stream: TextIO) -> Callable[[int, int], None] | None:
    """`indexing 1,200/9,000 files` on a terminal while a big repository is first read."""
    if not stream.isatty():
        return None
    stream = getattr(stream, "trusted", stream)  # our own \r, past the terminal sanitiser

    def show(done: int, total: int) -> None:
        if total >= 500:
            end = "\n" if done == total else ""
            stream.write(f"\rindexing {done:,}/{total:,} files{end}")
            stream.flush()

    return show


def run(args: argparse.Namespace) -> int:
    budget = DEFAULT_BUDGET if args.budget is None else args.budget
    if budget < 0:
        print("redline context: --budget must be a positive number of tokens", file=sys.stderr)
        return EXIT_USAGE
    root = Path.cwd()
    try:
        bundle = build_context(
            root, budget=budget, mentions=list(args.mention), progress=_progress(sys.stderr)
        )
    except OSError as exc:
        print(f"redline context: cannot read {root}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    for warning in bundle.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if args.json:
        print(json_dumps(bundle.as_json()))
        return EXIT_OK
    sys.stdout.write(bundle.text)
    skipped = sum(bundle.skipped.values())
    skipped_note = f", {skipped} skipped" if skipped else ""
    print(
        f"~{bundle.tokens} tokens of {bundle.budget}: {len(bundle.files)} whole files, "
        f"{len(bundle.map_files)} files in the map, {bundle.source_files} source files indexed"
        f"{skipped_note}, {bundle.elapsed_ms:.0f} ms",
        file=sys.stderr,
    )
    return EXIT_OK
