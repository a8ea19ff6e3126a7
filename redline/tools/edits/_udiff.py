"""Unified diffs (git-style or plain `diff -u`), one file section at a time.

Hunk line counts are trusted while they agree with the text; when they do not (models miscount),
the hunk is re-read by content: it runs while lines start with " ", "-", "+" or "\\".
"""

from __future__ import annotations

import re
from typing import Any

from redline.tools.edits._diffpaths import MNEMONIC, git_pair, header_path, unquote
from redline.tools.edits._lines import BINARY_LINE, FENCE, SR_START, Line, make_block
from redline.tools.edits.blocks import EditBlock, EditFormat, EditKind, Hunk, ParseProgress

_UD = EditFormat.UDIFF
_BOUNDARIES = (
    "@@", "diff ", "--- ", "Index: ", "Only in ", "Binary files ", "*** Begin Patch", "=====",
)  # fmt: skip
_HUNK = re.compile(r"^@@+ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@+")
_RULE = re.compile(r"^(?:-{3,}|\+{3,})\s*$")  # a Markdown rule (or junk) after a hunk
_IGNORED = (
    "index ",
    "old mode ",
    "new mode ",
    "similarity index ",
    "dissimilarity index ",
)


def _special_mode(text: str) -> str | None:
    """What a mode header makes when it is not a regular file: a symlink, or a new submodule
    (a pointer update of an existing submodule writes nothing and is skipped below)."""
    words = text.split()
    if not words:
        return None
    if words[-1] == "120000" and text.startswith(("new file mode", "new mode", "index ")):
        return "a symbolic link (mode 120000)"
    if words[-1] == "160000" and text.startswith(("new file mode", "new mode")):
        return "a submodule (mode 160000)"
    return None


def _strip_one(path: str) -> str | None:
    i = path.find("/")
    return path[i + 1 :] if 0 < i < len(path) - 1 else None


class _HunkBuilder:
    __slots__ = (
        "blanks",
        "by_count",
        "last",
        "new",
        "new_eof",
        "new_left",
        "old",
        "old_eof",
        "old_left",
        "start",
    )

    def __init__(self, start: int | None, old_count: int, new_count: int, by_count: bool) -> None:
        self.start = start
        self.old: list[str] = []
        self.new: list[str] = []
        self.old_left = old_count
        self.new_left = new_count
        self.by_count = by_count
        self.old_eof: bool | None = None
        self.new_eof: bool | None = None
        self.last = " "
        self.blanks = 0  # trailing context lines that were empty lines in the reply

    def complete(self) -> bool:
        return self.by_count and self.old_left <= 0 and self.new_left <= 0

    def fits(self, first: str) -> bool:
        """Would this content line stay within the header's counts?"""
        if first == "-":
            return self.old_left > 0
        if first == "+":
            return self.new_left > 0
        return self.old_left > 0 and self.new_left > 0

    def add(self, first: str, body: str, *, blank: bool = False) -> None:
        self.blanks = self.blanks + 1 if blank else 0
        if first == "-":
            self.old.append(body)
            self.old_left -= 1
        elif first == "+":
            self.new.append(body)
            self.new_left -= 1
        else:
            self.old.append(body)
            self.new.append(body)
            self.old_left -= 1
            self.new_left -= 1
        self.last = first

    def no_newline(self) -> None:
        if self.last in ("-", " "):
            self.old_eof = False
        if self.last in ("+", " "):
            self.new_eof = False

    def hunk(self) -> Hunk:
        return Hunk(
            old=tuple(self.old),
            new=tuple(self.new),
            old_start=self.start,
            old_eof_newline=self.old_eof,
            new_eof_newline=self.new_eof,
        )


def _boundary(text: str) -> bool:
    """Lines that may follow a diff directly: blank, a fence, another diff's or format's start."""
    return (
        not text.strip()
        or FENCE.match(text) is not None
        or SR_START.match(text) is not None
        or text.startswith(_BOUNDARIES)
    )


def _submodule(h: Hunk) -> bool:
    return all(s.startswith("Subproject commit ") for s in (*h.old, *h.new))


