"""Edit review: a finished turn's edits wait for apply, discard or fix; undo and the session diff.

Git runs in a thread. Every method returns what to tell the person (a ``Notice``), never prints.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from redline.agent.conversation import Conversation, Turn
from redline.agent.edits import (
    applied_note,
    apply_blocks,
    failed_blocks_error,
    fix_prompt,
    turn_blocks,
)
from redline.agent.notice import Notice
from redline.tools.edits.safety import DEFAULT_PROTECTED

if TYPE_CHECKING:
    from redline.tools.edits import EditBlock

WAITING_TITLE = "Edits waiting: f2 applies them, f3 discards them"  # /diff of a proposal


def _identity(root: Path) -> str | None:
    from redline.tools.edits.gitops import NotARepository, identity_problem, open_repo

    try:
        return identity_problem(open_repo(root))
    except NotARepository:
        return None  # the apply says so


EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"  # git's: a diff from before any commit


def _before_turn_commits(root: Path, turns: list[Turn]) -> str | None:
    """The parent of this conversation's first turn commit (an agent turn commits its own
    edits, without an apply): /diff shows what the session changed from there."""
    import git

    from redline.tools.edits.gitops import NotARepository, open_repo

    first = next((t.commit for t in turns if t.commit), None)
    if first is None:
        return None
    try:
        parents = open_repo(root).commit(first).parents
    except (NotARepository, ValueError, git.BadName):
        return None  # not this repository's (a moved session): the uncommitted changes only
    return parents[0].hexsha if parents else EMPTY_TREE


def _head(root: Path) -> str | None:
    from redline.tools.edits.gitops import NotARepository, head_sha, open_repo

    try:
        return head_sha(open_repo(root))
    except NotARepository:
        return None


class EditReview:
    def __init__(self, repo_root: Path, conversation: Conversation) -> None:
        self.repo_root = repo_root
        self.conversation = conversation
        self.waiting: Turn | None = None  # the turn whose edits wait for apply or discard
        self.last_error: str | None = None  # a failed edit's error, for /fix
        self.session_start: str | None = None  # HEAD before the session's first apply, for /diff
        self.protected: tuple[str, ...] = DEFAULT_PROTECTED  # files no edit may touch
        self.proposed: tuple[Turn, list[EditBlock]] | None = None  # a merge's blocks for a turn
        # Told each time a turn's edits are decided (``Turn.edit_status`` just changed): the
        # session file records it, the transcript's cards show it.
        self.listeners: list[Callable[[Turn], None]] = []

    def _mark(self, turn: Turn, status: str) -> None:
        turn.edit_status = status
        for listener in self.listeners:
            listener(turn)

    def turn_ended(self, turn: Turn) -> None:
        """A finished turn: its edits (if any) wait for apply, discard or fix."""
        before = self.waiting
        self.waiting = turn if turn.edits and turn.finished else None
        if before is not None and before is not turn and before.edit_status is None:
            self._mark(before, "superseded")  # f2 now applies the newer answer's edits
        if turn.commit is not None and turn.edit_status is None:
            self._mark(turn, "applied")  # the agent's tools committed them
        self.last_error = failed_blocks_error(turn.edits) if turn.finished else None
        self.proposed = None

    def decided(self, error: str | None = None) -> None:
        """Applied (or tried): nothing waits for a decision; an error waits for a fix."""
        self.waiting = None
        self.last_error = error
        self.proposed = None

    def propose(self, turn: Turn, blocks: list[EditBlock]) -> None:
        """``blocks`` (a merge of the turn's edits) wait for apply or discard instead of the
        turn's own; the conversation keeps what the model wrote."""
        self.waiting = turn
        self.last_error = None
        self.proposed = (turn, blocks)

    def blocks_of(self, turn: Turn) -> list[EditBlock]:
        """What applying ``turn`` would apply: a merge proposed for it, else its own blocks."""
        if self.proposed is not None and self.proposed[0] is turn:
            return list(self.proposed[1])
        return turn_blocks(turn)

    def merge_target(self) -> Turn | None:
        """The answer a merge would work on: the one waiting, or the last one whose apply failed."""
        if self.waiting is not None:
            return self.waiting
        last = self.conversation.last
        return last if self.last_error and last is not None and last.finished else None

    async def failures(self, turn: Turn) -> tuple[list[EditBlock], dict[int, str], str | None]:
        """The turn's blocks, why each that would fail now fails (by block index), and the
        apply's own error (None: they apply)."""
        from redline.tools.edits import plan_edits

        blocks = self.blocks_of(turn)
        result = await asyncio.to_thread(
            plan_edits, self.repo_root, blocks, protected=self.protected
        )
        errors = {
            block.index: edit.error
            for block, edit in zip(blocks, result.edits, strict=False)
            if edit.error
        }
        return blocks, errors, result.error

    async def apply(
        self, turn: Turn | None = None, *, only: list[str] | None = None, quiet: bool = False
    ) -> Notice | None:
        """Apply a finished turn's edits (the last answer's by default), all or nothing.

        With ``quiet`` (auto-apply), an answer that has no edit says nothing. ``only`` keeps
        the blocks for those paths (per-file review)."""
        turn = turn if turn is not None else self.conversation.last
        if turn is None or not turn.text:
            return None if quiet else Notice("No answer to apply yet.", "warning")
        if not turn.finished:
            return Notice("That answer did not finish: its edits are not applied.", "warning")
        root = self.repo_root
        problem = await asyncio.to_thread(_identity, root)
        if problem is not None:  # the person's to fix; the edits keep waiting for f2
            return Notice(f"Edits not applied: {problem}", "warning")
        if self.session_start is None:
            self.session_start = await asyncio.to_thread(_head, root)
        blocks = self.blocks_of(turn)
        if only:
            wanted = set(only)
            blocks = [b for b in blocks if {b.path, b.target} & wanted]
            if not blocks:
                return Notice(f"No edit in the last answer touches {', '.join(only)}.", "warning")
        result = await asyncio.to_thread(
            apply_blocks, root, turn, blocks, require=not quiet, protected=self.protected
        )
        if quiet and not result.edits:
            return None
        self.decided(result.error)
        if result.error is None and result.files:
            turn.commit = result.commit
            self._mark(turn, "applied")
        return Notice(applied_note(result), "error" if result.error else "information")

    def discard(self) -> Notice:
        if self.waiting is None:
            return Notice("No edits wait for a decision.", "warning")
        turn = self.waiting
        self.decided(None)
        self._mark(turn, "discarded")
        return Notice("Dropped the last answer's edits; no file was changed.")

    def take_fix(self) -> str | None:
        """The prompt that sends the failed edit back to the model (None: nothing failed)."""
        error = self.last_error
        if not error:
            return None
        self.decided(None)
        return fix_prompt(error)

    async def undo(self) -> Notice:
        from redline.tools.edits import undo_last

        result = await asyncio.to_thread(undo_last, self.repo_root)
        if result.ok:
            for turn in self.conversation.turns:
                if turn.commit is not None and turn.commit == result.commit:
                    self._mark(turn, "undone")
        return Notice(result.message, "information" if result.ok else "warning")

    async def diff(self) -> tuple[str, str]:
        """(title, diff text): the edits waiting for f2 if any, else what this session changed;
        raises ``NotARepository``."""
        from redline.tools.edits import plan_edits, session_diff

        waiting = self.waiting
        if waiting is not None:
            blocks = turn_blocks(waiting)
            plan = await asyncio.to_thread(
                plan_edits, self.repo_root, blocks, protected=self.protected
            )
            if plan.diff:
                return WAITING_TITLE, plan.diff

        first = await asyncio.to_thread(
            _before_turn_commits, self.repo_root, list(self.conversation.turns)
        )
        since = first or self.session_start or "HEAD"  # the first is never later
        text = await asyncio.to_thread(session_diff, self.repo_root, since)
        title = "Changes in this session" if since != "HEAD" else "Uncommitted changes"
        return title, text
