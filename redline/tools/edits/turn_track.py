"""One agent turn's commit: what its tools changed, never what the person changed meanwhile.

Every tool run that may write (an ``apply_patch``, a model's command) is a window: the tree is
snapshotted just before and just after it (``git status`` against the turn's own index, only the
paths it names hashed into that index, then ``write-tree``; the person's index is never used for
it), and what differs is the turn's. Untracked files that were there before a window are never
hashed at all (a big untracked folder costs one ``status`` walk, not a blob per file). What
changed outside every window (the person editing while the model streams, or while an approval
waits) is not the turn's and stays uncommitted. The commit takes each path as the turn's last
window left it: a file the person changed again afterwards is committed in the turn's version
and the person's version stays in the working tree, uncommitted, for them to keep or drop.

Never committed, so ``redline undo`` (which deletes what its commit added) never deletes them:
files that existed before their first window but not in HEAD (untracked, or staged as new), and
git-ignored files (``git status`` leaves them out). A tracked file the person had changed before
the turn first touched it is committed first as it was then (a ``Redline: checkpoint`` commit),
so undoing the turn gives their version back.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import git

from redline.tools.edits import checkpoints, gitops
from redline.tools.edits.turn import TurnChanges, TurnCommit

Entry = tuple[str, str] | None  # (mode, blob id); None: no file at that path
ZERO = "0" * 40
NOTHING = TurnCommit(None, None, TurnChanges((), (), ()))
# What differs from the turn's index (worktree side) and every untracked file, one by one;
# nothing is hashed but what the index's stat cache says changed.
_STATUS = ("status", "--porcelain", "-z", "--untracked-files=all", "--no-renames")


@dataclass(slots=True)
class PathChange:
    before: Entry  # as the first window that changed it found it
    after: Entry  # as the last window that changed it left it


class TrackError(RuntimeError):
    """git could not snapshot or commit; the turn's changes stay in the working tree."""


def _git(root: Path, *args: str, data: bytes | None = None, index: Path | None = None) -> str:
    env = None if index is None else {**os.environ, "GIT_INDEX_FILE": str(index)}
    try:
        out = subprocess.run(
            ["git", *args], cwd=root, input=data, capture_output=True, env=env, check=False
        )
    except OSError as exc:
        raise TrackError(f"could not run git: {exc}") from exc
    if out.returncode != 0:
        reason = out.stderr.decode("utf-8", "replace").strip().splitlines()
        raise TrackError(f"git {args[0]} failed: {reason[-1] if reason else out.returncode}")
    return os.fsdecode(out.stdout)


def _records(entries: dict[str, Entry]) -> bytes:
    """``update-index --index-info`` input: set each path, or remove it (mode 0)."""
    return b"".join(
        (b"0 " + ZERO.encode() if e is None else f"{e[0]} {e[1]}".encode())
        + b"\t"
        + os.fsencode(p)
        + b"\0"
        for p, e in entries.items()
    )


