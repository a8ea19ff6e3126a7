"""How a prompt is shown where it is only a reminder (a turn's header, the queue): a long paste
folds to its first lines and ``[pasted 2,000 lines]``; the model always gets the whole text."""

from __future__ import annotations

FOLD_LINES = 8  # more lines than this fold
FOLD_CHARS = 2_000  # and so does one very long line
KEEP_LINES = 2  # lines shown above the fold marker


def fold_prompt(text: str) -> tuple[str, str]:
    """``(shown, marker)``: the text to show and, when it was folded, the marker to put after it."""
    lines = text.split("\n")
    if len(lines) > FOLD_LINES:
        shown = "\n".join(line[:FOLD_CHARS] for line in lines[:KEEP_LINES])
        return shown, f"[pasted {len(lines):,} lines]"
    if len(text) > FOLD_CHARS:
        return text[: FOLD_CHARS // 4], f"[pasted {len(text):,} characters]"
    return text, ""


def one_line_prompt(text: str, width: int) -> str:
    """A prompt on one line of at most ``width`` characters (the queue's rows)."""
    lines = text.split("\n")
    first = lines[0].strip()
    more = f" [+{len(lines) - 1:,} lines]" if len(lines) > 1 else ""
    room = max(width - len(more), 8)
    if len(first) > room:
        first = first[: room - 1] + "…"
    return first + more
