"""Which files make up the repository: git's view when there is one, a careful walk otherwise."""

from __future__ import annotations

import errno
import fnmatch
import os
import re
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

# Files that hold secrets by convention: never parsed for the map, never matched by a fuzzy
# mention; sent only when a person names the exact path (`@.env`).
SECRET_PATTERNS = (
    ".env",
    ".env.*",
    "*.env",
    ".envrc",
    ".netrc",
    ".npmrc",
    ".pypirc",
    ".git-credentials",
    "*.pem",
    "*.key",
    "*.p12",
    "*.pfx",
    "*.keystore",
    "*.kdbx",
    "id_rsa*",
    "id_dsa*",
    "id_ecdsa*",
    "id_ed25519*",
    "credentials",
    "credentials.json",
    ".secrets*",
    "secrets.toml",
    "secrets.yaml",
    "secrets.yml",
    "secrets.json",
)
_SECRET = re.compile("|".join(fnmatch.translate(p) for p in SECRET_PATTERNS), re.IGNORECASE)


def is_secret(path: str) -> bool:
    """True for a repo-relative path whose file name says it holds secrets (``.env``, keys)."""
    return _SECRET.match(path.rpartition("/")[2]) is not None


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


_ROOTS: dict[Path, Path] = {}  # start -> its work tree, once found (a tree rarely vanishes)


def find_root(start: Path) -> tuple[Path, bool]:
    """The enclosing git work tree of ``start`` (and True), or ``start`` itself (and False).

    A found work tree is remembered (every agent turn asks, before its request goes out, and
    ``git rev-parse`` is a process); a folder that is not one is asked again each time, so a
    ``git init`` meanwhile is seen."""
    start = start.resolve()
    known = _ROOTS.get(start)
    if known is not None and (known / ".git").exists():
        return known, True
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
        root = _ROOTS[start] = Path(out.stdout.strip()).resolve()
        return root, True
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
                if entry.is_dir(follow_symlinks=False):  # a linked folder may lead anywhere
                    if name not in IGNORED_DIRS and not name.endswith(".egg-info"):
                        stack.append(Path(entry.path))
                elif entry.is_file() or entry.is_symlink():  # links are checked by scan()
                    found.append(Path(entry.path).relative_to(root).as_posix())
            except (OSError, ValueError):
                continue
    return sorted(found)


def scan(start: Path) -> Scan:
    """The files of the repository enclosing ``start`` with their (mtime, size).

    Nothing outside the repository is ever listed: a symlink (to a file, or a folder on the
    way) that resolves outside the root is skipped as ``symlink_outside``."""
    root, in_git = find_root(start)
    skipped: dict[str, int] = {}
    files: list[RepoFile] = []
    base = str(root) + os.sep
    inside = _Containment(root)
    for rel in list_paths(root, in_git):
        full = base + rel
        try:
            info = os.lstat(full)
            if stat.S_ISLNK(info.st_mode):
                if not inside.file(full):
                    skipped["symlink_outside"] = skipped.get("symlink_outside", 0) + 1
                    continue
                info = os.stat(full)
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
        if "/" in rel and not inside.folder(full.rpartition(os.sep)[0]):
            skipped["symlink_outside"] = skipped.get("symlink_outside", 0) + 1
            continue
        files.append(RepoFile(rel, info.st_mtime_ns, info.st_size))
    return Scan(root, tuple(files), in_git, skipped)


class _Containment:
    """Whether a path really lies inside ``root`` once every symlink on the way is resolved
    (folders are checked once each, so a big tree costs one ``realpath`` per folder)."""

    def __init__(self, root: Path) -> None:
        self._root = os.path.realpath(root)
        self._prefix = self._root + os.sep
        self._folders: dict[str, bool] = {}

    def _within(self, real: str) -> bool:
        return real == self._root or real.startswith(self._prefix)

    def file(self, full: str) -> bool:
        return self._within(os.path.realpath(full))

    def folder(self, full: str) -> bool:
        known = self._folders.get(full)
        if known is None:
            known = self._folders[full] = self._within(os.path.realpath(full))
        return known


def is_binary(head: bytes) -> bool:
    """A NUL byte early on is the same test git uses."""
    return b"\0" in head[:8192]
