"""Find edit blocks in a model's reply, all formats at once, while it streams.

`EditStreamParser` keeps a line buffer and a state machine: `feed(chunk)` only looks at the new
text, returns the blocks that closed with it, and `progress` describes the open one. The one-shot
`parse_edits(text)` is the same machine fed the whole text, so both agree for any chunking.

`requested_format` is the format the turn asked for. A path line then a fenced file is also how
redline shows files to the model, so such a block is a whole-file edit only when the turn asked
for `whole` (or nobody said: `redline apply` of a saved reply), or when the reply clearly is
one: nothing but whole files, no edit in another format, at most one line of prose.
"""

from __future__ import annotations

from dataclasses import replace

from redline.tools.edits._fenced import SearchReplace, WholeFile
from redline.tools.edits._lines import (
    BINARY_LINE,
    FENCE,
    SR_START,
    Line,
    SubParser,
    closes_fence,
    fence_info_path,
    loose_path,
    make_block,
    strict_path,
    whole_path,
)
from redline.tools.edits._patch import ApplyPatch
from redline.tools.edits._udiff import UnifiedDiff, header_path
from redline.tools.edits.blocks import EditBlock, EditFormat, EditKind, ParseProgress

_BEGIN = "*** Begin Patch"
_FILE_HEADERS = ("*** Update File: ", "*** Add File: ", "*** Delete File: ")


