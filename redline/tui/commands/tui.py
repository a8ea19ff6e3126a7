"""`redline` with no command: the TUI."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def run(args: argparse.Namespace) -> int:
    from redline.tui.app import AppOptions, RedlineApp
    from redline.tui.sessions import SessionError, SessionStore

    store = SessionStore()
    resumed = None
    if args.resume:
        try:
            resumed = store.load(args.resume)
        except SessionError as exc:
            print(f"redline: {exc}", file=sys.stderr)
            return 2
    options = AppOptions(
        provider=args.provider,
        model=args.model,
        base_url=args.base_url,
        resume=args.resume,
        auto_apply=args.auto_apply,
        repo_root=Path.cwd(),
    )
    RedlineApp(options, sessions=store, resumed=resumed).run()
    return 0