class TurnTracker:
    """Started lazily by the first window, so a turn that only reads costs no git call."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.changes: dict[str, PathChange] = {}
        self._top: Path | None = None
        self._index: Path | None = None
        self._foreign: set[str] = set()  # untracked before a window opened: the person's

    def _ensure(self) -> tuple[Path, Path]:
        if self._top is None or self._index is None:
            try:
                repo = gitops.open_repo(self.root)
            except gitops.NotARepository as exc:
                raise TrackError(str(exc)) from exc
            top = gitops.root_of(repo)
            fd, name = tempfile.mkstemp(prefix="redline-turn-", suffix=".index")
            os.close(fd)
            real = Path(repo.git_dir) / "index"
            if real.exists():  # its stat cache: only what changed is hashed
                Path(name).write_bytes(real.read_bytes())
            else:
                os.unlink(name)
                if _head(top):  # no index but commits: start from HEAD, not from nothing
                    _git(top, "read-tree", "HEAD", index=Path(name))
            self._top, self._index = top, Path(name)
        return self._top, self._index

    def snapshot(self) -> str:
        """The tree as it is now, as far as the turn is concerned: tracked files, and the
        untracked files a window created (ignored ones left out)."""
        return self._snapshot(opening=True)

    def _snapshot(self, *, opening: bool) -> str:
        """Only what ``git status`` says differs from the turn's index is hashed into it: a
        changed tracked file, a file a window created. An untracked file first seen when a
        window opens is the person's (``_foreign``): never hashed, never in a tree, never
        committed, whatever a command does to it."""
        top, index = self._ensure()
        out = _git(top, *_STATUS, index=index)
        update: list[str] = []
        for record in out.split("\0"):
            if len(record) < 4:
                continue
            xy, path = record[:2], record[3:]
            if xy == "??":
                if path in self._foreign:
                    continue
                if opening:
                    self._foreign.add(path)
                    continue
            elif xy[1] == " ":
                continue  # as in the turn's index already
            update.append(path)
        if update:
            paths = b"".join(os.fsencode(p) + b"\0" for p in update)
            args = ("update-index", "--add", "--remove", "--replace", "-z", "--stdin")
            _git(top, *args, data=paths, index=index)
        return _git(top, "write-tree", index=index).strip()

    def record(self, before: str) -> tuple[str, ...]:
        """Snapshot again and note what changed since ``before`` as the turn's."""
        after = self._snapshot(opening=False)
        if after == before:
            return ()
        top, _ = self._ensure()
        out = _git(top, "diff-tree", "-r", "-z", "--no-renames", before, after)
        fields = out.split("\0")
        changed: list[str] = []
        for meta, path in zip(fields[0::2], fields[1::2], strict=False):
            if not meta.startswith(":"):
                continue
            old_mode, new_mode, old_sha, new_sha, _ = meta[1:].split(" ")
            old: Entry = None if old_mode == "000000" else (old_mode, old_sha)
            new: Entry = None if new_mode == "000000" else (new_mode, new_sha)
            seen = self.changes.get(path)
            self.changes[path] = PathChange(old if seen is None else seen.before, new)
            changed.append(path)
        return tuple(changed)

    def commit(self, message: Callable[[tuple[str, ...]], str]) -> TurnCommit:
        """One commit (after a checkpoint of the person's earlier work, if any) on HEAD."""
        if self._top is None or not self.changes:
            return NOTHING
        top = self._top
        head = _head(top)
        in_head = _entries(top, head, list(self.changes)) if head else {}
        take: dict[str, PathChange] = {}
        for path, change in self.changes.items():
            was = in_head.get(path)
            if change.before is not None and path not in in_head:
                continue  # existed before the turn touched it, not in HEAD: the person's
            if change.before == was and change.after == was:
                continue  # back as it was
            take[path] = change
        if not take:
            return NOTHING
        problem = gitops.identity_problem(git.Repo(top))  # before anything is written
        if problem is not None:
            raise TrackError(problem)
        dirty = {p: c.before for p, c in take.items() if c.before != in_head.get(p)}
        files = tuple(take)
        repo = git.Repo(top)
        staged = checkpoints.index_entries(repo, list(dirty)) if dirty and head else b""
        with _scratch(top) as index:
            if head:
                _git(top, "read-tree", head, index=index)
            else:
                _git(top, "read-tree", "--empty", index=index)
            parent, checkpoint = head, None
            if dirty and head:
                _git(top, "update-index", "-z", "--index-info", data=_records(dirty), index=index)
                tree = _git(top, "write-tree", index=index).strip()
                checkpoint = _commit_tree(top, tree, head, _checkpoint_message(tuple(dirty)))
                parent = checkpoint
            after = {p: c.after for p, c in take.items()}
            _git(top, "update-index", "-z", "--index-info", data=_records(after), index=index)
            tree = _git(top, "write-tree", index=index).strip()
            sha = _commit_tree(top, tree, parent, message(files))
        _git(top, "update-ref", "-m", "redline: turn", "HEAD", sha, head or ZERO)
        try:
            gitops.record_made(repo, sha)
            if checkpoint is not None:  # undo through it puts what they had staged back
                checkpoints.remember(repo, checkpoint, staged)
        except (OSError, git.GitError) as exc:
            raise TrackError(f"committed {sha[:10]} but could not note it for undo: {exc}") from exc
        # The person's index follows the commit for those paths (as `git commit --only` does).
        _git(top, "update-index", "-z", "--index-info", data=_records(after))
        created = tuple(p for p, c in take.items() if c.before is None and p not in in_head)
        return TurnCommit(sha, checkpoint, TurnChanges(files, created, tuple(dirty)))

    def close(self) -> None:
        if self._index is not None:
            self._index.unlink(missing_ok=True)
            Path(f"{self._index}.lock").unlink(missing_ok=True)
            self._index = None


def _head(top: Path) -> str | None:
    try:
        return _git(top, "rev-parse", "--verify", "-q", "HEAD^{commit}").strip() or None
    except TrackError:
        return None  # an unborn branch


def _entries(top: Path, head: str, paths: list[str]) -> dict[str, Entry]:
    out = _git(top, "ls-tree", "-r", "-z", head, "--", *gitops.literal(paths))
    found: dict[str, Entry] = {}
    for record in out.split("\0"):
        meta, tab, path = record.partition("\t")
        if tab:
            mode, _kind, sha = meta.split(" ")
            found[path] = (mode, sha)
    return found


def _commit_tree(top: Path, tree: str, parent: str | None, message: str) -> str:
    parents = ["-p", parent] if parent else []
    return _git(top, "commit-tree", tree, *parents, "-F", "-", data=message.encode()).strip()


def _checkpoint_message(paths: tuple[str, ...]) -> str:
    listed = "\n".join(f"  {p}" for p in paths[:50])
    return (
        "redline: checkpoint of your uncommitted changes\n\n"
        "Saved before the turn's commit, so undoing the turn keeps your work:\n"
        f"{listed}\n\n{gitops.TRAILER}: checkpoint\n"
    )


@contextmanager
def _scratch(top: Path) -> Iterator[Path]:
    fd, name = tempfile.mkstemp(prefix="redline-commit-", suffix=".index")
    os.close(fd)
    os.unlink(name)  # read-tree creates it
    try:
        yield Path(name)
    finally:
        Path(name).unlink(missing_ok=True)
