"""SEARCH/REPLACE blocks (Aider) and whole files in a fence headed by their path."""

from __future__ import annotations

import re

from redline.tools.edits._lines import (
    EDIT_MARKER,
    FENCE,
    OTHER_DIFF,
    SR_DIVIDER,
    SR_END,
    SR_START,
    Line,
    closes_fence,
    make_block,
    strict_path,
)
from redline.tools.edits.blocks import EditBlock, EditFormat, EditKind, Hunk, ParseProgress

_SR = EditFormat.SEARCH_REPLACE
_START_LINE = re.compile(r"^:start_line:\s*(\d+)\s*$")
_DASHES = re.compile(r"^-{3,}\s*$")


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
        start, skip = _line_hint(self.body)
        body = self.body
        splits = tuple(
            (tuple(body[skip:d]), tuple(body[d + 1 :])) for d in self.dividers if d >= skip
        )
        if not splits:
            return make_block(
                self.first,
                last,
                self.path,
                EditKind.INVALID,
                _SR,
                error="SEARCH/REPLACE block has no ======= line after its :start_line: hint",
            )
        old, new = splits[0]
        hunk = Hunk(old=old, new=new, splits=splits[1:], old_start=start)
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


_DIFF_INFO = ("diff", "patch", "udiff")
_DOC_SUFFIXES = (".md", ".markdown", ".rst", ".txt", ".adoc", ".org", ".textile")


def _line_hint(body: list[str]) -> tuple[int | None, int]:
    """Roo Code's `:start_line:N` (and `:end_line:M`, then a `-------` line) opening SEARCH:
    the line number, and how many lines the hint takes."""
    m = _START_LINE.match(body[0]) if body else None
    if m is None:
        return None, 0
    skip = 1
    if skip < len(body) and body[skip].startswith(":end_line:"):
        skip += 1
    if skip < len(body) and _DASHES.match(body[skip]):
        skip += 1
    return int(m.group(1)), skip


class WholeFile:
    """A fenced block right after a line naming a file: that file's full new content.

    Nested fences with an info string (```` ```python ```` inside a Markdown file) open a level
    that a bare fence closes, so a README's code samples do not end the block early. A
    ``<<<<<<< SEARCH`` line at the top level hands every line back (a SEARCH/REPLACE block after
    all); any other edit-script marker makes the block invalid: it is never written as a file.
    """

    def __init__(
        self, path: str, fence: str, opener: Line, crlf: bool = False, info: str = ""
    ) -> None:
        self.crlf = crlf
        # A ```diff fence holds a diff, unless the file itself is one.
        self.diff_fence = info.split()[0].lower() in _DIFF_INFO if info.split() else False
        self.path = path
        self.fence = fence
        self.first = opener
        self.lines: list[str] = []
        self.held: list[Line] = []
        self.depth = 0
        self.closed_fence = False
        self.marker: str | None = None  # the first edit-script marker line seen
        self.path_only: str | None = None  # the fence held nothing but a file name

    def feed(self, ln: Line) -> tuple[list[EditBlock], list[Line] | None]:
        text = ln.text
        if self.depth == 0 and SR_START.match(text):
            # A SEARCH/REPLACE block after all (the path or a comment was inside the fence).
            return [], [*self.held, ln]
        m = FENCE.match(text)
        if m and m.group(1)[0] == self.fence[0]:
            if m.group(2):
                self.depth += 1
            elif self.depth > 0:
                self.depth -= 1
            elif closes_fence(m, self.fence):
                self.closed_fence = True
                return self._close(ln), []
        if self.marker is None and self.depth == 0 and self._is_marker(text):
            self.marker = text.strip()
        if OTHER_DIFF.match(text) and self.depth == 0:
            self.diff_fence = True
        self.lines.append(text)
        self.held.append(ln)
        return [], None

    def _is_marker(self, text: str) -> bool:
        if EDIT_MARKER.match(text):
            return True
        # An Aider divider alone on a line: in a document it may underline a heading.
        return (
            SR_DIVIDER.match(text) is not None
            and len(text.strip()) >= 5
            and not self.path.lower().endswith(_DOC_SUFFIXES)
        )

    def _close(self, ln: Line) -> list[EditBlock]:
        if self.marker is not None:
            return [
                make_block(
                    self.first,
                    ln,
                    self.path,
                    EditKind.INVALID,
                    EditFormat.WHOLE,
                    error=(
                        f"the fenced block holds the edit marker '{self.marker[:40]}', so it is "
                        "not a whole file and was not read as SEARCH/REPLACE either; write the "
                        "markers exactly as <<<<<<< SEARCH, ======= and >>>>>>> REPLACE"
                    ),
                )
            ]
        if self.diff_fence and not self.path.lower().endswith((".diff", ".patch")):
            return [
                make_block(
                    self.first,
                    ln,
                    self.path,
                    EditKind.INVALID,
                    EditFormat.WHOLE,
                    error="the fenced block is a diff redline cannot read (context, normal and ed "
                    "diffs are not accepted), not the file's content; send a unified diff",
                )
            ]
        body = [s for s in self.lines if s.strip()]
        if len(body) == 1 and strict_path(body[0]) == self.path:
            self.path_only = self.path  # the file's name again, alone in its fence (DeepSeek)
            return []
        return [
            make_block(
                self.first,
                ln,
                self.path,
                EditKind.WHOLE,
                EditFormat.WHOLE,
                crlf=self.crlf,
                content=tuple(self.lines),
            )
        ]

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
