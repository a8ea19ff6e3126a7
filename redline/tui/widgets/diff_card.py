"""A diff card: one edit block as the transcript shows it (file, +/- counts, coloured hunks).

Pure rendering: the card is a rich renderable handed to ``TurnHandle.add_block`` the moment the
edit parser closes a block, and again with its status once the edits are applied or fail.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.text import Text

from redline.safety.terminal import for_terminal, one_line
from redline.tools.edits import EditBlock, EditKind, block_diff

MAX_CARD_LINES = 24
_STATUS_STYLE = {
    "proposed": "yellow",
    "applied": "green",
    "failed": "bold red",
    "discarded": "dim",
    "denied": "dim",
    "not applied": "dim",
    "undone": "magenta",
}


def _title(
    block: EditBlock, added: int, removed: int, status: str | None, overwrites: bool
) -> Text:
    title = Text()
    verb = {
        EditKind.ADD: "new ",
        EditKind.DELETE: "delete ",
        EditKind.MOVE: "move ",
        EditKind.WHOLE: "rewrite ",
    }.get(block.kind, "")
    title.append(verb, style="dim")
    title.append(one_line(block.path) if block.path else "(no path)", style="bold")
    if block.move_to:
        title.append(f" → {one_line(block.move_to)}", style="bold")
        if overwrites:
            title.append(" (overwrites it)", style="yellow")
    title.append(f"  +{added}", style="green")
    title.append(f" -{removed}", style="red")
    if status:
        title.append(f"  {status}", style=_STATUS_STYLE.get(status, ""))
    return title


def _counts(block: EditBlock, before: str | None, lines: list[str]) -> tuple[int, int]:
    if before is not None and block.content is not None:
        added = sum(1 for line in lines if line.startswith("+"))
        removed = sum(1 for line in lines if line.startswith("-"))
        return added, removed
    return block.counts()


def card_counts(block: EditBlock, before: str | None = None) -> tuple[int, int]:
    """The +/- figures the card shows (the real diff's)."""
    return _counts(block, before, block_diff(block, before).splitlines()[2:])


def diff_card(
    block: EditBlock,
    *,
    status: str | None = None,
    error: str | None = None,
    overwrites: bool = False,
    before: str | None = None,
) -> RenderableType:
    """The card for `block`; `status` ("proposed", "applied", "failed") and `error` when known;
    `overwrites` when a move lands on a file that exists; `before`: the file a whole-file block
    rewrites (the card then shows and counts the real diff)."""
    lines = block_diff(block, before).splitlines()[2:]  # the ---/+++ header is in the title
    added, removed = _counts(block, before, lines)
    body = Text()
    for line in lines[:MAX_CARD_LINES]:
        style = ""
        if line.startswith("+"):
            style = "green"
        elif line.startswith("-"):
            style = "red"
        elif line.startswith(("@@", "!")):
            style = "cyan" if line.startswith("@@") else "bold red"
        body.append(one_line(line) + "\n", style=style)
    if len(lines) > MAX_CARD_LINES:
        body.append(f"… {len(lines) - MAX_CARD_LINES} more lines\n", style="dim")
    parts: list[RenderableType] = [body]
    problem = error or block.error
    if problem:
        parts.append(Text(for_terminal(problem), style="bold red"))
    border = _STATUS_STYLE.get(status or "", "blue") if not problem else "red"
    return Panel(
        Group(*parts),
        title=_title(block, added, removed, status, overwrites),
        title_align="left",
        border_style=border,
        padding=(0, 1),
    )
