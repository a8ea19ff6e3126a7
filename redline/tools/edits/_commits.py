"""Commits made without touching the person's index: a private index, `write-tree`, `commit-tree`.

The commits exist as objects before anything in the working tree changes; HEAD moves to them later
in one compare-and-swap (`journal.py`).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import git

ZERO = "0" * 40
Entry = tuple[str, str] | None  # (mode, blob id), or None: no file at that path


def git_run(
    repo: git.Repo, *args: str, data: bytes | None = None, index: Path | None = None
) -> str:
    """Run git in the repository; raises git.GitCommandError with git's own message."""
    env = None
    if index is not None:
        env = {**os.environ, "GIT_INDEX_FILE": str(index)}
    cmd = ["git", *args]
    out = subprocess.run(
        cmd, cwd=repo.working_tree_dir or repo.git_dir, input=data, capture_output=True, env=env
    )
    if out.returncode != 0:
        stderr = out.stderr.decode("utf-8", "replace")
        raise git.GitCommandError(cmd, out.returncode, stderr)
    return out.stdout.decode("utf-8", "replace").strip()


class TreeBuilder:
    """Trees from `base` with some paths set or removed, then a commit on top of `parent`."""

    def __init__(self, repo: git.Repo, base: str | None) -> None:
        self.repo = repo
        folder = Path(repo.git_dir) / "redline"
        folder.mkdir(parents=True, exist_ok=True)
        self.index = folder / "tree.index"
        for stale in (self.index, Path(f"{self.index}.lock")):
            stale.unlink(missing_ok=True)
        if base is None:
            git_run(repo, "read-tree", "--empty", index=self.index)
        else:
            git_run(repo, "read-tree", base, index=self.index)

    def commit(self, entries: dict[str, Entry], message: str, parent: str | None) -> str:
        records = b"".join(
            (f"0 {ZERO}" if e is None else f"{e[0]} {e[1]}").encode() + b"\t" + p.encode() + b"\0"
            for p, e in entries.items()
        )
        git_run(self.repo, "update-index", "-z", "--index-info", data=records, index=self.index)
        tree = git_run(self.repo, "write-tree", index=self.index)
        parents = ["-p", parent] if parent else []
        return git_run(self.repo, "commit-tree", tree, *parents, "-F", "-", data=message.encode())

    def close(self) -> None:
        self.index.unlink(missing_ok=True)
