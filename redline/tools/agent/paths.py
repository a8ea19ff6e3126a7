"""Where a read tool may look: inside the repository, outside ``.git/``, through no symlink out."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath


class PathRefused(ValueError):
    """The path leaves the repository (or names what a tool must not read); said for the model."""


def resolve(root: Path, path: str, *, allow_root: bool = False) -> tuple[Path, str]:
    """The real file system path and the repository-relative POSIX path for ``path``.

    Absolute paths inside the repository are taken as relative ones; ``..`` may move around
    inside it. Symlinks are followed only while they stay inside.
    """
    real_root = os.path.realpath(root)
    text = path.strip() if path else ""
    if "\0" in text:
        raise PathRefused("the path contains a NUL byte")
    if text.startswith("~"):
        raise PathRefused(f"{path!r} is outside the repository; give a path relative to its root")
    text = text.replace("\\", "/")
    if text.startswith("/"):
        for base in (str(root), real_root):
            if text == base or text.startswith(base.rstrip("/") + "/"):
                text = text[len(base) :].lstrip("/")
                break
        else:
            raise PathRefused(
                f"{path!r} is outside the repository; give a path relative to its root"
            )
    lexical = os.path.normpath(os.path.join(real_root, text or "."))
    if lexical != real_root and not lexical.startswith(real_root + os.sep):
        raise PathRefused(f"{path!r} climbs out of the repository ('..'); stay inside it")
    rel = PurePosixPath(os.path.relpath(lexical, real_root).replace(os.sep, "/"))
    if rel.parts and rel.parts[0] == ".":
        rel = PurePosixPath(*rel.parts[1:]) if len(rel.parts) > 1 else PurePosixPath()
    if any(part.lower() == ".git" for part in rel.parts):
        raise PathRefused("reading inside .git/ is refused; it is git's, not the project's")
    if not rel.parts and not allow_root:
        raise PathRefused("the path names the repository itself; name a file in it")
    real = os.path.realpath(lexical)
    if real != real_root and not real.startswith(real_root + os.sep):
        raise PathRefused(
            f"{path!r} goes through a symlink that leaves the repository; redline reads only "
            "files inside it"
        )
    return Path(real), rel.as_posix() if rel.parts else "."
