"""What a tool call gives back, and the cap that keeps one call from flooding the context."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the applier's module imports GitPython; a result only carries its values
    from redline.tools.edits import FilePreview

MAX_OUTPUT_CHARS = 24_000
_HEAD_SHARE = 0.6


@dataclass(frozen=True, slots=True)
class ToolResult:
    """``output`` is the text the model gets (on failure: the error, said so the model can
    correct itself); ``error`` is that sentence alone, None when the call worked."""

    ok: bool
    output: str
    error: str | None = None
    files: tuple[FilePreview, ...] = ()  # apply_patch: the files it changed, for edit cards

    @classmethod
    def success(cls, output: str, files: tuple[FilePreview, ...] = ()) -> ToolResult:
        return cls(True, output, None, files)

    @classmethod
    def failure(cls, error: str, files: tuple[FilePreview, ...] = ()) -> ToolResult:
        return cls(False, f"error: {error}", error, files)


def cap_output(text: str, limit: int = MAX_OUTPUT_CHARS) -> str:
    """``text`` if it fits, else its head and tail (whole lines) with the cut said between."""
    if len(text) <= limit:
        return text
    head_room = int(limit * _HEAD_SHARE)
    tail_room = limit - head_room
    head = text[:head_room]
    tail = text[len(text) - tail_room :]
    if "\n" in head:
        head = head[: head.rindex("\n") + 1]
    if "\n" in tail:
        tail = tail[tail.index("\n") + 1 :]
    middle = text[len(head) : len(text) - len(tail)]
    lines = middle.count("\n")
    note = (
        f"[... {lines:,} lines ({len(middle):,} characters) cut here to keep the output short; "
        "ask for a narrower range or pattern to see them ...]\n"
    )
    if head and not head.endswith("\n"):
        head += "\n"
    return head + note + tail
