"""Placing one hunk in a file and rewriting the lines it covers (the applier's inner loop)."""

from __future__ import annotations

import difflib

from redline.tools.edits.blocks import EditFormat, Hunk
from redline.tools.edits.matcher import (
    LineIndex,
    Match,
    NoMatch,
    find_all,
    seek,
    seek_line,
    seek_line_before,
)
from redline.tools.edits.textfile import TextFile, conform, cr_style


class EditFailure(Exception):
    """One block cannot be applied; the message says why, in words a model can act on."""


class Ambiguous(EditFailure):
    """The lines occur in more than one place and nothing in the block says which."""


def apply_hunk(
    tf: TextFile,
    hunk: Hunk,
    cursor: int,
    delta: int,
    source: EditFormat,
    following: Hunk | None = None,
) -> tuple[int, int, int, int]:
    """Apply one hunk to `tf`; return (new cursor, line delta, added, removed)."""
    lines = tf.lines
    index = LineIndex(lines)
    scope: int | None = None
    for anchor in hunk.anchors:
        at = seek_line(index, anchor, cursor)
        if at is not None:
            cursor = at + 1
            scope = _scope_end(lines, at)
            continue
        if not hunk.old:
            raise EditFailure(f"the @@ anchor line '{anchor.strip()}' was not found")
        # An earlier hunk passed (or changed) it: still inside its scope, if it is there.
        back = seek_line_before(index, anchor, cursor)
        if back is not None:
            end = _scope_end(lines, back)
            if end is not None and end > cursor:
                scope = end
    old, new = hunk.old, hunk.new
    style = cr_style(old + new)
    if not old:
        if hunk.anchors:
            pos = cursor
        elif hunk.old_start is not None:
            pos = min(max(hunk.old_start + delta, 0), len(lines))
        else:
            pos = len(lines)
        merged = conform(new, crlf=tf.crlf(), written_cr=style)
        lines[pos:pos] = merged
        _eof_state(tf, hunk, pos + len(merged))
        return pos + len(merged), len(merged), len(merged), 0
    hint = None if hunk.old_start is None else hunk.old_start - 1 + delta
    eof = hunk.end_of_file
    found = seek(index, old, start=cursor, hint=hint, at_end=eof, upper=scope)
    if isinstance(found, NoMatch) and found.ambiguous and following is not None:
        upper = _upper_bound(index, following, cursor)
        if upper is not None and scope is not None:
            upper = min(upper, scope)
        found = seek(index, old, start=cursor, hint=hint, at_end=eof, upper=upper)
    if isinstance(found, NoMatch) and source is EditFormat.UDIFF and cursor > 0:
        found = seek(index, old, start=0, hint=hint, at_end=eof)
    if isinstance(found, NoMatch):
        detail = found.reason
        if found.closest:
            shown = "\n".join("    " + s for s in found.closest[:12])
            detail += ":\n" + shown
        raise Ambiguous(detail) if found.ambiguous else EditFailure(detail)
    assert isinstance(found, Match)
    pos = found.at
    actual = lines[pos : pos + len(old)]
    merged, added, removed = _merge(actual, old, new, crlf=tf.crlf(), style=style)
    lines[pos : pos + len(old)] = merged
    _eof_state(tf, hunk, pos + len(merged))
    return pos + len(merged), len(merged) - len(old), added, removed


def _scope_end(lines: list[str], at: int) -> int | None:
    """Where the anchor's block ends: the next line indented no deeper than the anchor (the
    scope git's hunk headers name). None when nothing is nested under it."""
    head = lines[at]
    depth = len(head) - len(head.lstrip())
    for i in range(at + 1, len(lines)):
        s = lines[i]
        if not s.strip():
            continue
        if len(s) - len(s.lstrip()) <= depth:
            return i + 1 if s.strip() in ("}", "};", "end", "fi", "esac") else i
    return len(lines)


def _upper_bound(index: LineIndex, following: Hunk, cursor: int) -> int | None:
    """The latest line the next edit of this file can start at: this one must end before."""
    if following.anchors:
        return seek_line(index, following.anchors[0], cursor)
    if not following.old:
        return None
    hits = find_all(index, following.old, cursor)
    return max(hits) if hits else None


def _merge(
    actual: list[str], old: tuple[str, ...], new: tuple[str, ...], *, crlf: bool, style: str
) -> tuple[list[str], int, int]:
    """The hunk's new lines, keeping the file's own text for the context lines it matched."""
    strip = [s.rstrip("\r") for s in old]
    strip_new = [s.rstrip("\r") for s in new]
    sm = difflib.SequenceMatcher(None, strip, strip_new, autojunk=False)
    out: list[str] = []
    added = removed = 0
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            out.extend(actual[i1:i2])
            continue
        removed += i2 - i1
        added += j2 - j1
        out.extend(conform(new[j1:j2], crlf=crlf, written_cr=style))
    return out, added, removed


def _eof_state(tf: TextFile, hunk: Hunk, end: int) -> None:
    """A diff's "\\ No newline at end of file" decides the final newline where it speaks."""
    if end != len(tf.lines):
        return
    if hunk.new_eof_newline is False:
        tf.final_newline = False
    elif hunk.old_eof_newline is False:
        tf.final_newline = True
