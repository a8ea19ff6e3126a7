"""The one value every edit format parses into: `EditBlock` (with its `Hunk`s)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class EditFormat(StrEnum):
    """The text format an edit block was written in (and the names prompts use)."""

    SEARCH_REPLACE = "search-replace"
    APPLY_PATCH = "apply-patch"
    UDIFF = "udiff"
    WHOLE = "whole"


class EditKind(StrEnum):
    """What a block does to its file."""

    UPDATE = "update"  # hunks against the current content (apply_patch, udiff)
    SEARCH_REPLACE = "search-replace"  # one SEARCH/REPLACE pair
    ADD = "add"  # a new file with `content`
    DELETE = "delete"
    MOVE = "move"  # rename to `move_to`, with optional hunks
    WHOLE = "whole"  # the full new content of a file
    INVALID = "invalid"  # the reply tried to say something the parser cannot accept: see `error`


@dataclass(frozen=True, slots=True)
class Hunk:
    """One change inside a file: replace the `old` lines (found in the file) by the `new` lines.

    Lines carry no newline (a trailing ``\\r`` is kept when the text had one). `anchors` are
    apply_patch ``@@ context`` lines to find first; `old_start` is a unified diff's 1-based line
    number hint. `old_eof_newline` / `new_eof_newline` come from "\\ No newline at end of file"
    (None: the diff said nothing). `splits` holds other readings of an ambiguous SEARCH/REPLACE
    divider (the body contained more than one ``=======`` line). `loose_tail` counts the
    trailing context lines that were empty lines in the reply (a blank line before
    ``*** End Patch`` or between chunks): dropped when the hunk is not found with them.
    """

    old: tuple[str, ...]
    new: tuple[str, ...]
    anchors: tuple[str, ...] = ()
    old_start: int | None = None
    end_of_file: bool = False
    old_eof_newline: bool | None = None
    new_eof_newline: bool | None = None
    splits: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = ()
    loose_tail: int = 0


@dataclass(frozen=True, slots=True)
class EditBlock:
    """One edit to one file, as found in a model's reply.

    `index` is the block's position among the reply's blocks, `start`/`end` its character
    offsets in the reply and `line` its first line (1-based). `path_candidates` lists other
    readings of a diff's path (prefix stripping), best first; `path` is the first.
    """

    path: str
    kind: EditKind
    source: EditFormat
    hunks: tuple[Hunk, ...] = ()
    content: tuple[str, ...] | None = None
    final_newline: bool = True
    move_to: str | None = None
    binary: bool = False
    error: str | None = None
    index: int = 0
    start: int = 0
    end: int = 0
    line: int = 1
    path_candidates: tuple[str, ...] = ()

    @property
    def target(self) -> str:
        """The path the file has after the edit."""
        return self.move_to or self.path

    def counts(self) -> tuple[int, int]:
        """Lines added and removed by the block's hunks, counted as a diff of old against new
        (so an insertion written as SEARCH/REPLACE is +1 -0); the applier recounts the file."""
        if self.content is not None:
            return len(self.content), 0
        added = removed = 0
        for h in self.hunks:
            a, r = lines_changed(h.old, h.new)
            added += a
            removed += r
        return added, removed


def lines_changed(old: Sequence[str], new: Sequence[str]) -> tuple[int, int]:
    """(added, removed) lines of the line diff from ``old`` to ``new`` (CR ends ignored)."""
    import difflib

    a = [s.rstrip("\r") for s in old]
    b = [s.rstrip("\r") for s in new]
    added = removed = 0
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag != "equal":
            removed += i2 - i1
            added += j2 - j1
    return added, removed


@dataclass(frozen=True, slots=True)
class ParseProgress:
    """The block being written right now (for a live "editing foo.py, 12 lines" card)."""

    source: EditFormat
    path: str | None
    lines: int
