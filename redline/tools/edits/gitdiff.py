"""Write a git-style unified diff for in-memory file changes (the exact bytes, CRLF and all)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from redline.tools.edits.plan import FileChange

_NO_NL = "\\ No newline at end of file\n"


def _lines(data: bytes | None) -> list[str]:
    if not data:
        return []
    parts = data.decode("utf-8").split("\n")
    lines = [p + "\n" for p in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def _quote(path: str) -> str:
    if any(c in path for c in '"\\\t\n') or not path.isprintable() or not path.isascii():
        raw = path.encode("utf-8")
        out = []
        for b in raw:
            ch = chr(b)
            if ch in '"\\':
                out.append("\\" + ch)
            elif ch == "\t":
                out.append("\\t")
            elif ch == "\n":
                out.append("\\n")
            elif 32 <= b < 127:
                out.append(ch)
            else:
                out.append(f"\\{b:03o}")
        return '"' + "".join(out) + '"'
    return path


def _range(start: int, count: int) -> str:
    if count == 1:
        return str(start + 1)
    return f"{start + 1 if count else start},{count}"


def _opcodes(old: list[str], new: list[str]) -> difflib.SequenceMatcher[str]:
    """Diff only what lies between the common head and tail (edits are small, files may not be)."""
    head = 0
    limit = min(len(old), len(new))
    while head < limit and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < limit - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    a, b = old[head : len(old) - tail], new[head : len(new) - tail]
    sm = difflib.SequenceMatcher(None, a, b)
    codes = []
    if head:
        codes.append(("equal", 0, head, 0, head))
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal" and codes and codes[-1][0] == "equal":
            last = codes.pop()
            codes.append(("equal", last[1], i2 + head, last[3], j2 + head))
            continue
        codes.append((tag, i1 + head, i2 + head, j1 + head, j2 + head))
    if tail:
        i, j = len(old) - tail, len(new) - tail
        if codes and codes[-1][0] == "equal":
            last = codes.pop()
            codes.append(("equal", last[1], len(old), last[3], len(new)))
        else:
            codes.append(("equal", i, len(old), j, len(new)))
    sm.opcodes = codes  # type: ignore[attr-defined]  # get_grouped_opcodes reads these
    return sm


def file_diff(change: FileChange, context: int = 3) -> tuple[str, int, int]:
    """The git diff section for one file, and the lines it adds and removes."""
    path = change.path
    a_name = _quote(f"a/{path}")
    b_name = _quote(f"b/{path}")
    out = [f"diff --git {a_name} {b_name}\n"]
    if change.before is None:
        out.append(f"new file mode {change.mode}\n")
    elif change.after is None:
        out.append(f"deleted file mode {change.mode}\n")
    old, new = _lines(change.before), _lines(change.after)
    if not old and not new:
        return "".join(out), 0, 0
    out.append(f"--- {a_name if change.before is not None else '/dev/null'}\n")
    out.append(f"+++ {b_name if change.after is not None else '/dev/null'}\n")
    added = removed = 0
    for group in _opcodes(old, new).get_grouped_opcodes(context):
        i1, i2 = group[0][1], group[-1][2]
        j1, j2 = group[0][3], group[-1][4]
        out.append(f"@@ -{_range(i1, i2 - i1)} +{_range(j1, j2 - j1)} @@\n")
        for tag, a1, a2, b1, b2 in group:
            if tag == "equal":
                for s in old[a1:a2]:
                    out.append(" " + s)
                    if not s.endswith("\n"):
                        out.append("\n" + _NO_NL)
                continue
            for s in old[a1:a2]:
                removed += 1
                out.append("-" + s)
                if not s.endswith("\n"):
                    out.append("\n" + _NO_NL)
            for s in new[b1:b2]:
                added += 1
                out.append("+" + s)
                if not s.endswith("\n"):
                    out.append("\n" + _NO_NL)
    return "".join(out), added, removed


def unified_diff(changes: Iterable[FileChange]) -> str:
    """One patch for all the changes, as `git apply` reads it."""
    return "".join(file_diff(c)[0] for c in changes)
