"""Whether an interrupted apply waits in a repository: one stat, no git, for start-up paths."""

from __future__ import annotations

from pathlib import Path


def git_dir_of(repo_root: Path) -> Path | None:
    """`.git` of a repository root (a linked worktree's `.git` file names its real folder)."""
    dot = repo_root / ".git"
    if dot.is_dir():
        return dot
    try:
        text = dot.read_text(encoding="utf-8", errors="replace") if dot.is_file() else ""
    except OSError:
        return None
    if not text.startswith("gitdir:"):
        return None
    path = Path(text[len("gitdir:") :].strip())
    return path if path.is_absolute() else repo_root / path


def interrupted_apply(repo_root: Path) -> bool:
    """A journal is there: an apply or undo was interrupted (or is running right now)."""
    git_dir = git_dir_of(repo_root)
    return git_dir is not None and (git_dir / "redline" / "apply.json").exists()
