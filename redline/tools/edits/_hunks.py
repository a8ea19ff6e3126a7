"""Placing one hunk in a file and rewriting the lines it covers (the applier's inner loop)."""

from __future__ import annotations

import difflib
from collections.abc import Sequence

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
    first: bool = False,
) -> tuple[int, int, int, int]:
    """Apply one hunk to `tf`; return (new cursor, line delta, added, removed).

    `first`: when the lines occur more than once at or after the cursor, take the first of them
    (Codex's apply_patch semantics, and SEARCH/REPLACE blocks ordered by their siblings)."""
    lines = tf.lines
    index = LineIndex(lines)
    frames = _anchor_frames(index, hunk, cursor)
    old, new = hunk.old, hunk.new
    style = cr_style(old + new)
    if not old:
        if not frames:
            raise EditFailure(f"the @@ anchor line '{hunk.anchors[-1].strip()}' was not found")
        if hunk.anchors:
            pos = frames[0][0]
        elif hunk.old_start is not None:
            pos = min(max(hunk.old_start + delta, 0), len(lines))
        else:
            pos = len(lines)
        merged = conform(new, crlf=tf.crlf(), written_cr=style)
        lines[pos:pos] = merged
        _eof_state(tf, hunk, pos + len(merged))
        return pos + len(merged), len(merged), len(merged), 0
    hint = None if hunk.old_start is None else hunk.old_start - 1 + delta
    found: Match | NoMatch = NoMatch("the lines to replace were not found in the file")
    for start, scope in frames or [(cursor, None)]:
        found = _locate(index, hunk, start, scope, hint, following, first)
        if isinstance(found, Match) or found.ambiguous:
            break
    if isinstance(found, NoMatch) and source is EditFormat.UDIFF and cursor > 0:
        found = seek(index, old, start=0, hint=hint, at_end=hunk.end_of_file)
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


def _anchor_frames(index: LineIndex, hunk: Hunk, cursor: int) -> list[tuple[int, int | None]]:
    """Where to search, as (start, scope end) readings of the hunk's `@@` anchors, best first:
    the anchors found after the cursor; else (or failing that) the anchors an earlier hunk
    already passed, keeping the cursor and the scope of their last occurrence."""
    if not hunk.anchors:
        return [(cursor, None)]
    lines = index.lines
    frames: list[tuple[int, int | None]] = []
    start, scope, found = cursor, None, True
    for anchor in hunk.anchors:
        at = seek_line(index, anchor, start)
        if at is None:
            found = False
            break
        start, scope = at + 1, _scope_end(lines, at)
    if found:
        frames.append((start, scope))
    if hunk.old:
        back = seek_line_before(index, hunk.anchors[-1], cursor)
        end = _scope_end(lines, back) if back is not None else None
        frames.append((cursor, end if end is not None and end > cursor else None))
    return frames


def _locate(
    index: LineIndex,
    hunk: Hunk,
    start: int,
    scope: int | None,
    hint: int | None,
    following: Hunk | None,
    first: bool = False,
) -> Match | NoMatch:
    eof = hunk.end_of_file
    if first:
        return seek(index, hunk.old, start=start, at_end=eof, first_after=True)
    found = seek(index, hunk.old, start=start, hint=hint, at_end=eof, upper=scope)
    if isinstance(found, NoMatch) and found.ambiguous and following is not None:
        upper = _upper_bound(index, following, start)
        if upper is not None and scope is not None:
            upper = min(upper, scope)
        found = seek(index, hunk.old, start=start, hint=hint, at_end=eof, upper=upper)
    return found


def _scope_end(lines: Sequence[str], at: int) -> int | None:
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
