"""The edits work in the TUI: `/apply`, `/undo`, `/diff`, and applying a finished turn.

Git runs in a thread; the UI thread only posts notifications and pushes the diff screen. The
session's first commit is remembered on the app (``edits_session_start``) for `/diff`.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from redline.tools.edits import (
    ApplyResult,
    EditStreamParser,
    apply_reply,
    parse_edits,
    session_diff,
    undo_last,
)
from redline.tools.edits.gitops import NotARepository, head_sha, open_repo
from redline.tui.slash import SlashCommand

if TYPE_CHECKING:
    from redline.tui.app import RedlineApp


class EditCards:
    """Feeds the streamed answer to the edit parser; each block that closes becomes a card.

    Cheap enough for the stream sink (about a microsecond a chunk); the card itself is drawn
    later, on the transcript's timer."""

    def __init__(self, handle: Any, requested_format: str | None = None) -> None:
        self._add = getattr(handle, "add_block", None)  # None: a transcript without cards
        self._parser = EditStreamParser(requested_format)
        self.blocks: list[Any] = []

    def feed(self, text: str) -> None:
        if self._add is not None:
            for block in self._parser.feed(text):
                self._card(block)

    def finish(self) -> None:
        if self._add is not None:
            for block in self._parser.finish():
                self._card(block)

    def _card(self, block: Any) -> None:
        from redline.tui.widgets.diff_card import diff_card

        self.blocks.append(block)
        assert self._add is not None
        self._add(diff_card(block, status="failed" if block.error else "proposed"))


def _head(root: Any) -> str | None:
    try:
        return head_sha(open_repo(root))
    except NotARepository:
        return None


def _last_answer(app: Any) -> Any:
    turns = app.conversation.turns
    return turns[-1] if turns else None


def applied_note(result: ApplyResult) -> str:
    """One line for a notification: what was committed, or why nothing was."""
    if result.error is not None:
        return f"Edits not applied: {result.error}"
    if not result.files:
        return "The edits change nothing."
    added = sum(f.added for f in result.files)
    removed = sum(f.removed for f in result.files)
    names = ", ".join(f.path for f in result.files[:3])
    more = f" and {len(result.files) - 3} more" if len(result.files) > 3 else ""
    sha = f"Committed {result.commit[:10]}: " if result.commit else "Applied: "
    return f"{sha}{names}{more} (+{added} -{removed}). /undo takes it back."


def fix_prompt(error: str) -> str:
    """What `/fix` sends back to the model after a failed edit."""
    return (
        "Your edit could not be applied, so nothing was changed:\n\n"
        f"{error}\n\n"
        "Please send the corrected edit blocks (all of them), copying the lines to replace "
        "exactly from the file."
    )


async def apply_turn(
    app: Any, turn: Any, *, quiet_without_edits: bool = False, only: list[str] | None = None
) -> ApplyResult | None:
    """Apply a finished turn's edits (for /apply and auto-apply); notify either way.

    With `quiet_without_edits` (auto-apply), an answer that has no edit says nothing. `only`
    keeps the blocks for those paths (per-file review)."""
    if turn is None or not turn.text:
        if not quiet_without_edits:
            app.notify("No answer to apply yet.", severity="warning")
        return None
    if turn.error is not None or turn.interrupted:
        app.notify("That answer did not finish: its edits are not applied.", severity="warning")
        return None
    root = app.options.repo_root
    if getattr(app, "edits_session_start", None) is None:
        app.edits_session_start = await asyncio.to_thread(_head, root)
    reply: Any = turn.text
    if only:
        wanted = set(only)
        blocks = parse_edits(turn.text, turn.edit_format)
        reply = [b for b in blocks if {b.path, b.target} & wanted]
        if not reply:
            app.notify(f"No edit in the last answer touches {', '.join(only)}.", severity="warning")
            return None
    result = await asyncio.to_thread(
        apply_reply,
        root,
        reply,
        provider=turn.provider,
        model=turn.model,
        summary=turn.prompt,
        require_edits=not quiet_without_edits,
        requested_format=turn.edit_format,
    )
    if quiet_without_edits and not result.edits:
        return result
    app.edits_decided(result.error)
    note = applied_note(result)
    if result.error:
        note += " /fix (f4) sends this back to the model."
    app.notify(note, severity="error" if result.error else "information")
    return result


async def _apply(app: RedlineApp, arg: str) -> None:
    await apply_turn(app, _last_answer(app), only=arg.split() or None)


def _fix(app: RedlineApp, arg: str) -> None:
    error = app.edits_last_error
    if not error:
        app.notify("No failed edit to send back.", severity="warning")
        return
    app.edits_decided(None)
    app.handle_prompt(fix_prompt(error))


def _discard(app: RedlineApp, arg: str) -> None:
    if app.review_turn is None:
        app.notify("No edits wait for a decision.", severity="warning")
        return
    app.edits_decided(None)
    app.notify("Dropped the last answer's edits; no file was changed.")


async def _undo(app: RedlineApp, arg: str) -> None:
    result = await asyncio.to_thread(undo_last, app.options.repo_root)
    app.notify(result.message, severity="information" if result.ok else "warning")


async def _diff(app: RedlineApp, arg: str) -> None:
    from redline.tui.screens.diff_view import DiffView

    root = app.options.repo_root
    since = getattr(app, "edits_session_start", None) or "HEAD"
    try:
        text = await asyncio.to_thread(session_diff, root, since)
    except NotARepository as exc:
        app.notify(str(exc), severity="warning")
        return
    title = "Changes in this session" if since != "HEAD" else "Uncommitted changes"
    await app.push_screen(DiffView(title, text))


def commands() -> list[SlashCommand]:
    return [
        SlashCommand(
            "apply",
            "apply the last answer's edits (/apply PATH...: only those)",
            _apply,
            key="f2",
        ),
        SlashCommand("discard", "drop the last answer's edits", _discard, key="f3"),
        SlashCommand("fix", "send the last failed edit's error back to the model", _fix, key="f4"),
        SlashCommand("undo", "revert the last redline commit (when safe)", _undo),
        SlashCommand("diff", "what this session changed", _diff),
    ]
