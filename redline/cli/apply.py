"""`redline apply [FILE|-] [--check] [--no-commit] [--json]`: apply a model reply's edits."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from redline.tools.edits import ApplyResult, apply_reply
from redline.tools.edits.journal import Interrupted

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_EDIT = 4


def _read(source: str) -> str:
    if source == "-":
        data = sys.stdin.buffer.read()
    else:
        data = Path(source).read_bytes()
    return data.decode("utf-8", errors="replace")


def run(args: argparse.Namespace) -> int:
    from redline.cli.exec import repo_root_of
    from redline.config import ConfigError, load_config

    source = getattr(args, "file", "-") or "-"
    try:
        reply = _read(source)
    except OSError as exc:
        print(f"redline apply: cannot read {source}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    if getattr(args, "merge", False):
        merged = _merge_with_mercury(reply, Path.cwd())
        if merged is None:
            return EXIT_USAGE
        reply = merged
    try:
        protected = load_config(repo_root_of(Path.cwd())).protected()
    except ConfigError as exc:
        print(f"redline apply: {exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        result = _apply(args, reply, protected)
    except Interrupted as exc:
        print(f"redline apply: {exc.message}", file=sys.stderr)
        return 128 + exc.signum
    if result.recovered:
        print(f"redline apply: {result.recovered}", file=sys.stderr)
    if args.json:
        print(json.dumps(result.to_json()))
    else:
        _report(result, check=bool(args.check), commit=not args.no_commit)
    if result.error is not None:
        failed = sum(1 for e in result.edits if e.error)
        if failed and not args.json:  # each failure was just listed: say it once, in one line
            edits = "edit" if failed == 1 else "edits"
            print(f"redline apply: {failed} {edits} failed; no file was changed.", file=sys.stderr)
        else:
            print(f"redline apply: {result.error}", file=sys.stderr)
        return EXIT_EDIT
    return EXIT_OK


def _merge_with_mercury(reply: str, repo_root: Path) -> str | None:
    """The reply with its elided whole-file blocks merged by Mercury, each shown as a diff."""
    import asyncio

    from redline.agent.merge import (
        INCEPTION_KEY_ENV,
        elided_blocks,
        merge_available,
        merge_elided,
        rewrite_reply,
    )
    from redline.backends.client import ProviderError
    from redline.tools.edits import plan_edits

    if not elided_blocks(reply, repo_root):
        return reply
    if not merge_available():
        print(
            f"redline apply: --merge needs {INCEPTION_KEY_ENV}: export it to merge elided "
            "whole-file blocks with Mercury.",
            file=sys.stderr,
        )
        return None

    async def merge() -> str:
        from redline.backends.client import StreamClient
        from redline.backends.presets import PRESETS

        preset = PRESETS["inception"]
        base_url = os.environ.get("REDLINE_INCEPTION_BASE_URL") or preset.base_url
        client = StreamClient(
            preset, base_url=base_url, api_key=os.environ.get(INCEPTION_KEY_ENV, "").strip()
        )
        try:
            return rewrite_reply(reply, await merge_elided(reply, repo_root, client))
        finally:
            await client.aclose()

    try:
        merged = asyncio.run(merge())
    except ProviderError as exc:
        print(f"redline apply: {exc.error.message}", file=sys.stderr)
        return None
    for preview in plan_edits(repo_root, merged).files:
        print(f"merged with Mercury: {preview.path}", file=sys.stderr)
        if preview.diff:
            print(preview.diff, file=sys.stderr)
    return merged


def _apply(args: argparse.Namespace, reply: str, protected: tuple[str, ...]) -> ApplyResult:
    return apply_reply(
        Path.cwd(),
        reply,
        provider="manual",
        summary="",
        check=bool(args.check),
        commit=not args.no_commit,
        init=bool(getattr(args, "init", False)),
        protected=protected,
    )


def _report(result: ApplyResult, *, check: bool, commit: bool) -> None:
    for f in result.files:
        status = "overwrites" if f.overwrites else f.status
        print(f"{status:<9} {f.path}  +{f.added} -{f.removed}")
    if result.error is not None:
        for e in result.edits:
            if e.error:
                print(f"failed    {e.error}", file=sys.stderr)
        return
    if check:
        print(f"check: {len(result.edits)} edit(s) apply cleanly; nothing written")
    elif result.commit:
        if result.checkpoint:
            print(f"checkpoint {result.checkpoint[:10]} saved your uncommitted changes first")
        print(f"committed {result.commit[:10]}  (redline undo takes it back)")
    elif not commit:
        print("applied to the working tree; not committed")
    else:
        print("no changes: the edits leave every file as it was")
