"""Placing one hunk in a file and rewriting the lines it covers (the applier's inner loop)."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import replace

from redline.tools.edits._indent import IndentMismatch, indent_offset, reindent
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
    original: Sequence[str] | None = None,
) -> tuple[int, int, int, int]:
    """Apply one hunk to `tf`; return (new cursor, line delta, added, removed).

    `first`: when the lines occur more than once at or after the cursor, take the first of them
    (Codex's apply_patch semantics, and SEARCH/REPLACE blocks ordered by their siblings).
    `original`: the file before this block's first hunk, where `@@` anchors must exist (an
    earlier hunk may have changed the anchor line itself, as Codex reads anchors there too)."""
    if hunk.anchors:
        _check_anchors(LineIndex(tf.lines if original is None else original), hunk)
    try:
        return _apply(tf, hunk, cursor, delta, source, following, first)
    except EditFailure:
        if not hunk.loose_tail:
            raise
    # Blank lines before `*** End Patch` or between chunks: context only if the file has them.
    n = hunk.loose_tail
    trimmed = replace(hunk, old=hunk.old[:-n], new=hunk.new[:-n], loose_tail=0)
    return _apply(tf, trimmed, cursor, delta, source, following, first)


def _apply(
    tf: TextFile,
    hunk: Hunk,
    cursor: int,
    delta: int,
    source: EditFormat,
    following: Hunk | None,
    first: bool,
) -> tuple[int, int, int, int]:
    lines = tf.lines
    index = LineIndex(lines)
    frames = _anchor_frames(index, hunk, cursor)
    old, new = hunk.old, hunk.new
    style = cr_style(old + new)
    open_end = not tf.final_newline and bool(lines)  # the last line has no line end
    crlf = tf.crlf()
    if not old:
        if not frames:
            raise EditFailure(f"the @@ anchor line '{hunk.anchors[-1].strip()}' was not found")
        if hunk.anchors:
            pos = frames[0][0]
        elif hunk.old_start is not None:
            pos = min(max(hunk.old_start + delta, 0), len(lines))
        else:
            pos = len(lines)
        merged = conform(new, crlf=crlf, written_cr=style)
        if open_end and pos == len(lines) and merged:
            if crlf and not lines[-1].endswith("\r"):
                lines[-1] += "\r"  # no longer the last line: it gets the file's line end
            if style != "mixed" and merged[-1].endswith("\r"):
                merged[-1] = merged[-1][:-1]
        lines[pos:pos] = merged
        _eof_state(tf, hunk, pos + len(merged))
        # Codex: an unanchored pure addition goes to the end and leaves the cursor where it was.
        after = cursor if not hunk.anchors and hunk.old_start is None else pos + len(merged)
        return after, len(merged), len(merged), 0
    hint = None if hunk.old_start is None else hunk.old_start - 1 + delta
    found: Match | NoMatch = NoMatch("the lines to replace were not found in the file")
    for start, scope, pinned in frames:
        found = _locate(index, hunk, start, scope, hint, following, first, pinned)
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
    ends = open_end and pos + len(old) == len(lines)
    try:
        shift = indent_offset(actual, old)
        merged, added, removed = _merge(
            actual, old, new, crlf=crlf, style=style, open_end=ends, shift=shift
        )
    except IndentMismatch as exc:
        raise EditFailure(str(exc)) from None
    lines[pos : pos + len(old)] = merged
    _eof_state(tf, hunk, pos + len(merged))
    return pos + len(merged), len(merged) - len(old), added, removed


def _anchor_frames(index: LineIndex, hunk: Hunk, cursor: int) -> list[tuple[int, int | None, bool]]:
    """Where to search, as (start, scope end, pinned) readings of the hunk's `@@` anchors, best
    first: the anchors found after the cursor (they pin the search); else the anchors an earlier
    hunk already passed, keeping the cursor and the scope of their last occurrence. An anchor
    that is nowhere in the file refuses the hunk (`_check_anchors`, before any of this)."""
    if not hunk.anchors:
        return [(cursor, None, False)]
    lines = index.lines
    frames: list[tuple[int, int | None, bool]] = []
    start, scope, found = cursor, None, True
    for anchor in hunk.anchors:
        at = seek_line(index, anchor, start)
        if at is None:
            found = False
            break
        start, scope = at + 1, _scope_end(lines, at)
    if found:
        frames.append((start, scope, True))
    if hunk.old:
        back = seek_line_before(index, hunk.anchors[-1], cursor)
        end = _scope_end(lines, back) if back is not None else None
        frames.append((cursor, end if end is not None and end > cursor else None, False))
    return frames


def _check_anchors(index: LineIndex, hunk: Hunk) -> None:
    for anchor in hunk.anchors:
        if seek_line(index, anchor, 0) is None:
            raise EditFailure(f"the @@ anchor line '{anchor.strip()}' was not found in the file")


def _locate(
    index: LineIndex,
    hunk: Hunk,
    start: int,
    scope: int | None,
    hint: int | None,
    following: Hunk | None,
    first: bool = False,
    pinned: bool = False,
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
    if isinstance(found, NoMatch) and found.ambiguous and pinned and not eof:
        # The anchor pins the place when the lines follow it at once, or when the anchor is a
        # plain line with nothing nested under it ("after this line"): the first match wins.
        hits = find_all(index, hunk.old, start)
        lines = index.lines
        nested = scope is not None and any(s.strip() for s in lines[start:scope])
        if hits and (hits[0] == start or not nested):
            return Match(hits[0], "after-anchor")
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
    actual: list[str],
    old: tuple[str, ...],
    new: tuple[str, ...] | list[str],
    *,
    crlf: bool,
    style: str,
    open_end: bool = False,
    shift: tuple[str, str] = ("", ""),
) -> tuple[list[str], int, int]:
    """The hunk's new lines, keeping the file's own text for the context lines it matched.

    Line ends: a replacing line takes the end of the line it replaces (mixed LF/CRLF files keep
    each line's own), an added line the file's usual one; `open_end`: `actual` ends the file
    and its last line has no line end, which the new last line must keep. `shift`: the
    indentation offset the lines matched at (see `_indent`), applied to the lines written."""
    strip = [s.rstrip("\r") for s in old]
    strip_new = [s.rstrip("\r") for s in new]
    sm = difflib.SequenceMatcher(None, strip, strip_new, autojunk=False)
    out: list[str] = []
    src: list[int] = []  # where out[k] was in `actual` (-1: written by the edit)
    last = len(actual) - 1 if open_end else -1
    added = removed = 0
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            out.extend(actual[i1:i2])
            src.extend(range(i1, i2))
            continue
        removed += i2 - i1
        added += j2 - j1
        written = reindent(new[j1:j2], *shift) if any(shift) else new[j1:j2]
        lines = conform(written, crlf=crlf, written_cr=style)
        if style != "mixed":
            for k in range(min(len(lines), i2 - i1)):
                ref = i1 + k
                if ref != last:
                    lines[k] = lines[k].rstrip("\r") + ("\r" if actual[ref].endswith("\r") else "")
        out.extend(lines)
        src.extend([-1] * len(lines))
    if open_end and out:
        for k in range(len(out) - 1):
            if src[k] == last and crlf and not out[k].endswith("\r"):
                out[k] += "\r"  # the old last line is no longer last: it gets a line end
        if src[-1] < 0 and style != "mixed" and out[-1].endswith("\r"):
            out[-1] = out[-1][:-1]
    return out, added, removed


def _eof_state(tf: TextFile, hunk: Hunk, end: int) -> None:
    """A diff's "\\ No newline at end of file" decides the final newline where it speaks."""
    if end != len(tf.lines):
        return
    if hunk.new_eof_newline is False:
        tf.final_newline = False
    elif hunk.old_eof_newline is False:
        tf.final_newline = True
