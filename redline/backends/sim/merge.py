"""The simulator's stand-in for Mercury's apply-edit model: a deterministic merge.

The update snippet's lines replace the original's between the lines where each of its segments
starts and ends; a marker line ("... existing code ...") keeps the original's lines it stands
for. Good enough to drive the whole "merge with Mercury" loop offline; not a real model.
"""

from __future__ import annotations

import re

_MARKER = re.compile(
    r"^\s*(#|//|/\*|<!--|--|;|%)?\s*(\.\.\.|…)\s*"
    r"(existing|rest|remaining|unchanged|other|previous|same|more|code)\b",
    re.IGNORECASE,
)
_TAGS = re.compile(
    r"<\|original_code\|>\n?(.*?)\n?<\|/original_code\|>\s*"
    r"<\|update_snippet\|>\n?(.*?)\n?<\|/update_snippet\|>",
    re.S,
)


def split_prompt(content: str) -> tuple[str, str] | None:
    match = _TAGS.search(content)
    return (match.group(1), match.group(2)) if match else None


def _find(lines: list[str], wanted: str, start: int) -> int | None:
    key = wanted.strip()
    if not key:
        return None
    for i in range(start, len(lines)):
        if lines[i].strip() == key:
            return i
    return None


def merge(original: str, update: str) -> str:
    old = original.split("\n")
    segments: list[tuple[bool, list[str]]] = []  # (a marker came before it, its lines)
    marker_before = False
    current: list[str] = []
    for line in update.split("\n"):
        if _MARKER.match(line):
            if current:
                segments.append((marker_before, current))
                current = []
            marker_before = True
        else:
            current.append(line)
    trailing_marker = marker_before and not current
    if current:
        segments.append((marker_before, current))
    out: list[str] = []
    pos = 0
    for kept_before, seg in segments:
        start = _find(old, seg[0], pos)
        if kept_before and start is not None:
            out += old[pos:start]
        out += seg
        end = _find(old, seg[-1], start if start is not None else pos)
        if end is not None:
            pos = end + 1
        elif start is not None:
            pos = min(len(old), start + len(seg))
    if trailing_marker:
        out += old[pos:]
    return "\n".join(out)
