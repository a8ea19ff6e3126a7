"""A finished turn's edits: planned, applied and committed, or waiting for the person's decision.

Parsing, planning and applying live in ``redline.tools.edits``; the blocks come from the turn
engine's own parser (``Turn.edits``), so the TUI, ``redline exec`` and race lanes see the same.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from redline.agent.conversation import Turn
from redline.backends.events import StreamError
from redline.tools.edits.safety import DEFAULT_PROTECTED

if TYPE_CHECKING:
    from redline.tools.edits import ApplyResult, EditBlock


@dataclass(slots=True, frozen=True)
class EditOutcome:
    """What ``exec`` reports: the ``edits`` rows, the ``commit`` and an ``edit`` error (exit 4)."""

    rows: list[dict[str, object]] = field(default_factory=list)
    commit: str | None = None
    error: StreamError | None = None


def turn_blocks(turn: Turn) -> list[EditBlock]:
    """The turn's edit blocks; a turn read back from a session file is parsed again."""
    if turn.edits or not turn.text:
        return list(turn.edits)
    from redline.tools.edits import parse_edits

    return parse_edits(turn.text, turn.edit_format)


def apply_blocks(
    root: Path,
    turn: Turn,
    blocks: list[EditBlock],
    *,
    require: bool,
    protected: Iterable[str] = DEFAULT_PROTECTED,
) -> ApplyResult:
    """Write and commit ``blocks`` (all or nothing), the commit naming the turn's backend;
    never touching a file that matches ``protected`` (the config's ``protected_paths``)."""
    from redline.tools.edits import apply_reply

    return apply_reply(
        root,
        blocks,
        provider=turn.provider,
        model=turn.model,
        summary=turn.prompt,
        require_edits=require,
        protected=protected,
    )


def edit_outcome(
    turn: Turn, repo_root: Path, *, apply: bool, protected: Iterable[str] = DEFAULT_PROTECTED
) -> EditOutcome:
    """Edits in the answer: planned (``proposed``), or with ``apply`` written and committed.

    Nothing is applied from an answer that ended in an error or was interrupted.
    """
    if not turn.text:
        return EditOutcome()
    from redline.tools.edits import plan_edits

    blocks = turn_blocks(turn)
    if apply and turn.finished:
        # an answer that only talks is not a failed edit
        result = apply_blocks(repo_root, turn, blocks, require=False, protected=protected)
    else:
        result = plan_edits(repo_root, blocks, protected=protected)
    rows = list(result.to_json()["edits"])
    if not apply or not turn.finished:
        # A plan that fails is information about the answer, not a failed command.
        return EditOutcome(rows)
    error = StreamError("edit", result.error) if result.error is not None else None
    return EditOutcome(rows, result.commit, error)


def failed_blocks_error(blocks: list[EditBlock]) -> str | None:
    """The parse errors of blocks that could not be read, as one message for `/fix`."""
    errors = [f"{b.path}: {b.error}" for b in blocks if b.error]
    return "\n".join(errors) or None


def applied_note(result: ApplyResult) -> str:
    """One line for the person: what was committed, or why nothing was."""
    if result.error is not None:
        return f"Edits not applied: {result.error}"
    if not result.files:
        return "The edits change nothing."
    added = sum(f.added for f in result.files)
    removed = sum(f.removed for f in result.files)
    names = ", ".join(f.path for f in result.files[:3])
    more = f" and {len(result.files) - 3} more" if len(result.files) > 3 else ""
    sha = f"Committed {result.commit[:10]}: " if result.commit else "Applied: "
    over = [f.path for f in result.files if f.overwrites]
    overwrote = f" Overwrote {', '.join(over)} (a move)." if over else ""
    return f"{sha}{names}{more} (+{added} -{removed}).{overwrote} /undo takes it back."


def fix_prompt(error: str) -> str:
    """What `/fix` sends back to the model after a failed edit."""
    return (
        "Your edit could not be applied, so nothing was changed:\n\n"
        f"{error}\n\n"
        "Please send the corrected edit blocks (all of them), copying the lines to replace "
        "exactly from the file."
    )
