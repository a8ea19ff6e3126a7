"""Which paths an edit may touch: inside the repository, outside `.git/`, through no symlink,
not a protected file (`protected_paths`), and short enough for the operating system."""

from __future__ import annotations

import fnmatch
import functools
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")

# Files an edit never creates, changes, deletes or moves onto; config can add to these.
DEFAULT_PROTECTED = (".redline.toml", ".env", ".env.*")


class UnsafePath(ValueError):
    """The reply asked to write somewhere redline never writes."""


def check_path(root: Path, path: str) -> str:
    """The repository-relative POSIX path to use for `path`, or UnsafePath saying why not."""
    if not path or not path.strip():
        raise UnsafePath("no file path given")
    if "\0" in path:
        raise UnsafePath("the path contains a NUL byte")
    if path.startswith(("/", "\\", "~")) or _DRIVE.match(path):
        raise UnsafePath("absolute paths are refused: give a path relative to the repository")
    parts = PurePosixPath(path.replace("\\", "/")).parts
    if ".." in parts:
        raise UnsafePath("paths with '..' are refused: they can leave the repository")
    clean = [p for p in parts if p not in ("", ".")]
    if not clean:
        raise UnsafePath("the path names the repository itself")
    if any(p.lower() == ".git" for p in clean):
        raise UnsafePath("writing inside .git/ is refused")
    _check_length(root, clean)
    real_root = os.path.realpath(root)
    here = Path(root)
    for i, part in enumerate(clean):
        here = here / part
        if os.path.islink(here):
            target = os.path.realpath(here)
            inside = target == real_root or target.startswith(real_root + os.sep)
            where = "inside" if inside else "outside"
            what = (
                "a symlink"
                if i == len(clean) - 1
                else f"through the symlink {'/'.join(clean[: i + 1])}"
            )
            raise UnsafePath(
                f"the path goes {what} pointing {where} the repository; redline edits only "
                "regular files reached without symlinks"
            )
        if not here.exists():
            break
        if i < len(clean) - 1 and not here.is_dir():
            raise UnsafePath(f"{'/'.join(clean[: i + 1])} is a file, not a directory")
    return "/".join(clean)


def _limit(root: Path, name: str, fallback: int) -> int:
    try:
        return int(os.pathconf(root, name))
    except (OSError, ValueError):
        return fallback


def _check_length(root: Path, parts: list[str]) -> None:
    """Names and paths longer than the file system allows are refused before any file call."""
    name_max = _limit(root, "PC_NAME_MAX", 255)
    for part in parts:
        size = len(os.fsencode(part))
        if size > name_max:
            raise UnsafePath(
                f"a name in the path is {size} bytes long; the file system allows {name_max}"
            )
    path_max = _limit(root, "PC_PATH_MAX", 4096)
    size = len(os.fsencode(os.path.join(root, *parts)))
    if size >= path_max:
        raise UnsafePath(f"the path is {size} bytes long; the file system allows {path_max - 1}")


def protected_by(path: str, patterns: Iterable[str]) -> str | None:
    """The `protected_paths` pattern that covers `path`, if any (case-insensitive, as on macOS).

    A pattern without "/" matches a file name at any depth (`.env` also covers `app/.env`);
    one with "/" matches the path from the repository root; "dir/" covers every file under a
    folder of that name.
    """
    patterns = tuple(patterns)
    low = path.lower()
    name = low.rsplit("/", 1)[-1]
    if not _any_match(patterns).match(low, name):
        return None  # the common case, one regex per path (the sandbox asks for every file)
    for pattern in patterns:
        pat = pattern.strip().lower().lstrip("/")
        if not pat:
            continue
        if pat.endswith("/"):
            if low.startswith(pat) or f"/{pat}" in f"/{low}":
                return pattern
        elif "/" in pat:
            if fnmatch.fnmatchcase(low, pat):
                return pattern
        elif fnmatch.fnmatchcase(name, pat):
            return pattern
    return None


@dataclass(frozen=True, slots=True)
class _AnyMatch:
    """Whether any of a set of `protected_paths` patterns covers a path (see `protected_by`)."""

    path: re.Pattern[str]  # "dir/" prefixes at any depth and patterns with "/"
    name: re.Pattern[str]  # patterns without "/", on the file name

    def match(self, low: str, name: str) -> bool:
        return bool(self.path.match(low) or self.name.match(name))


_NEVER = re.compile(r"(?!)")


@functools.lru_cache(maxsize=64)
def _any_match(patterns: tuple[str, ...]) -> _AnyMatch:
    paths: list[str] = []
    names: list[str] = []
    for pattern in patterns:
        pat = pattern.strip().lower().lstrip("/")
        if not pat:
            continue
        if pat.endswith("/"):
            paths.append(f"(?:.*/)?{re.escape(pat)}")
        elif "/" in pat:
            paths.append(fnmatch.translate(pat))
        else:
            names.append(fnmatch.translate(pat))
    return _AnyMatch(
        re.compile("|".join(paths), re.DOTALL) if paths else _NEVER,
        re.compile("|".join(names), re.DOTALL) if names else _NEVER,
    )
