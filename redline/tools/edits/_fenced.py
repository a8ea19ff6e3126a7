"""SEARCH/REPLACE blocks (Aider) and whole files in a fence headed by their path."""

from __future__ import annotations

from redline.tools.edits._lines import (
    FENCE,
    SR_DIVIDER,
    SR_END,
    SR_START,
    Line,
    closes_fence,
    loose_path,
    make_block,
)
from redline.tools.edits.blocks import EditBlock, EditFormat, EditKind, Hunk, ParseProgress

_SR = EditFormat.SEARCH_REPLACE


class SearchReplace:
    """From ``<<<<<<< SEARCH`` to ``>>>>>>> REPLACE``; fences inside are content."""

    def __init__(self, path: str, first: Line) -> None:
        self.path = path
        self.first = first
        self.body: list[str] = []
        self.dividers: list[int] = []

    def feed(self, ln: Line) -> tuple[list[EditBlock], list[Line] | None]:
        text = ln.text
        if SR_END.match(text):
            return [self._block(ln)], []
        if SR_DIVIDER.match(text):
            self.dividers.append(len(self.body))
        self.body.append(text)
        return [], None

    def _block(self, last: Line) -> EditBlock:
        if not self.path:
            return make_block(
                self.first,
                last,
                "",
                EditKind.INVALID,
                _SR,
                error="SEARCH/REPLACE block with no file path: put the path on the line before the fence",
            )
        if not self.dividers:
            return make_block(
                self.first,
                last,
                self.path,
                EditKind.INVALID,
                _SR,
                error="SEARCH/REPLACE block has no ======= line between SEARCH and REPLACE",
            )
        splits = tuple((tuple(self.body[:d]), tuple(self.body[d + 1 :])) for d in self.dividers)
        old, new = splits[0]
        hunk = Hunk(old=old, new=new, splits=splits[1:])
        return make_block(self.first, last, self.path, EditKind.SEARCH_REPLACE, _SR, hunks=(hunk,))

    def finish(self) -> list[EditBlock]:
        last = self.first
        return [
            make_block(
                self.first,
                last,
                self.path,
                EditKind.INVALID,
                _SR,
                error="SEARCH/REPLACE block not closed with >>>>>>> REPLACE (was the reply cut off?)",
            )
        ]

    def progress(self) -> ParseProgress:
        return ParseProgress(_SR, self.path or None, len(self.body))


class WholeFile:
    """A fenced block right after a line naming a file: that file's full new content.

    Nested fences with an info string (```` ```python ```` inside a Markdown file) open a level
    that a bare fence closes, so a README's code samples do not end the block early.
    """

    def __init__(self, path: str, fence: str, opener: Line, crlf: bool = False) -> None:
        self.crlf = crlf
        self.path = path
        self.fence = fence
        self.first = opener
        self.lines: list[str] = []
        self.held: list[Line] = []
        self.depth = 0
        self.closed_fence = False

    def feed(self, ln: Line) -> tuple[list[EditBlock], list[Line] | None]:
        text = ln.text
        if len(self.lines) == 1 and SR_START.match(text) and loose_path(self.lines[0]):
            # The path was inside the fence: this is a SEARCH/REPLACE block, hand both lines back.
            return [], [*self.held, ln]
        m = FENCE.match(text)
        if m and m.group(1)[0] == self.fence[0]:
            if m.group(2):
                self.depth += 1
            elif self.depth > 0:
                self.depth -= 1
            elif closes_fence(m, self.fence):
                self.closed_fence = True
                block = make_block(
                    self.first,
                    ln,
                    self.path,
                    EditKind.WHOLE,
                    EditFormat.WHOLE,
                    crlf=self.crlf,
                    content=tuple(self.lines),
                )
                return [block], []
        self.lines.append(text)
        if len(self.held) < 1:
            self.held.append(ln)
        return [], None

    def finish(self) -> list[EditBlock]:
        return [
            make_block(
                self.first,
                self.first,
                self.path,
                EditKind.INVALID,
                EditFormat.WHOLE,
                error="the file's fenced block was never closed (was the reply cut off?)",
            )
        ]

    def progress(self) -> ParseProgress:
        return ParseProgress(EditFormat.WHOLE, self.path, len(self.lines))
