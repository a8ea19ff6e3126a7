"""Split a streamed Markdown answer into blocks as it arrives (DESIGN.md "Rendering").

Pure code, no Textual: the transcript feeds text in whatever pieces the network gave it and
gets back the blocks that are finished (a closed paragraph, a heading, a closed code fence),
plus the open block still growing (the live tail). Splitting is line-based, so feeding the
same text in any pieces gives the same blocks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["text", "code"]

_FENCE_OPEN = re.compile(r"^ {0,3}(`{3,}|~{3,})[ \t]*([^\s`]*)")
_LIST_ITEM = re.compile(r"^ {0,3}(?:[-+*]|\d{1,9}[.)])[ \t]")
MAX_TEXT_LINES = 40  # a longer run of list items is cut into blocks, so each renders quickly


@dataclass(slots=True, frozen=True)
class Block:
    """One finished piece of an answer: Markdown text, or the content of a code fence."""

    kind: BlockKind
    text: str
    lang: str = ""


@dataclass(slots=True)
class OpenBlock:
    """The block still being written: its complete lines and the partial last line."""

    kind: BlockKind = "text"
    lang: str = ""
    lines: list[str] = field(default_factory=list)
    partial: str = ""

    @property
    def empty(self) -> bool:
        return not self.lines and not self.partial


def _is_heading(line: str) -> bool:
    stripped = line.lstrip(" ")
    return len(line) - len(stripped) <= 3 and stripped.startswith("#")


class BlockSplitter:
    """Incremental Markdown block splitter; ``feed`` returns blocks as they finish."""

    def __init__(self) -> None:
        self.tail = OpenBlock()
        self._fence = ""  # the opening fence marker while inside a code block

    def feed(self, text: str) -> list[Block]:
        """Add streamed text; return the blocks it finished, in order."""
        if not text:
            return []
        finished: list[Block] = []
        if "\n" not in text:  # only the partial line grows: never rescan what came before
            self.tail.partial += text
            return finished
        pieces = text.split("\n")
        pieces[0] = self.tail.partial + pieces[0]
        partial = pieces.pop()
        self.tail.partial = ""
        for line in pieces:
            self._line(line.removesuffix("\r"), finished)
        self.tail.partial = partial
        return finished

    def close(self) -> list[Block]:
        """End of the answer: everything still open is finished as it stands."""
        finished: list[Block] = []
        tail = self.tail
        if tail.partial:
            partial, tail.partial = tail.partial, ""
            if not (self._fence and self._closes_fence(partial)):
                tail.lines.append(partial)
        if self._fence or tail.lines:
            self._emit(finished)
        return finished

    def _closes_fence(self, line: str) -> bool:
        stripped = line.strip()
        fence = self._fence
        return (
            len(stripped) >= len(fence)
            and stripped[0] == fence[0]
            and stripped == fence[0] * len(stripped)
        )

    def _emit(self, finished: list[Block]) -> None:
        tail = self.tail
        finished.append(Block(tail.kind, "\n".join(tail.lines), tail.lang))
        self.tail = OpenBlock()
        self._fence = ""

    def _line(self, line: str, finished: list[Block]) -> None:
        tail = self.tail
        if self._fence:
            if self._closes_fence(line):
                self._emit(finished)
            else:
                tail.lines.append(line)
            return
        opener = _FENCE_OPEN.match(line)
        if opener is not None:
            if tail.lines:
                self._emit(finished)
            self._fence = opener.group(1)
            self.tail = OpenBlock("code", opener.group(2))
            return
        if not line.strip():
            if tail.lines:
                self._emit(finished)
            return
        if _is_heading(line):
            if tail.lines:
                self._emit(finished)
            finished.append(Block("text", line))
            return
        if len(tail.lines) >= MAX_TEXT_LINES and _LIST_ITEM.match(line):
            self._emit(finished)
            tail = self.tail
        tail.lines.append(line)


def split_blocks(text: str) -> list[Block]:
    """All blocks of a complete answer (what a Mercury snapshot or a resumed session shows)."""
    splitter = BlockSplitter()
    blocks = splitter.feed(text)
    blocks.extend(splitter.close())
    return blocks
