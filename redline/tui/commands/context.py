"""`redline context`."""

from __future__ import annotations

import argparse
import sys


def run(args: argparse.Namespace) -> int:
    print("redline context: not built yet", file=sys.stderr)
    return 2
