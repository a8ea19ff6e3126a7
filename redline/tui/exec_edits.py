"""`redline exec`'s edits hook: the turn's edits as proposed, or applied and committed (``--apply``).

Parsing, planning and applying live in ``redline.tools.edits``; this module only adapts their
result to the ``edits`` / ``commit`` / ``error`` fields of ``exec --json``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from redline.backends.events import StreamError
from redline.tools.edits import apply_reply, plan_edits
from redline.tui.loop import Turn


@dataclass(slots=True, frozen=True)
class EditOutcome:
    rows: list[dict[str, object]] = field(default_factory=list)
    commit: str | None = None
    error: StreamError | None = None  # kind "edit": exit code 4


def handle(turn: Turn, repo_root: Path, *, apply: bool) -> EditOutcome:
    """Edits in the answer: planned (``proposed``), or with ``apply`` written and committed.

    Nothing is applied from an answer that ended in an error or was interrupted.
    """
    if not turn.text:
        return EditOutcome()
    if apply and turn.error is None and not turn.interrupted:
        result = apply_reply(
            repo_root,
            turn.text,
            provider=turn.provider,
            model=turn.model,
            summary=turn.prompt,
            require_edits=False,  # an answer that only talks is not a failed edit
            requested_format=turn.edit_format,
        )
    else:
        result = plan_edits(repo_root, turn.text, requested_format=turn.edit_format)
    data = result.to_json()
    rows = list(data["edits"])
    if not apply or turn.error is not None or turn.interrupted:
        # A plan that fails is information about the answer, not a failed command.
        return EditOutcome(rows)
    error = StreamError("edit", result.error) if result.error is not None else None
    return EditOutcome(rows, result.commit, error)
