"""``read_file {path, start_line?, end_line?}``: a text file or a line range, numbered, capped."""

from __future__ import annotations

import os
from pathlib import Path

from redline.tools.agent.paths import PathRefused, resolve
from redline.tools.agent.protect import DEFAULT_GUARD, ReadGuard
from redline.tools.agent.result import MAX_OUTPUT_CHARS, ToolResult, cap_output

NAME = "read_file"
WINDOW_LINES = 500
MAX_LINE_CHARS = 500
MAX_FILE_BYTES = 8_000_000
DESCRIPTION = (
    "Read a text file of the repository, with line numbers. Without start_line/end_line it "
    f"shows the first {WINDOW_LINES} lines; ask for a range to read further. Paths are relative to "
    "the repository root."
)
PARAMETERS: dict[str, object] = {
    "type": "object",
    "properties": {
        "path": {"type": "string", "description": "file path relative to the repository root"},
        "start_line": {"type": "integer", "description": "first line to show (1-based)"},
        "end_line": {"type": "integer", "description": "last line to show (inclusive)"},
    },
    "required": ["path"],
    "additionalProperties": False,
}


def run(root: Path, args: dict[str, object], *, guard: ReadGuard = DEFAULT_GUARD) -> ToolResult:
    path = str(args["path"])
    try:
        real, rel = resolve(root, path)
    except PathRefused as exc:
        return ToolResult.failure(str(exc))
    refused = guard.refusal(os.path.realpath(root), rel)
    if refused is not None:
        return ToolResult.failure(refused)
    if real.is_dir():
        return ToolResult.failure(f"{rel} is a directory; list it with list_files")
    if not real.is_file():
        return ToolResult.failure(f"{rel} does not exist; find the right path with list_files")
    try:
        with real.open("rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return ToolResult.failure(f"{rel} cannot be read ({exc.strerror or exc})")
    if b"\0" in data[:8192]:
        return ToolResult.failure(f"{rel} is a binary file; read_file shows only text")
    text = data[:MAX_FILE_BYTES].decode("utf-8", "replace")
    lines = text.splitlines()
    total = len(lines)
    start = _int(args.get("start_line"), 1)
    end = _int(args.get("end_line"), 0)
    if start < 1:
        start = 1
    if total and start > total:
        return ToolResult.failure(f"{rel} has {total} lines; start_line {start} is past the end")
    if end <= 0 or end > total:
        end = min(total, start + WINDOW_LINES - 1) if "end_line" not in args else total
    if end < start:
        return ToolResult.failure(f"end_line {end} is before start_line {start}")
    shown = []
    for n in range(start, end + 1):
        line = lines[n - 1]
        if len(line) > MAX_LINE_CHARS:
            line = line[:MAX_LINE_CHARS] + f" [... {len(line) - MAX_LINE_CHARS:,} more characters]"
        shown.append(f"{n:>6}\t{line}")
    if not total:
        return ToolResult.success(f"{rel} is empty")
    head = f"{rel} (lines {start}-{end} of {total})\n"
    body = cap_output("\n".join(shown) + "\n", MAX_OUTPUT_CHARS)
    tail = ""
    if end < total:
        tail = f"[{total - end:,} more lines: read on with start_line={end + 1}]\n"
    if len(data) > MAX_FILE_BYTES:
        tail += f"[the file is larger than {MAX_FILE_BYTES:,} bytes; only its start was read]\n"
    return ToolResult.success(head + body + tail)


def _int(value: object, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default
