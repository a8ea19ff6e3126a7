"""Paths on unified-diff header lines: git's C quoting, timestamps, `diff --git` pairs."""

from __future__ import annotations

import re

_TIMESTAMP = re.compile(r"\s+\d{4}-\d\d-\d\d[ T]\d\d:\d\d(:\d\d(\.\d+)?)?( ?[+-]\d{4})?\s*$")
_EPOCH = ("1970-01-01", "1969-12-31", "Thu Jan  1 00:00:00 1970")
_SVN_ABSENT = ("(revision 0)", "(nonexistent)")  # svn diff's side of a created file
MNEMONIC = ("a/", "b/", "c/", "i/", "w/", "o/", "1/", "2/")
_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


def unquote(path: str) -> str:
    """Git's C-style quoting ("a/caf\\303\\251.txt") back to the real name."""
    if not (len(path) >= 2 and path[0] == '"' and path[-1] == '"'):
        return path
    out = bytearray()
    body = path[1:-1]
    i = 0
    while i < len(body):
        c = body[i]
        if c == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            if nxt in "01234567" and i + 3 < len(body) + 1:
                out.append(int(body[i + 1 : i + 4], 8))
                i += 4
                continue
            out.extend(_ESCAPES.get(nxt, nxt).encode())
            i += 2
            continue
        out.extend(c.encode())
        i += 1
    return out.decode("utf-8", "replace")


def header_path(rest: str) -> tuple[str, bool]:
    """The path on a ---/+++ line (timestamps dropped) and whether it names no file."""
    rest = rest.rstrip("\r\n")
    stamp = ""
    for mark in _SVN_ABSENT:
        if rest.endswith(mark):
            return unquote(rest[: -len(mark)].strip()), True
    if "\t" in rest:
        rest, stamp = rest.split("\t", 1)
    else:
        m = _TIMESTAMP.search(rest)
        if m:
            rest, stamp = rest[: m.start()], m.group(0).strip()
    path = unquote(rest.strip())
    absent = path == "/dev/null" or stamp.strip().startswith(_EPOCH)
    return path, absent


def git_pair(rest: str) -> tuple[str, str]:
    """`a/x b/y` from a `diff --git` line (paths may be quoted or contain spaces)."""
    rest = rest.strip()
    if rest.startswith('"'):
        end = rest.find('"', 1)
        while end > 0 and rest[end - 1] == "\\":
            end = rest.find('"', end + 1)
        return unquote(rest[: end + 1]), unquote(rest[end + 1 :].strip())
    if rest.endswith('"'):
        start = rest.rfind(' "')
        return rest[:start], unquote(rest[start + 1 :])
    half = (len(rest) - 1) // 2
    if len(rest) % 2 == 1 and rest[half] == " " and rest[2:half] == rest[half + 3 :]:
        return rest[:half], rest[half + 1 :]
    i = rest.find(" b/")
    return (rest[:i], rest[i + 1 :]) if i > 0 else (rest, rest)
