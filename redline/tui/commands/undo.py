"""`redline undo`."""

from __future__ import annotations

import argparse
import sys


def run(args: argparse.Namespace) -> int:
    print("redline undo: not built yet", file=sys.stderr)
    return 2