class UnifiedDiff:
    """One file's section: optional `diff --git` + extended headers, ---/+++, then hunks."""

    def __init__(self, first: Line, *, git: bool, default_path: str | None = None) -> None:
        self.first = first
        self.last = first
        self.git = git
        self.state = "header"  # header | plus | hunks | binary
        self.old_raw = self.new_raw = ""
        self.old_absent = self.new_absent = False
        self.new_file = self.deleted = self.binary = self.copy = self.symlink = False
        self.rename_from: str | None = None
        self.rename_to: str | None = None
        self.hunks: list[Hunk] = []
        self.cur: _HunkBuilder | None = None
        self.held: list[Line] = []  # lines whose meaning depends on the next one
        self.malformed: str | None = None
        self.special: str | None = None  # a symlink or submodule: never written as a file
        self.lines = 0
        if git:
            self.git_old, self.git_new = git_pair(first.text[len("diff --git ") :])
        else:
            self.git_old = self.git_new = ""
        if default_path is not None:  # a bare hunk in a fence headed by the path
            self.old_raw = self.new_raw = default_path
            self.state = "hunks"

    def headers(self, minus: Line, plus: Line) -> None:
        self.old_raw, self.old_absent = header_path(minus.text[4:])
        self.new_raw, self.new_absent = header_path(plus.text[4:])
        self.state = "hunks"
        self.last = plus

    # -- feeding ------------------------------------------------------------------------------

    def feed(self, ln: Line) -> tuple[list[EditBlock], list[Line] | None]:
        if self.held:
            back, taken = self._resolve_held(ln)
            if back is not None:
                return self._end(), back
            if taken:
                return [], None
        back = self._step(ln)
        if back is None:
            return [], None
        return self._end(), back

    def _resolve_held(self, ln: Line) -> tuple[list[Line] | None, bool]:
        """Settle the held lines now that `ln` follows: (lines to hand back, `ln` consumed)."""
        held, self.held = self.held, []
        cur = self.cur
        assert cur is not None
        text = ln.text
        first = held[0].text
        goes_on = text[:1] in (" ", "-", "+", "\\") or text.startswith("@@")
        if _RULE.match(first):  # "---" after a hunk: a Markdown rule, unless the hunk goes on
            if not goes_on:
                return [*held, ln], False
            cur.by_count = False
            cur.add(first[0], first[1:])
            self._touch(held[0])
            return None, False
        if first.startswith("--- "):
            if text.startswith("+++ "):
                return [*held, ln], False  # the next file's headers
            cur.by_count = False
            cur.add("-", first[1:])
            self._touch(held[0])
            return None, False
        last = held[-1].text
        if last.startswith("--- ") or _RULE.match(last):  # blank lines, then a dashes line
            if text.startswith("+++ ") or (_RULE.match(last) and not goes_on):
                return [*held, ln], False  # the next file's headers, or a rule after the diff
            for h in held[:-1]:
                cur.add(" ", "")
                self._touch(h)
            cur.by_count = False
            cur.add(last[0], last[1:])
            self._touch(held[-1])
            return None, False
        if text.startswith("--- ") or _RULE.match(text):
            self.held = [*held, ln]  # blank lines between files of an "@@ ... @@" diff
            return None, True
        if goes_on and not text.startswith("@@"):
            for h in held:  # blank lines inside a hunk were empty context lines
                cur.add(" ", "")
                self._touch(h)
            return None, False
        if text.startswith("@@"):
            return None, False
        return [*held, ln], False

    def _step(self, ln: Line) -> list[Line] | None:
        """Consume one line; return the lines to hand back when this section has ended."""
        text = ln.text
        if self.state == "hunks":
            return self._hunk_line(ln)
        if self.state == "binary":
            if text.strip() and not text.startswith("diff "):
                self.last = ln
                return None
            return [ln]
        if self.state == "plus":
            if text.startswith("+++ "):
                self.new_raw, self.new_absent = header_path(text[4:])
                self.state = "hunks"
                self.last = ln
                return None
            return [ln]
        # header
        self.special = self.special or _special_mode(text)
        if text.startswith(("new file mode 120000", "new mode 120000")):
            self.symlink = True  # a symbolic link, whatever the hunk says it points to
        if text.startswith(_IGNORED):
            self.last = ln
            return None
        if text.startswith("new file mode"):
            self.new_file = True
        elif text.startswith("deleted file mode"):
            self.deleted = True
        elif text.startswith("rename from "):
            self.rename_from = unquote(text[12:].rstrip("\r"))
        elif text.startswith("rename to "):
            self.rename_to = unquote(text[10:].rstrip("\r"))
        elif text.startswith(("copy from ", "copy to ")):
            self.copy = True
        elif BINARY_LINE.match(text):
            self.binary = True
        elif text.startswith("GIT binary patch"):
            self.binary = True
            self.state = "binary"
        elif text.startswith("--- "):
            self.old_raw, self.old_absent = header_path(text[4:])
            self.state = "plus"
        else:
            return [ln]
        self.last = ln
        return None

    def _hunk_line(self, ln: Line) -> list[Line] | None:
        text = ln.text
        first = text[:1]
        cur = self.cur
        if text.startswith("@@"):
            self._close_hunk()
            m = _HUNK.match(text)
            if m:
                old_n = 1 if m.group(2) is None else int(m.group(2))
                new_n = 1 if m.group(4) is None else int(m.group(4))
                self.cur = _HunkBuilder(int(m.group(1)), old_n, new_n, True)
            else:  # "@@ ... @@" without numbers: read by content
                self.cur = _HunkBuilder(None, 0, 0, False)
            self._touch(ln)
            return None
        if cur is None:
            return [ln]
        if first == "\\":
            cur.no_newline()
            self._touch(ln)
            return None
        if cur.by_count:
            if cur.complete():
                if text == "-- " or first not in (" ", "-", "+"):
                    return [ln]  # the hunk is done; this line belongs to what follows
                if text.startswith("--- ") or _RULE.match(text):
                    self.held.append(ln)
                    return None
                cur.by_count = False  # more content than the header said: re-read by content
            elif first in (" ", "-", "+") or not text.rstrip("\r"):
                kind = first if first in ("-", "+") else " "
                if cur.fits(kind):
                    cur.add(kind, text[1:], blank=not first)
                    self._touch(ln)
                    return None
                cur.by_count = False
            else:
                return self._short(ln)  # fewer lines than the header said
        # by content
        if first in ("-", "+", " "):
            if (text.startswith("--- ") or _RULE.match(text)) and not self.held:
                self.held.append(ln)
                return None
            cur.add(first, text[1:])
            self._touch(ln)
            return None
        if not text.rstrip("\r"):
            self.held.append(ln)  # an empty context line, if the hunk goes on
            return None
        return self._short(ln)

    def _short(self, ln: Line) -> list[Line]:
        """The hunk stops at `ln`: fine after a blank line or before a diff/fence boundary;
        otherwise the diff is malformed (a context line without its leading space?), and the
        rest of the hunk must not be silently dropped."""
        cur = self.cur
        assert cur is not None
        if cur.blanks:
            del cur.old[len(cur.old) - cur.blanks :]
            del cur.new[len(cur.new) - cur.blanks :]
            return [ln]
        text = ln.text
        if not _boundary(text):
            self.malformed = (
                f"reply line {ln.no}: '{text.strip()[:60]}' inside a diff hunk starts with "
                "neither ' ', '-' nor '+' (every context line needs its leading space)"
            )
        return [ln]

    def _touch(self, ln: Line) -> None:
        self.last = ln
        self.lines += 1

    def _close_hunk(self) -> None:
        cur = self.cur
        if cur is not None:
            if cur.old or cur.new:
                self.hunks.append(cur.hunk())
            elif self.malformed is None:  # git: "corrupt patch"
                self.malformed = (
                    f"reply line {self.last.no}: a hunk header with no diff lines after it "
                    "(a corrupt or cut-off patch)"
                )
        self.cur = None

    # -- the block ----------------------------------------------------------------------------

    def _end(self) -> list[EditBlock]:
        held, self.held = self.held, []
        for h in held:  # held lines at the end: a "--- " line is content; blanks, rules not
            if h.text.startswith("--- ") and not _RULE.match(h.text) and self.cur is not None:
                self.cur.add("-", h.text[1:])
        self._close_hunk()
        block = self._block()
        return [] if block is None else [block]

    def finish(self) -> list[EditBlock]:
        return self._end()

    def _paths(self) -> tuple[str, ...]:
        if self.rename_from is not None:
            return (self.rename_from,)
        old, new = self.old_raw, self.new_raw
        if self.git and not old and not new:
            old, new = self.git_old, self.git_new
        side, other = (new, old) if self.old_absent or self.new_file else (old, new)
        if not side:
            side, other = other, side
        prefixed = (old.startswith("a/") or self.old_absent) and (
            new.startswith("b/") or self.new_absent
        )
        mnemonic = old[:2] in MNEMONIC and new[:2] in MNEMONIC and old[:2] != new[:2]
        stripped = _strip_one(side)
        if stripped is None:
            both = not (self.old_absent or self.new_absent)
            return (side, other) if both and other and other != side else (side,)
        if prefixed or mnemonic:
            return (stripped, side)
        present = not (self.old_absent or self.new_absent)
        # `diff -ruN old/ new/`: the two sides name different top directories (a created file's
        # absent side still names its path); `--- /dev/null` says nothing about the prefix.
        named = old and new and "/dev/null" not in (old, new)
        differ = bool(named) and other.split("/", 1)[0] != side.split("/", 1)[0]
        found = [stripped, side] if differ else [side, stripped]
        if present and other and other != side:  # `--- a.c.orig` / `+++ a.c`: either may exist
            alt = _strip_one(other)
            found += [alt, other] if differ and alt else [other]
        return tuple(dict.fromkeys(c for c in found if c))

    def _block(self) -> EditBlock | None:
        candidates = self._paths()
        path = candidates[0]
        common: dict[str, Any] = {"path_candidates": candidates}
        first, last = self.first, self.last
        if self.special is not None:
            why = f"{path}: the diff makes {self.special}; redline writes only regular files"
            return make_block(first, last, path, EditKind.INVALID, _UD, error=why, **common)
        if self.binary:
            return make_block(
                first,
                last,
                path,
                EditKind.UPDATE,
                _UD,
                binary=True,
                error=f"{path}: binary diffs cannot be applied (only text edits are)",
                **common,
            )
        if self.symlink:
            return make_block(
                first,
                last,
                path,
                EditKind.INVALID,
                _UD,
                error=f"{path}: the diff makes a symbolic link (mode 120000); redline edits "
                "only regular files",
                **common,
            )
        if self.malformed is not None:
            return make_block(
                first, last, path, EditKind.INVALID, _UD, error=self.malformed, **common
            )
        if self.copy:
            return make_block(
                first,
                last,
                path,
                EditKind.INVALID,
                _UD,
                error=f"{path}: git copy headers are not supported",
                **common,
            )
        hunks = tuple(self.hunks)
        if self.new_file or self.old_absent:
            content: list[str] = []
            final = True
            for h in hunks:
                content.extend(h.new)
                if h.new_eof_newline is False:
                    final = False
            return make_block(
                first,
                last,
                path,
                EditKind.ADD,
                _UD,
                content=tuple(content),
                final_newline=final,
                **common,
            )
        if self.deleted or self.new_absent:
            return make_block(first, last, path, EditKind.DELETE, _UD, **common)
        move_to = self._move_target(path)
        if move_to is not None:
            return make_block(
                first, last, path, EditKind.MOVE, _UD, hunks=hunks, move_to=move_to, **common
            )
        if not hunks or all(_submodule(h) for h in hunks):
            return None  # a mode change, a submodule pointer, or headers with nothing to do
        return make_block(first, last, path, EditKind.UPDATE, _UD, hunks=hunks, **common)

    def _move_target(self, path: str) -> str | None:
        if self.rename_to is not None:
            return self.rename_to
        old, new = self.old_raw or self.git_old, self.new_raw or self.git_new
        if not (self.git and old.startswith("a/") and new.startswith("b/")):
            return None
        target = new[2:]
        return target if target != path else None

    def progress(self) -> ParseProgress:
        name = self.new_raw if self.old_absent else self.old_raw
        return ParseProgress(_UD, _strip_one(name) or name or None, self.lines)
