"""What a checkpoint cannot hold: the person's staging area for the files it saved.

A checkpoint commits the person's work in progress (the working tree's bytes) before redline
edits those files. Undoing the edit gives that work back uncommitted; the index entries noted
here when the checkpoint was made put what was staged back in the index, exactly.
"""

from __future__ import annotations

from pathlib import Path

import git

from redline.tools.edits._commits import git_run
from redline.tools.edits.gitops import literal


def _record(repo: git.Repo, checkpoint: str) -> Path:
    return Path(repo.git_dir) / "redline" / "checkpoints" / checkpoint


def index_entries(repo: git.Repo, paths: list[str]) -> bytes:
    """The index entries of ``paths`` now (``git ls-files -s -z``), before a checkpoint."""
    if not paths:
        return b""
    return git_run(repo, "ls-files", "-s", "-z", "--", *literal(paths)).encode()


def remember(repo: git.Repo, checkpoint: str, entries: bytes) -> None:
    if not entries:
        return
    path = _record(repo, checkpoint)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(entries)


def restage(repo: git.Repo, checkpoint: str, paths: list[str]) -> None:
    """Put the noted index entries of ``paths`` back (a checkpoint from before: none noted)."""
    path = _record(repo, checkpoint)
    try:
        entries = path.read_bytes()
    except OSError:
        return
    wanted = set(paths)
    kept = [e for e in entries.split(b"\0") if e and e.partition(b"\t")[2].decode() in wanted]
    if kept:
        git_run(repo, "update-index", "-z", "--index-info", data=b"\0".join(kept) + b"\0")
    path.unlink(missing_ok=True)
