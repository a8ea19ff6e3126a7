"""A turn's checkpoint: everything the turn changed, by edits or by commands, as one commit.

`begin_turn` notes the working tree before the turn (HEAD, a tree of the tracked files as they are,
the untracked files that exist); `commit_turn` commits what differs since: tracked files changed or
deleted, and new untracked files the turn created. Files that were untracked before the turn and
git-ignored files are never committed (so `redline undo`, which removes the files its commit added,
never deletes them). A tracked file the person had changed before the turn is first committed as it
was then, as a `Redline: checkpoint` commit, so undoing the turn gives their version back.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import git

from redline.tools.edits import gitops


@dataclass(frozen=True, slots=True)
class TurnStart:
    root: Path
    head: str | None
    tree: str  # the tracked files as they were (HEAD's tree plus uncommitted changes)
    untracked: frozenset[str]  # untracked, not ignored, files that existed
    dirty: frozenset[str]  # tracked files that differed from HEAD


@dataclass(frozen=True, slots=True)
class TurnChanges:
    files: tuple[str, ...]  # what the turn commit takes (changed, deleted, created)
    created: tuple[str, ...]  # of those, files that did not exist before the turn
    were_dirty: tuple[str, ...]  # of those, files with the person's uncommitted changes


@dataclass(frozen=True, slots=True)
class TurnCommit:
    commit: str | None  # None: the turn changed nothing
    checkpoint: str | None
    changes: TurnChanges


_EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"


@contextmanager
def _scratch_index(repo: git.Repo) -> Iterator[dict[str, str]]:
    """A copy of the index to work in, so the person's staging area is never touched."""
    fd, name = tempfile.mkstemp(prefix="redline-index-")
    os.close(fd)
    try:
        real = Path(repo.git_dir) / "index"
        if real.exists():
            Path(name).write_bytes(real.read_bytes())
        else:
            os.unlink(name)  # git creates it
        yield {"GIT_INDEX_FILE": name}
    finally:
        Path(name).unlink(missing_ok=True)


def _z(out: str) -> list[str]:
    return [p for p in out.split("\0") if p]


def _untracked(repo: git.Repo) -> set[str]:
    return set(_z(repo.git.ls_files("--others", "--exclude-standard", "-z")))


def begin_turn(repo_root: Path) -> TurnStart:
    repo = gitops.open_repo(repo_root)
    head = gitops.head_sha(repo)
    with _scratch_index(repo) as env:
        repo.git.add("-u", env=env)
        tree = str(repo.git.write_tree(env=env))
    dirty = set(_z(repo.git.diff("--name-only", "--no-renames", "-z", head or _EMPTY_TREE, tree)))
    return TurnStart(
        gitops.root_of(repo), head, tree, frozenset(_untracked(repo)), frozenset(dirty)
    )


def turn_changes(start: TurnStart) -> TurnChanges:
    repo = gitops.open_repo(start.root)
    tracked = _z(repo.git.diff("--name-only", "--no-renames", "-z", start.tree, "--"))
    created = sorted(_untracked(repo) - start.untracked)
    files = sorted(set(tracked) | set(created))
    were_dirty = [p for p in files if p in start.dirty]
    return TurnChanges(tuple(files), tuple(created), tuple(were_dirty))


def _checkpoint(repo: git.Repo, start: TurnStart, paths: tuple[str, ...]) -> str:
    """Commit `paths` as they were at the turn's start, on HEAD, without touching the tree."""
    assert start.head is not None
    with _scratch_index(repo) as env:
        repo.git.read_tree(start.head, env=env)
        for path in paths:
            entry = repo.git.ls_tree("-z", start.tree, "--", f":(literal){path}").strip("\0")
            if entry:
                meta, _, _ = entry.partition("\t")
                mode, _, sha = meta.split(" ")
                repo.git.update_index("--add", "--cacheinfo", f"{mode},{sha},{path}", env=env)
            else:
                repo.git.update_index("--force-remove", "--", path, env=env)
        tree = repo.git.write_tree(env=env)
    listed = "\n".join(f"  {p}" for p in paths)
    message = (
        "redline: checkpoint of your uncommitted changes\n\n"
        "Saved before the turn's commit, so undoing the turn keeps your work:\n"
        f"{listed}\n\n{gitops.TRAILER}: checkpoint\n"
    )
    sha = repo.git.commit_tree(tree, "-p", start.head, "-m", message)
    repo.git.update_ref("HEAD", sha, start.head)
    return str(sha)


def commit_turn(start: TurnStart, message: str) -> TurnCommit:
    """One commit with everything the turn changed (``message`` carries the `Redline: yes` trailer)."""
    changes = turn_changes(start)
    if not changes.files:
        return TurnCommit(None, None, changes)
    repo = gitops.open_repo(start.root)
    checkpoint = None
    if changes.were_dirty and start.head and gitops.head_sha(repo) == start.head:
        checkpoint = _checkpoint(repo, start, changes.were_dirty)
    sha = gitops.commit(repo, list(changes.files), message)
    return TurnCommit(sha, checkpoint, changes)


def turn_message(summary: str, files: tuple[str, ...], provider: str = "", model: str = "") -> str:
    title = " ".join(summary.split())[:72] or f"redline: turn changed {len(files)} file(s)"
    body = "\n".join(f"  {p}" for p in files[:50])
    if len(files) > 50:
        body += f"\n  ... and {len(files) - 50} more"
    trailers = [f"{gitops.TRAILER}: yes"]
    if provider:
        trailers.append(f"{gitops.TRAILER}-Provider: {provider}")
    if model:
        trailers.append(f"{gitops.TRAILER}-Model: {model}")
    return f"{title}\n\n{body}\n\n" + "\n".join(trailers) + "\n"
