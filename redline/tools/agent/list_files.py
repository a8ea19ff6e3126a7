"""``list_files {path?, glob?}``: the repository's files, git-aware (ignored files left out)."""

from __future__ import annotations

import fnmatch
import os
from pathlib import Path

from redline.tools.agent.files import repo_files, under
from redline.tools.agent.paths import PathRefused, resolve
from redline.tools.agent.protect import DEFAULT_GUARD, ReadGuard
from redline.tools.agent.result import ToolResult

NAME = "list_files"
MAX_ENTRIES = 400
DESCRIPTION = (
    "List the repository's files (tracked and untracked, without what .gitignore ignores), "
    "optionally under a folder and/or matching a glob such as '*.py' or 'src/**/test_*.ts'. "
    f"Shows at most {MAX_ENTRIES} paths."
)
PARAMETERS: dict[str, object] = {
    "type": "object",
    "properties": {
        "path": {"type": "string", "description": "folder to list, relative to the root"},
        "glob": {"type": "string", "description": "only paths matching this glob"},
    },
    "required": [],
    "additionalProperties": False,
}


def run(
    root: Path,
    args: dict[str, object],
    *,
    in_git: bool | None = None,
    guard: ReadGuard = DEFAULT_GUARD,
) -> ToolResult:
    prefix = "."
    if "path" in args:
        try:
            real, prefix = resolve(root, str(args["path"]), allow_root=True)
        except PathRefused as exc:
            return ToolResult.failure(str(exc))
        if not real.exists():
            return ToolResult.failure(f"{prefix} does not exist; list the root to find it")
    paths = under(repo_files(root, in_git), prefix)
    pattern = str(args.get("glob") or "")
    if pattern:
        paths = [p for p in paths if matches(p, pattern, prefix)]
    paths, hidden = guard.hidden(os.path.realpath(root), paths)
    where = "" if prefix == "." else f" under {prefix}"
    matching = f" matching {pattern}" if pattern else ""
    note = f"[{hidden:,} protected file(s) not listed (protected_paths)]\n" if hidden else ""
    if not paths:
        return ToolResult.success(f"no files{where}{matching}" + (f"\n{note}" if note else ""))
    shown = paths[:MAX_ENTRIES]
    out = "\n".join(shown) + "\n"
    if len(paths) > MAX_ENTRIES:
        out += (
            f"[... {len(paths) - MAX_ENTRIES:,} more files{where}{matching} not shown; "
            "narrow with path or glob]\n"
        )
    return ToolResult.success(out + note)


def matches(path: str, pattern: str, prefix: str = ".") -> bool:
    """``*`` crosses folders; a glob without ``/`` also matches file names; ``**/`` may be empty."""
    pattern = pattern.strip().removeprefix("./")
    candidates = [pattern]
    if "**/" in pattern:
        candidates.append(pattern.replace("**/", ""))
    rel = path[len(prefix) + 1 :] if prefix != "." and path.startswith(prefix + "/") else path
    name = path.rsplit("/", 1)[-1]
    for c in candidates:
        if fnmatch.fnmatchcase(path, c) or fnmatch.fnmatchcase(rel, c):
            return True
        if "/" not in c and fnmatch.fnmatchcase(name, c):
            return True
    return False
