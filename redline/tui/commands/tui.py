"""`redline` with no command: the TUI."""

from __future__ import annotations

import argparse
import sys


def run(args: argparse.Namespace) -> int:
    print("redline tui: not built yet", file=sys.stderr)
    return 2
