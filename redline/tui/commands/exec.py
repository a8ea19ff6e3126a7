"""`redline exec`."""

from __future__ import annotations

import argparse
import sys


def run(args: argparse.Namespace) -> int:
    print("redline exec: not built yet", file=sys.stderr)
    return 2
