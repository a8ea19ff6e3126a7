"""The branch and dirty state of the repository, for the status bar (read off the UI loop)."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(slots=True, frozen=True)
class GitState:
    branch: str | None  # None: not a git repository (or git missing)
    dirty: bool = False
    changed: int = 0


def read_git_state(repo: Path, timeout: float = 2.0) -> GitState:
    """Blocking: call from a thread worker."""
    try:
        result = subprocess.run(
            ["git", "status", "--porcelain=v1", "--branch", "--untracked-files=normal"],
            cwd=repo,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except (OSError, subprocess.TimeoutExpired):
        return GitState(None)
    if result.returncode != 0:
        return GitState(None)
    return parse_porcelain(result.stdout)


def parse_porcelain(output: str) -> GitState:
    lines = output.splitlines()
    branch = "HEAD"
    if lines and lines[0].startswith("## "):
        head = lines.pop(0)[3:]
        if head.startswith("No commits yet on "):
            branch = head.removeprefix("No commits yet on ")
        elif head.startswith("HEAD (no branch)"):
            branch = "detached"
        else:
            branch = head.split("...", 1)[0].split(" ", 1)[0]
    changed = sum(1 for line in lines if line.strip())
    return GitState(branch, dirty=changed > 0, changed=changed)
