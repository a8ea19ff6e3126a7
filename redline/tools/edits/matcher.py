"""Find where a block's old lines sit in a file: named passes, from strict to forgiving.

Like Codex's `seek_sequence`: exact first, then ignoring trailing whitespace, then ignoring
surrounding whitespace, then with Unicode punctuation normalised. A pass that finds the text
more than once stops the search: the match must be unique, or pinned by a hint the block gave
(an `@@` anchor or a diff's line number). An ambiguous match is a failure, never a guess.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

_PUNCT = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u00a0": " ",
        "\u2002": " ",
        "\u2003": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\u2026": "...",
    }
)


def _exact(s: str) -> str:
    return s[:-1] if s.endswith("\r") else s


def _trailing(s: str) -> str:
    return s.rstrip()


def _surrounding(s: str) -> str:
    return s.strip()


def _unicode(s: str) -> str:
    return s.translate(_PUNCT).strip()


PASSES: tuple[tuple[str, Callable[[str], str]], ...] = (
    ("exact", _exact),
    ("trailing-whitespace", _trailing),
    ("surrounding-whitespace", _surrounding),
    ("unicode-punctuation", _unicode),
)


@dataclass(frozen=True, slots=True)
class Match:
    """`old` found at line index `at` (0-based) by the named pass."""

    at: int
    pass_name: str


@dataclass(frozen=True, slots=True)
class NoMatch:
    """Why the lines were not placed: not found (with the closest lines) or ambiguous."""

    reason: str
    closest: tuple[str, ...] = ()
    closest_at: int | None = None
    ambiguous: bool = False


class LineIndex:
    """A file's lines with each pass's normalised copy made once, on first use."""

    def __init__(self, lines: Sequence[str]) -> None:
        self.lines = lines
        self._norm: dict[str, list[str]] = {}

    def normalised(self, name: str, fn: Callable[[str], str]) -> list[str]:
        got = self._norm.get(name)
        if got is None:
            got = self._norm[name] = [fn(s) for s in self.lines]
        return got


def _find_all(hay: list[str], needle: list[str], start: int, end: int) -> list[int]:
    n = len(needle)
    first = needle[0]
    hits: list[int] = []
    i = start
    last = end - n
    while i <= last:
        try:
            i = hay.index(first, i, last + 1)
        except ValueError:
            break
        if hay[i : i + n] == needle:
            hits.append(i)
        i += 1
    return hits


def seek(
    index: LineIndex,
    old: Sequence[str],
    *,
    start: int = 0,
    hint: int | None = None,
    first_after: bool = False,
    at_end: bool = False,
    upper: int | None = None,
) -> Match | NoMatch:
    """Where `old` occurs in the file at or after line `start`.

    Ties are settled only by what the block itself says: `hint`, a diff's line number;
    `first_after`, an anchor just before `start` pinned it; `upper`, the lines must end before
    the next edit of the same file (edits come in file order). `at_end`: the lines must end the
    file (apply_patch's ``*** End of File``).
    """
    for name, hits in _passes(index, old, start, at_end):
        if len(hits) == 1 or first_after:
            return Match(hits[0], name)
        if hint is not None and hint in hits:
            return Match(hint, name)
        if upper is not None:
            bounded = [h for h in hits if h + len(old) <= upper]
            if len(bounded) == 1:
                return Match(bounded[0], name)
        where = ", ".join(str(h + 1) for h in hits[:5])
        return NoMatch(
            f"matches {len(hits)} places (lines {where}); add more context to pin one",
            ambiguous=True,
        )
    return _closest(index.lines, old, start)


def find_all(index: LineIndex, old: Sequence[str], start: int = 0) -> list[int]:
    """Every place `old` occurs at or after `start`, under the first pass that finds any."""
    for _, hits in _passes(index, old, start, False):
        return hits
    return []


def _passes(
    index: LineIndex, old: Sequence[str], start: int, at_end: bool
) -> Iterator[tuple[str, list[int]]]:
    end = len(index.lines)
    for name, fn in PASSES:
        hay = index.normalised(name, fn)
        needle = [fn(s) for s in old]
        hits = _find_all(hay, needle, start, end)
        if at_end:
            hits = [h for h in hits if h + len(old) == end]
        if hits:
            yield name, hits
            return


def _closest(lines: Sequence[str], old: Sequence[str], start: int) -> NoMatch:
    """The window of the file most like `old`, to show the model what is really there.

    Windows are ranked by identical lines first; ties (a window that stops just before the
    line that differs scores the same as the one holding it) and searches with no identical
    line at all go to character similarity, so the line that differs is in what is shown.
    """
    n = max(1, len(old))
    want = [s.strip() for s in old]
    stripped = [s.strip() for s in lines]
    step = 1 if len(lines) < 4000 else max(1, n // 2)
    starts = range(0, max(1, len(lines) - n + 1), step)
    by_lines = [
        (difflib.SequenceMatcher(None, want, stripped[i : i + n], autojunk=False).ratio(), i)
        for i in starts
    ]
    top = max((ratio for ratio, _ in by_lines), default=0.0)
    if top > 0:
        candidates = [i for ratio, i in by_lines if ratio == top]
    elif len(lines) * n <= _CHAR_SCAN_LIMIT:  # no identical line: compare characters
        candidates = list(starts)
    else:
        candidates = []
    joined = "\n".join(want)
    best, best_at = 0.0, None
    for i in candidates[:_CHAR_CANDIDATES]:
        window = "\n".join(stripped[i : i + n])
        ratio = difflib.SequenceMatcher(None, joined, window, autojunk=False).ratio()
        if ratio > best:
            best, best_at = ratio, i
    if best_at is None or (top < 0.3 and best < 0.6):
        return NoMatch("the lines to replace were not found in the file")
    closest = tuple(s.rstrip("\r") for s in lines[best_at : best_at + n])
    return NoMatch(
        f"the lines to replace were not found; the closest lines are at line {best_at + 1}",
        closest,
        best_at,
    )


_CHAR_SCAN_LIMIT = 20_000  # line comparisons worth a character-level scan
_CHAR_CANDIDATES = 200  # tied windows compared character by character


# git cuts a hunk header's function line at 80 bytes: such an anchor names the line it starts.
_GIT_FUNCNAME_CUT = 79


def seek_line(index: LineIndex, line: str, start: int) -> int | None:
    """The first line at or after `start` equal to `line` under the first pass that finds one
    (or, for an anchor as long as git's cut, the first line it begins)."""
    for name, fn in PASSES:
        hay = index.normalised(name, fn)
        want = fn(line)
        try:
            return hay.index(want, start)
        except ValueError:
            continue
    if len(line.encode()) >= _GIT_FUNCNAME_CUT:
        want = line.strip()
        for i in range(start, len(index.lines)):
            if index.lines[i].strip().startswith(want):
                return i
    return None


def seek_line_before(index: LineIndex, line: str, before: int) -> int | None:
    """The last line before `before` equal to `line` under the first pass that finds one."""
    for name, fn in PASSES:
        hay = index.normalised(name, fn)
        want = fn(line)
        for i in range(min(before, len(hay)) - 1, -1, -1):
            if hay[i] == want:
                return i
    if len(line.encode()) >= _GIT_FUNCNAME_CUT:
        want = line.strip()
        for i in range(min(before, len(index.lines)) - 1, -1, -1):
            if index.lines[i].strip().startswith(want):
                return i
    return None
