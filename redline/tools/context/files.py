"""Which files make up the repository: git's view when there is one, a careful walk otherwise."""

from __future__ import annotations

import errno
import os
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path

MAX_FILE_BYTES = 1_000_000

# Directories a walk outside git never enters (git repos use .gitignore instead).
IGNORED_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "node_modules",
        "__pycache__",
        ".venv",
        "venv",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        "dist",
        "build",
        "target",
        ".idea",
        ".vscode",
        ".next",
        ".cache",
        "vendor",
        ".gradle",
        ".eggs",
    }
)
MAX_WALK_FILES = 200_000


@dataclass(frozen=True, slots=True)
class RepoFile:
    """A regular file in the repository, by its path relative to the root (with `/`)."""

    path: str
    mtime_ns: int
    size: int


@dataclass(frozen=True, slots=True)
class Scan:
    """The files found, whether git listed them, and what was left out and why."""

    root: Path
    files: tuple[RepoFile, ...]
    in_git: bool
    skipped: dict[str, int]


def find_root(start: Path) -> tuple[Path, bool]:
    """The enclosing git work tree of ``start`` (and True), or ``start`` itself (and False)."""
    start = start.resolve()
    try:
        out = subprocess.run(
            ["git", "-C", str(start), "rev-parse", "--show-toplevel"],
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return start, False
    if out.returncode == 0 and out.stdout.strip():
        return Path(out.stdout.strip()).resolve(), True
    return start, False


def list_paths(root: Path, in_git: bool) -> list[str]:
    """Repo-relative paths: git's tracked and untracked-but-not-ignored files, or a walk."""
    if in_git:
        try:
            out = subprocess.run(
                ["git", "-C", str(root), "ls-files", "-z", "-co", "--exclude-standard"],
                capture_output=True,
                timeout=60,
            )
            if out.returncode == 0:
                raw = out.stdout.decode("utf-8", "surrogateescape").split("\0")
                return sorted(set(p for p in raw if p))
        except (OSError, subprocess.SubprocessError):
            pass
    return walk(root)


def walk(root: Path) -> list[str]:
    """Every file under ``root``, skipping VCS, dependency and build folders; loops stopped."""
    found: list[str] = []
    seen_dirs: set[tuple[int, int]] = set()
    stack = [root]
    while stack and len(found) < MAX_WALK_FILES:
        folder = stack.pop()
        try:
            info = folder.stat()
        except OSError:
            continue
        key = (info.st_dev, info.st_ino)
        if key in seen_dirs:  # a symlink loop or a second way into the same folder
            continue
        seen_dirs.add(key)
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            try:
                if entry.is_dir():
                    if name not in IGNORED_DIRS and not name.endswith(".egg-info"):
                        stack.append(Path(entry.path))
                elif entry.is_file():
                    found.append(Path(entry.path).relative_to(root).as_posix())
            except (OSError, ValueError):
                continue
    return sorted(found)


def scan(start: Path) -> Scan:
    """The files of the repository enclosing ``start`` with their (mtime, size)."""
    root, in_git = find_root(start)
    skipped: dict[str, int] = {}
    files: list[RepoFile] = []
    base = str(root) + os.sep
    for rel in list_paths(root, in_git):
        try:
            info = os.stat(base + rel)
        except OSError as exc:  # vanished, a dangling link, or a loop of links
            if exc.errno == errno.ELOOP:
                reason = "symlink_loop"
            elif isinstance(exc, FileNotFoundError):
                reason = "vanished"
            else:
                reason = "unreadable"
            skipped[reason] = skipped.get(reason, 0) + 1
            continue
        if not stat.S_ISREG(info.st_mode):
            continue
        files.append(RepoFile(rel, info.st_mtime_ns, info.st_size))
    return Scan(root, tuple(files), in_git, skipped)


def is_binary(head: bytes) -> bool:
    """A NUL byte early on is the same test git uses."""
    return b"\0" in head[:8192]
