"""The last line of a turn with edits: what is waiting (and the keys), or what became of them.

``calc.py +1 -0 · f2 apply · f3 discard · /diff`` while the edits wait, then ``✓ applied ...``,
``✗ discarded ...`` or ``↺ undone ...``; a resumed session shows the saved outcome the same way.
"""

from __future__ import annotations

from rich.text import Text

from redline.agent import Turn
from redline.safety.terminal import one_line

FileCount = tuple[str, int, int]  # path, lines added, lines removed
MAX_FILES = 3
_DONE = {
    "applied": ("✓ applied", "green"),
    "discarded": ("✗ discarded", "dim"),
    "undone": ("↺ undone", "yellow"),
    "superseded": ("not applied: a later answer's edits took their place", "dim"),
}
CARD_STATUS = {"superseded": "not applied"}  # the word a card shows for a turn's outcome


def _files(counts: list[FileCount]) -> str:
    merged: dict[str, list[int]] = {}
    for path, added, removed in counts:
        seen = merged.setdefault(path, [0, 0])
        seen[0] += added
        seen[1] += removed
    shown = [f"{one_line(p)} +{a} -{r}" for p, (a, r) in list(merged.items())[:MAX_FILES]]
    more = len(merged) - MAX_FILES
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def turn_counts(turn: Turn) -> list[FileCount]:
    """Per block of the turn's answer text (a resumed turn's are parsed again)."""
    blocks = turn.edits
    if not blocks and turn.text and turn.edit_status is not None:
        from redline.tools.edits import parse_edits

        blocks = parse_edits(turn.text, turn.edit_format)
    return [(b.target, *b.counts()) for b in blocks if not b.error]


def edits_line(turn: Turn, counts: list[FileCount], waiting: bool) -> Text | None:
    """``counts``: the cards drawn for the turn (or, resumed, its blocks)."""
    status = turn.edit_status
    files = _files(counts)
    if status is None:
        if not waiting or not files:
            return None
        line = Text(files, style="bold")
        line.append(" · f2 apply · f3 discard · /diff", style="yellow")
        return line
    word, style = _DONE.get(status, (status, ""))
    line = Text(word, style=style)
    if files:
        line.append(f" {files}")
    if status == "applied" and turn.commit:
        line.append(f" · commit {turn.commit[:10]} · /undo takes it back", style="dim")
    return line
