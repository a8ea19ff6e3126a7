"""`redline sim`."""

from __future__ import annotations

import argparse
import sys


def run(args: argparse.Namespace) -> int:
    print("redline sim: not built yet", file=sys.stderr)
    return 2