class EditStreamParser:
    """Incremental edit-block parser: ``feed(chunk) -> list[EditBlock]``, then ``finish()``."""

    def __init__(self, requested_format: EditFormat | str | None = None) -> None:
        fmt = None if requested_format is None else EditFormat(requested_format)
        self._fmt = fmt
        self._whole_ok = fmt is None or fmt is EditFormat.WHOLE
        self._deferred: list[EditBlock] = []  # whole files the turn did not ask for
        self._others = 0  # blocks emitted that are not deferred whole files
        self._prose = 0  # non-blank top-level lines outside any block
        self._fence_body = 0  # non-blank lines seen inside the open top-level fence
        self._fence_single = ""
        self._pending_path = ""  # a file name that stood alone in the fence before
        self._partial: list[str] = []
        self._offset = 0  # where the current (partial) line starts in the reply
        self._line_no = 1
        self._count = 0  # blocks emitted so far
        self._out: list[EditBlock] = []
        self._sub: SubParser | None = None
        self._fence: str | None = None  # the open fence's marker, e.g. "```"
        self._fence_path: str | None = None
        self._fence_info = ""
        self._fence_first = False  # the next line is the first inside the fence
        self._fence_cr = False  # the fence line ended in CR: the reply has CRLF line ends
        self._prev = ""  # the last non-blank line at top level
        self._last_path = ""  # SEARCH blocks without a path reuse the previous one
        self._held: Line | None = None  # a "--- " line waiting for its "+++ "
        self._finished = False

    # -- public -------------------------------------------------------------------------------

    def feed(self, chunk: str) -> list[EditBlock]:
        """Take the next piece of the reply; return the blocks it completed."""
        out: list[EditBlock] = []
        self._out = out
        nl = chunk.find("\n")
        if nl < 0:
            if chunk:
                self._partial.append(chunk)
            return out
        start = 0
        while nl >= 0:
            text = chunk[start:nl]
            if self._partial:
                self._partial.append(text)
                text = "".join(self._partial)
                self._partial.clear()
            self._take(text, True)
            start = nl + 1
            nl = chunk.find("\n", start)
        if start < len(chunk):
            self._partial.append(chunk[start:])
        return out

    def finish(self) -> list[EditBlock]:
        """The reply is complete: flush the last line and close (or fail) what is still open."""
        out: list[EditBlock] = []
        self._out = out
        if self._finished:
            return out
        self._finished = True
        if self._partial:
            text = "".join(self._partial)
            self._partial.clear()
            self._take(text, False)
        if self._held is not None:
            held, self._held = self._held, None
            self._top(held, hold=False)
        while self._sub is not None:
            sub, self._sub = self._sub, None
            self._emit(sub.finish())
        deferred, self._deferred = self._deferred, []
        if deferred and not self._others and self._prose <= len(deferred) + 1:
            self._whole_ok = True  # nothing but whole files: the model clearly meant them
            self._emit(deferred)
        return out

    @property
    def progress(self) -> ParseProgress | None:
        """The block being written right now, if any."""
        return None if self._sub is None else self._sub.progress()

    # -- lines --------------------------------------------------------------------------------

    def _take(self, text: str, newline: bool) -> None:
        end = self._offset + len(text) + (1 if newline else 0)
        ln = Line(text, self._line_no, self._offset, end)
        self._offset = end
        self._line_no += 1
        self._process(ln)

    def _emit(self, blocks: list[EditBlock]) -> None:
        for b in blocks:
            if b.kind is EditKind.WHOLE and not self._whole_ok:
                self._deferred.append(b)
                continue
            self._others += b.kind is not EditKind.WHOLE
            self._out.append(replace(b, index=self._count))
            self._count += 1
            if b.path and b.source is EditFormat.SEARCH_REPLACE:
                self._last_path = b.path

    def _process(self, ln: Line) -> None:
        sub = self._sub
        if sub is not None:
            blocks, back = sub.feed(ln)
            if blocks:
                self._emit(blocks)
            if back is None:
                return
            self._sub = None
            if isinstance(sub, WholeFile) and sub.closed_fence:
                self._fence = self._fence_path = None
                self._pending_path = sub.path_only or ""
            for b in back:
                self._process(b)
            return
        held = self._held
        if held is not None:
            self._held = None
            if ln.text.startswith("+++ "):
                diff = UnifiedDiff(held, git=False)
                diff.headers(held, ln)
                self._sub = diff
                return
            self._top(held, hold=False)
        self._top(ln, hold=True)

    def _top(self, ln: Line, *, hold: bool) -> None:
        text = ln.text
        if self._fence_first:
            self._fence_first = False
            if self._fence_path and not self._is_marker(text):
                if text.startswith("@@"):
                    diff = UnifiedDiff(ln, git=False, default_path=self._fence_path)
                    self._sub = diff
                    self._process(ln)
                    return
                self._sub = WholeFile(
                    self._fence_path, self._fence or "```", ln, self._fence_cr, self._fence_info
                )
                self._process(ln)
                return
        stripped = text.strip()
        if stripped.startswith(_BEGIN):
            self._sub = ApplyPatch(ln, self._fence)
            return
        if stripped.startswith(_FILE_HEADERS):  # an envelope that forgot "*** Begin Patch"
            self._sub = ApplyPatch(ln, self._fence)
            self._process(ln)
            return
        if SR_START.match(text):
            self._sub = SearchReplace(self._sr_path(), ln)
            return
        if text.startswith("diff --git "):
            self._sub = UnifiedDiff(ln, git=True)
            return
        if hold and text.startswith("--- "):
            self._held = ln
            return
        m = FENCE.match(text)
        if m is not None:
            if self._fence is None:
                named = whole_path if self._fmt is EditFormat.WHOLE else strict_path
                self._fence = m.group(1)
                self._fence_info = m.group(2)
                self._fence_cr = text.endswith("\r")
                self._fence_path = fence_info_path(m.group(2)) or named(self._prev)
                self._fence_first = True
                self._fence_body = 0
                self._prev = stripped
                return
            if closes_fence(m, self._fence):
                if self._fence_body == 1:  # a file name alone in its fence (DeepSeek)
                    self._pending_path = strict_path(self._fence_single) or ""
                self._fence = self._fence_path = None
                self._prev = stripped
                return
        b = BINARY_LINE.match(text)
        if b is not None:
            path, _ = header_path(b.group(1))
            self._emit(
                [
                    make_block(
                        ln,
                        ln,
                        path,
                        EditKind.UPDATE,
                        EditFormat.UDIFF,
                        binary=True,
                        error=f"{path}: binary diffs cannot be applied (only text edits are)",
                    )
                ]
            )
            return
        if stripped:
            self._prev = stripped
            self._prose += 1
            self._pending_path = ""
            if self._fence is not None:
                self._fence_body += 1
                self._fence_single = stripped

    @staticmethod
    def _is_marker(text: str) -> bool:
        return (
            text.strip().startswith(_BEGIN)
            or SR_START.match(text) is not None
            or text.startswith(("diff --git ", "--- "))
        )

    def _sr_path(self) -> str:
        prev = self._prev
        named = self._fence is not None and self._fence_path
        if prev and FENCE.match(prev) is None:
            # Inside a fence headed by a path, only a line that surely names a file overrides it.
            path = strict_path(prev) if named else loose_path(prev)
            if path:
                return path
        if named:
            return self._fence_path or ""
        return self._pending_path or self._last_path


def parse_edits(text: str, requested_format: EditFormat | str | None = None) -> list[EditBlock]:
    """Every edit block in a complete reply, in order (`requested_format`: see the module)."""
    parser = EditStreamParser(requested_format)
    blocks = parser.feed(text)
    blocks.extend(parser.finish())
    return blocks
