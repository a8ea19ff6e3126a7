"""``search {pattern, path?}``: a regular expression over the repository's text files, capped."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from pathlib import Path

from redline.tools.agent.files import repo_files, stays_inside, under
from redline.tools.agent.paths import PathRefused, resolve
from redline.tools.agent.protect import DEFAULT_GUARD, ReadGuard
from redline.tools.agent.result import MAX_OUTPUT_CHARS, ToolResult

NAME = "search"
MAX_MATCHES = 200
MAX_LINE_CHARS = 300
MAX_FILE_BYTES = 1_000_000
TIME_LIMIT_S = 5.0
DESCRIPTION = (
    "Search the repository's text files for a Python regular expression (one line at a time), "
    "optionally only under a folder or in one file. Shows path:line: text for at most "
    f"{MAX_MATCHES} matching lines and counts the rest."
)
PARAMETERS: dict[str, object] = {
    "type": "object",
    "properties": {
        "pattern": {"type": "string", "description": "regular expression, e.g. 'def \\w+_total'"},
        "path": {"type": "string", "description": "folder or file to search, relative to root"},
    },
    "required": ["pattern"],
    "additionalProperties": False,
}


def run(
    root: Path,
    args: dict[str, object],
    *,
    in_git: bool | None = None,
    clock: Callable[[], float] = time.monotonic,
    guard: ReadGuard = DEFAULT_GUARD,
) -> ToolResult:
    pattern = str(args["pattern"])
    if not pattern:
        return ToolResult.failure("the pattern is empty; give a regular expression to look for")
    try:
        regex = re.compile(pattern)
        # A file with no match in its whole text has none on any line: skip it in one call.
        anywhere = re.compile(pattern, re.MULTILINE)
    except re.error as exc:
        return ToolResult.failure(f"the pattern is not a valid regular expression ({exc})")
    prefix = "."
    named_file = False
    if "path" in args:
        try:
            real, prefix = resolve(root, str(args["path"]), allow_root=True)
        except PathRefused as exc:
            return ToolResult.failure(str(exc))
        if not real.exists():
            return ToolResult.failure(f"{prefix} does not exist; find it with list_files")
        named_file = real.is_file()
    real_root = os.path.realpath(root)
    if named_file:
        refused = guard.refusal(real_root, prefix)
        if refused is not None:
            return ToolResult.failure(refused)
    files, protected = guard.hidden(real_root, under(repo_files(root, in_git), prefix), follow=True)
    shown: list[str] = []
    size = 0
    matches = hidden = 0
    files_hit: set[str] = set()
    hidden_files: set[str] = set()
    deadline = clock() + TIME_LIMIT_S
    stopped = False
    for rel in files:
        if clock() > deadline:
            stopped = True
            break
        text = _text(real_root, rel)
        if text is None or not anywhere.search(text):
            continue
        for n, line in enumerate(text.splitlines(), 1):
            if not regex.search(line):
                continue
            matches += 1
            files_hit.add(rel)
            if len(shown) >= MAX_MATCHES or size > MAX_OUTPUT_CHARS:
                hidden += 1
                hidden_files.add(rel)
                continue
            if len(line) > MAX_LINE_CHARS:
                line = line[:MAX_LINE_CHARS] + " [...]"
            entry = f"{rel}:{n}: {line}"
            shown.append(entry)
            size += len(entry) + 1
    where = "" if prefix == "." else f" under {prefix}"
    if not matches:
        out = f"no matches for {pattern!r}{where}"
    else:
        out = "\n".join(shown) + "\n"
        out += f"[{matches:,} matching lines in {len(files_hit):,} files{where}"
        if hidden:
            out += (
                f"; {hidden:,} lines in {len(hidden_files):,} files not shown: "
                "narrow the pattern or the path"
            )
        out += "]"
    if protected:
        out += f"\n[{protected:,} protected file(s) not searched (protected_paths)]"
    if stopped:
        out += f"\n[stopped after {TIME_LIMIT_S:g} s; search a smaller path for the rest]"
    return ToolResult.success(out + "\n")


def _text(real_root: str, rel: str) -> str | None:
    """The file's text, or None for what is not searched (binary, huge, a symlink out)."""
    if not stays_inside(real_root, rel):
        return None
    try:
        with open(os.path.join(real_root, rel), "rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except OSError:
        return None
    if len(data) > MAX_FILE_BYTES or b"\0" in data[:8192]:
        return None
    return data.decode("utf-8", "replace")
