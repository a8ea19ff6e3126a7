"""The repository's files as the read tools see them: git's list, never through a symlink out."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from redline.tools.context.files import find_root, list_paths


def repo_files(root: Path, in_git: bool | None = None) -> list[str]:
    """Tracked plus untracked-but-not-ignored files (a careful walk outside git), sorted."""
    if in_git is None:
        _, in_git = find_root(root)
    return list_paths(root, in_git)


def under(paths: list[str], prefix: str) -> list[str]:
    """The paths at or below ``prefix`` ("." for all)."""
    if prefix in ("", "."):
        return paths
    folder = prefix.rstrip("/") + "/"
    return [p for p in paths if p == prefix or p.startswith(folder)]


def stays_inside(real_root: str, rel: str) -> bool:
    """A listed file that is a symlink must point inside the repository to be read."""
    full = os.path.join(real_root, rel)
    try:
        info = os.lstat(full)
    except OSError:
        return False
    if not stat.S_ISLNK(info.st_mode):
        return stat.S_ISREG(info.st_mode)
    target = os.path.realpath(full)
    return target.startswith(real_root + os.sep) and os.path.isfile(target)
