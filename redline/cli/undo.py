"""`redline undo [--json]`: revert the last redline commit when that is safe."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from redline.tools.edits import undo_last
from redline.tools.edits.journal import Interrupted

EXIT_OK = 0
EXIT_EDIT = 4


def run(args: argparse.Namespace) -> int:
    try:
        result = undo_last(Path.cwd())
    except Interrupted as exc:
        print(f"redline undo: {exc.message}", file=sys.stderr)
        return 128 + exc.signum
    if result.recovered:
        print(f"redline undo: {result.recovered}", file=sys.stderr)
    if args.json:
        print(json.dumps(result.to_json()))
    elif result.ok:
        print(result.message)
    if not result.ok:
        print(f"redline undo: {result.message}", file=sys.stderr)
        return EXIT_EDIT
    return EXIT_OK
