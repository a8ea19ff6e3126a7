"""Codex `apply_patch` envelopes: the grammar, as a line-fed state machine.

    *** Begin Patch
    *** Add File: <path>        then lines starting with "+"
    *** Delete File: <path>
    *** Update File: <path>     optionally "*** Move to: <path>", then chunks:
    @@ [context line]           anchors (repeatable); the first chunk may omit "@@"
    " "/"-"/"+" lines           context / removed / added ("" counts as an empty context line)
    *** End of File             the chunk ends at the end of the file
    *** End Patch

Markers may be padded with whitespace (Codex accepts that too).
"""

from __future__ import annotations

import re

from redline.tools.edits._lines import FENCE, Line, make_block
from redline.tools.edits.blocks import EditBlock, EditFormat, EditKind, Hunk, ParseProgress

_AP = EditFormat.APPLY_PATCH
_ADD = "*** Add File: "
_DELETE = "*** Delete File: "
_UPDATE = "*** Update File: "
_MOVE = "*** Move to: "
_EOF = "*** End of File"
_END = "*** End Patch"
_OTHER_HEADER = re.compile(r"^\*\*\* [A-Z][A-Za-z]* File: ")


class _Chunk:
    __slots__ = ("anchors", "blanks", "eof", "new", "old")

    def __init__(self, anchor: str | None) -> None:
        self.anchors: list[str] = [] if anchor is None else [anchor]
        self.old: list[str] = []
        self.new: list[str] = []
        self.eof = False
        self.blanks = 0  # trailing context lines that were empty lines in the reply

    def empty(self) -> bool:
        return not self.old and not self.new

    def hunk(self) -> Hunk:
        return Hunk(
            old=tuple(self.old),
            new=tuple(self.new),
            anchors=tuple(self.anchors),
            end_of_file=self.eof,
            loose_tail=self.blanks,
        )


