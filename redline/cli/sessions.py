"""`redline sessions [--json]`: the saved conversations, newest first."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict

from redline.agent.store import SessionStore


def run(args: argparse.Namespace) -> int:
    sessions = SessionStore().list()
    if args.json:
        print(json.dumps({"sessions": [asdict(s) for s in sessions]}))
        return 0
    if not sessions:
        print("No saved sessions yet. Each TUI conversation is saved as you go.")
        return 0
    print(f"{'ID':<22} {'TURNS':>5}  {'UPDATED':<20} TITLE")
    for s in sessions:
        title = s.title + (f"  [{s.problem}]" if s.problem else "")
        print(f"{s.id:<22} {s.turns:>5}  {s.updated[:19]:<20} {title}")
        print(f"{'':<22} {'':>5}  {'':<20} {s.repo}")
    print("\nResume one with: redline --resume ID (or --resume last)")
    return 0
