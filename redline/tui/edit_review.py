"""Reviewing a finished turn's edits with one key: apply all, discard, or ask for a fix.

The keys show in the footer only when they would do something (``check_action``): apply and
discard while the last answer's edits wait for a decision, fix while a failed edit's error
waits to be sent back. `/apply PATH...` keeps the per-file choice.
"""

from __future__ import annotations

from typing import Any

from textual.binding import Binding

from redline.tui.turn_running import TurnRunning

REVIEW_ACTIONS = frozenset({"apply_edits", "discard_edits"})

REVIEW_BINDINGS = [
    Binding("f2", "apply_edits", "Apply edits", tooltip="apply the last answer's edits (/apply)"),
    Binding("f3", "discard_edits", "Discard", tooltip="drop the last answer's edits (/discard)"),
    Binding("f4", "fix_edits", "Fix edit", tooltip="send the failed edit back to the model (/fix)"),
]


def failed_blocks_error(blocks: list[Any]) -> str | None:
    """The parse errors of blocks that could not be read, as one message for `/fix`."""
    errors = [f"{b.path}: {b.error}" for b in blocks if getattr(b, "error", None)]
    return "\n".join(errors) or None


class EditReview(TurnRunning):
    def edits_reviewable(self, turn: Any, blocks: list[Any]) -> None:
        """A finished turn: its edits (if any) wait for apply, discard or fix."""
        finished = turn.error is None and not turn.interrupted
        self.review_turn = turn if blocks and finished else None
        self.edits_last_error = failed_blocks_error(blocks) if finished else None
        self.refresh_bindings()

    def edits_decided(self, error: str | None = None) -> None:
        """Applied (or tried): nothing waits for a decision; an error waits for a fix."""
        self.review_turn = None
        self.edits_last_error = error
        self.refresh_bindings()

    def review_action_allowed(self, action: str) -> bool | None:
        """For ``check_action``: None when the action is not a review one."""
        if action in REVIEW_ACTIONS:
            return self.review_turn is not None and not self.turn_running
        if action == "fix_edits":
            return bool(self.edits_last_error) and not self.turn_running
        return None

    def action_apply_edits(self) -> None:
        self.run_slash_text("/apply")

    def action_discard_edits(self) -> None:
        self.run_slash_text("/discard")

    def action_fix_edits(self) -> None:
        self.run_slash_text("/fix")