class ApplyPatch:
    """From ``*** Begin Patch`` to ``*** End Patch`` (or the closing fence around it)."""

    def __init__(self, begin: Line, fence: str | None) -> None:
        self.fence = fence
        self.state = "files"  # files | add | update | skip
        self.kind = EditKind.UPDATE
        self.path = ""
        self.move_to: str | None = None
        self.first = begin
        self.last = begin
        self.add_lines: list[str] = []
        self.blank_held = 0
        self.chunks: list[_Chunk] = []
        self.lines = 0

    # -- the state machine ------------------------------------------------------------------

    def feed(self, ln: Line) -> tuple[list[EditBlock], list[Line] | None]:
        text = ln.text
        marker = text.strip()
        if marker == _END:
            return self._close(), []
        if self.fence is not None:
            m = FENCE.match(text)
            if m and m.group(1)[0] == self.fence[0] and not m.group(2):
                return self._close(), [ln]  # the fence ends the envelope: forgive the missing end
        if self.state == "skip":
            return [], None
        if marker.startswith("*** ") and self._is_header(marker, text):
            return self._header(marker, ln), None
        out: list[EditBlock] = []
        if self.state in ("add", "update"):
            err = self._add_line(text, ln) if self.state == "add" else self._update_line(text, ln)
            if err:
                out.append(self._invalid(ln, err))
        elif marker:
            out.append(self._invalid(ln, f"'{marker}' is not a valid apply_patch header"))
        return out, None

    def _is_header(self, marker: str, text: str) -> bool:
        if marker.startswith((_ADD, _DELETE, _UPDATE, _MOVE)) or marker == _EOF:
            return True
        if self.state == "files":
            return True  # between files every "*** " line is a header (or a bad one)
        # Inside a file section an unknown "*** Xxx File: p" at the line start is a bad header;
        # anything else (" *** note" as a context line) is content.
        return text.startswith("*** ") and _OTHER_HEADER.match(marker) is not None

    def _header(self, marker: str, ln: Line) -> list[EditBlock]:
        if marker == _EOF and self.state == "update":
            if not self.chunks:
                self.chunks.append(_Chunk(None))
            self.chunks[-1].eof = True
            self._touch(ln)
            return []
        if marker.startswith(_MOVE) and self.state == "update" and not self.chunks:
            self.move_to = marker[len(_MOVE) :].strip()
            self.kind = EditKind.MOVE
            self._touch(ln)
            return []
        out = self._close()
        if marker.startswith(_ADD):
            self._open(ln, EditKind.ADD, marker[len(_ADD) :], "add")
        elif marker.startswith(_UPDATE):
            self._open(ln, EditKind.UPDATE, marker[len(_UPDATE) :], "update")
        elif marker.startswith(_DELETE):
            path = marker[len(_DELETE) :].strip()
            out.append(make_block(ln, ln, path, EditKind.DELETE, _AP))
            self.state = "files"
        else:
            out.append(self._invalid(ln, f"'{marker}' is not a valid apply_patch header"))
        return out

    def _open(self, ln: Line, kind: EditKind, path: str, state: str) -> None:
        self.state = state
        self.kind = kind
        self.path = path.strip()
        self.move_to = None
        self.first = self.last = ln
        self.add_lines = []
        self.blank_held = 0
        self.chunks = []
        self.lines = 0

    def _touch(self, ln: Line) -> None:
        self.last = ln
        self.lines += 1

    def _add_line(self, text: str, ln: Line) -> str | None:
        if text.startswith("+"):
            self.add_lines.extend([""] * self.blank_held)
            self.blank_held = 0
            self.add_lines.append(text[1:])
            self._touch(ln)
        elif not text.strip():
            self.blank_held += 1  # an empty line counts only if more content follows
        else:
            return f"'{text.strip()}' in Add File: {self.path} must start with '+'"
        return None

    def _update_line(self, text: str, ln: Line) -> str | None:
        if text.rstrip() == "@@" or text.startswith("@@ "):
            anchor = text[3:].rstrip("\r") if text.startswith("@@ ") else None
            if anchor is not None and not anchor.strip():
                anchor = None  # "@@ " with trailing spaces is a bare "@@"
            last = self.chunks[-1] if self.chunks else None
            if last is not None and last.empty() and not last.eof:
                if anchor is not None:
                    last.anchors.append(anchor)
            else:
                self.chunks.append(_Chunk(anchor))
            self._touch(ln)
            return None
        first = text[:1]
        if first in (" ", "-", "+") or not text.rstrip("\r"):
            if not self.chunks or self.chunks[-1].eof:
                self.chunks.append(_Chunk(None))
            chunk = self.chunks[-1]
            body = text[1:]
            if first == "-":
                chunk.old.append(body)
            elif first == "+":
                chunk.new.append(body)
            else:
                chunk.old.append(body)
                chunk.new.append(body)
            chunk.blanks = chunk.blanks + 1 if not text.rstrip("\r") else 0
            self._touch(ln)
            return None
        return f"unexpected line in update hunk of {self.path}: '{text.strip()}'"

    def _invalid(self, ln: Line, message: str) -> EditBlock:
        self.state = "skip"
        self.kind = EditKind.INVALID
        block = make_block(self.first, ln, self.path, EditKind.INVALID, _AP, error=message)
        self.path = ""
        return block

    # -- closing ------------------------------------------------------------------------------

    def _close(self) -> list[EditBlock]:
        state, self.state = self.state, "files"
        if state == "add":
            return [
                make_block(
                    self.first,
                    self.last,
                    self.path,
                    EditKind.ADD,
                    _AP,
                    content=tuple(self.add_lines),
                )
            ]
        if state == "update":
            hunks = tuple(c.hunk() for c in self.chunks if not c.empty())
            if not hunks and self.move_to is None:
                return [
                    make_block(
                        self.first,
                        self.last,
                        self.path,
                        EditKind.INVALID,
                        _AP,
                        error=f"Update File: {self.path} has no changes (empty hunk)",
                    )
                ]
            return [
                make_block(
                    self.first,
                    self.last,
                    self.path,
                    self.kind,
                    _AP,
                    hunks=hunks,
                    move_to=self.move_to,
                )
            ]
        return []

    def finish(self) -> list[EditBlock]:
        # The reply ended inside the envelope: whatever came before (a Delete File too) may be
        # only part of the patch, so the whole envelope is refused, as Codex does.
        path = self.path if self.state in ("add", "update") else ""
        return [
            make_block(
                self.first,
                self.last,
                path,
                EditKind.INVALID,
                _AP,
                error="*** End Patch missing (was the reply cut off?): nothing in this patch "
                "is applied",
            )
        ]

    def progress(self) -> ParseProgress:
        return ParseProgress(_AP, self.path or None, self.lines)
