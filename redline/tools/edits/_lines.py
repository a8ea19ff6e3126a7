"""Pieces the format parsers share: the line value, the sub-parser protocol, path heuristics."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import NamedTuple, Protocol

from redline.tools.edits.blocks import EditBlock, EditFormat, EditKind, ParseProgress


class Line(NamedTuple):
    """One line of the reply, without its newline; `start`/`end` are character offsets."""

    text: str
    no: int
    start: int
    end: int


class SubParser(Protocol):
    """A format's state machine, fed one complete line at a time by the stream parser."""

    def feed(self, ln: Line) -> tuple[list[EditBlock], list[Line] | None]:
        """Blocks that closed, and None while still open or the lines to hand back when done."""
        ...

    def finish(self) -> list[EditBlock]:
        """The reply ended: the blocks still open (as errors when they were cut short)."""
        ...

    def progress(self) -> ParseProgress: ...


FENCE = re.compile(r"^\s*(`{3,}|~{3,})\s*([^`]*?)\s*$")
# Models miscount the markers (4 to 11 characters seen) and Cline writes ------- SEARCH /
# +++++++ REPLACE: every such line is a marker.
SR_START = re.compile(r"^(?:<{3,}|-{3,}) ?SEARCH\b")
SR_DIVIDER = re.compile(r"^={3,}\s*$")
SR_END = re.compile(r"^(?:>{3,}|\+{3,}) ?REPLACE\b")
# A line no whole file has: an edit-script marker (any count, any indent) or a git conflict marker.
# Lines of diff formats redline does not read: normal (`2c2`), ed (`2c`), context (`*** 1,3 ****`).
OTHER_DIFF = re.compile(
    r"^(?:\d+(?:,\d+)?[acd](?:\d+(?:,\d+)?)?|\*{15}|\*\*\* \d+(?:,\d+)? \*{4}|--- \d+(?:,\d+)? -{4})\s*$"
)
EDIT_MARKER = re.compile(
    r"^\s*(?:(?:<{3,}|-{3,}) ?SEARCH\b|(?:>{3,}|\+{3,}) ?REPLACE\b|<{7}(?: |$)|>{7}(?: |$))"
)
BINARY_LINE = re.compile(r"^Binary files (.+) and (.+) differ\s*$")

_PATHISH = re.compile(r"^[^\s`'\"<>|*?]+$")
_SPACED_PATH = re.compile(r"^[^\t`'\"<>|*?:]+/[^\t`'\"<>|*?:]*[^\s.:]$")
_KNOWN_BARE = frozenset(
    {"Makefile", "Dockerfile", "LICENSE", "README", "Gemfile", "Rakefile", "Procfile", "Justfile"}
)
_DOTFILE = re.compile(r"^\.[A-Za-z0-9_-][A-Za-z0-9_.-]*$")  # .gitignore, .env.example
# Names without an extension that are files, when the turn asked for whole files.
_BARE_FILE = re.compile(r"^(?:[A-Z][A-Za-z]*file|[A-Z][A-Z0-9_-]{2,}|[a-z]+file)$")


def clean_path_line(text: str) -> str:
    """`**src/a.py**:` or `# src/a.py` -> `src/a.py` (what models put around a file name)."""
    s = text.strip()
    s = s.lstrip("#").strip()
    s = s.strip("*").strip()
    s = s.rstrip(":").strip()
    s = s.strip("`").strip()
    for prefix in ("File: ", "file: ", "Path: ", "path: "):
        if s.startswith(prefix):
            s = s[len(prefix) :].strip().strip("`")
    return s


def loose_path(text: str) -> str | None:
    """A file name alone on a line (any single token): enough before a SEARCH block."""
    s = clean_path_line(text)
    if not s or s.startswith(("http://", "https://")):
        return None
    # A name with spaces counts only with a directory in it and no sentence ending.
    if not _PATHISH.match(s) and (text.rstrip().endswith(":") or not _SPACED_PATH.match(s)):
        return None
    if set(s) <= {"=", "-", "+", "<", ">", "~", ".", "/"}:
        return None
    return s


def strict_path(text: str) -> str | None:
    """A line that surely names a file (has a dot or slash, or is a well-known bare name)."""
    s = loose_path(text)
    if s is None:
        return None
    if "/" in s or "." in s.strip(".") or s in _KNOWN_BARE or _DOTFILE.match(s):
        return s
    return None


def whole_path(text: str) -> str | None:
    """`strict_path`, plus a bare `CODEOWNERS` or `Vagrantfile` alone on the line (for turns
    that asked for whole files)."""
    s = strict_path(text)
    if s is not None:
        return s
    bare = text.strip().strip("*`").strip()
    return bare if _BARE_FILE.match(bare) else None


def fence_info_path(info: str) -> str | None:
    """```` ```python src/a.py ```` or ```` ```python:src/a.py ```` -> `src/a.py`."""
    if not info:
        return None
    for token in re.split(r"[\s:]+", info.strip()):
        if ("/" in token or "." in token.strip(".")) and _PATHISH.match(token):
            return token
    return None


def closes_fence(m: re.Match[str], fence: str) -> bool:
    """A fence line closes `fence` when it uses the same character, is as long, has no info."""
    marker, info = m.group(1), m.group(2)
    return marker[0] == fence[0] and len(marker) >= len(fence) and not info


def make_block(
    first: Line,
    last: Line,
    path: str,
    kind: EditKind,
    source: EditFormat,
    *,
    crlf: bool | None = None,
    **fields: object,
) -> EditBlock:
    """An EditBlock spanning the lines `first`..`last` (index is set by the stream parser).

    When the block's own marker line (`first`, or `crlf` when given) ends in CR, the whole reply
    came with CRLF line ends (git never writes a CR in a header): the content's CRs are
    transport, not file content, and are dropped.
    """
    block = EditBlock(
        path=path.rstrip("\r"),
        kind=kind,
        source=source,
        start=first.start,
        end=last.end,
        line=first.no,
        **fields,  # type: ignore[arg-type]
    )
    if crlf is None:
        crlf = first.text.endswith("\r")
    return _without_cr(block) if crlf else block


def _strip(lines: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(s[:-1] if s.endswith("\r") else s for s in lines)


def _without_cr(block: EditBlock) -> EditBlock:
    hunks = tuple(
        replace(
            h,
            old=_strip(h.old),
            new=_strip(h.new),
            anchors=_strip(h.anchors),
            splits=tuple((_strip(o), _strip(n)) for o, n in h.splits),
        )
        for h in block.hunks
    )
    content = None if block.content is None else _strip(block.content)
    move_to = None if block.move_to is None else block.move_to.rstrip("\r")
    return replace(block, hunks=hunks, content=content, move_to=move_to)
