"""Write file changes and move HEAD as one step that survives any interruption.

Before touching anything, `execute` writes a small journal, `.git/redline/apply.json`: every file
with the blob of its bytes before and after, the ref and the commits it moves between (both
already in the object database). Then the files, each replaced atomically; then HEAD by
compare-and-swap (`git update-ref REF NEW OLD`) while git's `index.lock` is held; then the index,
published as git publishes it (the lock file renamed over `index`). An exception or SIGINT,
SIGTERM or SIGHUP rolls back at once; after a SIGKILL the next start (`recover`) finishes the
apply when HEAD already moved, or rolls it back when it did not. A rollback restores only a file
whose bytes are still exactly what redline wrote; any other file is left alone and named.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import git
from gitdb import IStream
from gitdb.db import LooseObjectDB

from redline.tools.edits import gitops
from redline.tools.edits._locks import (
    ApplyFailed,
    IndexLock,
    Interrupted,
    Signals,
    applier_lock,
    clear_stale_index_lock,
    state_dir,
)
from redline.tools.edits.gitops import made, record_made
from redline.tools.edits.pending import interrupted_apply

__all__ = [
    "ApplyFailed",
    "FileStep",
    "Interrupted",
    "Journal",
    "execute",
    "made",
    "record_made",
    "recover",
]

# Test seam: called with each named point ("file:N", "files", "head", "index") of an apply.
HOOK: Callable[[str], None] | None = None
HALT_ENV = "REDLINE_TEST_HALT"  # test-only: pause at that point (say so on stderr) for a signal


@dataclass(frozen=True, slots=True)
class FileStep:
    """One file: the blob ids of its bytes before and after (None: no file there)."""

    path: str
    before: str | None
    after: str | None
    mode: str = "100644"
    before_mode: str = "100644"


@dataclass(frozen=True, slots=True)
class Journal:
    """What one apply (or undo) does; `ref` None: the working tree only (`--no-commit`)."""

    kind: str
    files: tuple[FileStep, ...]
    ref: str | None = None
    old: str | None = None
    new: str | None = None
    token: str = ""

    def to_json(self) -> str:
        return json.dumps({**asdict(self), "version": 1, "pid": os.getpid()})

    @classmethod
    def from_json(cls, text: str) -> Journal:
        data = json.loads(text)
        files = tuple(FileStep(**f) for f in data["files"])
        return cls(data["kind"], files, data["ref"], data["old"], data["new"], data["token"])


def blob_id(data: bytes | None) -> str | None:
    if data is None:
        return None
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def store_blob(repo: git.Repo, data: bytes | None) -> str | None:
    """Write `data` as a loose object in Python (GitPython's own store runs a git per blob)."""
    if data is None:
        return None
    sha = blob_id(data)
    assert sha is not None
    objects = os.path.join(repo.common_dir, "objects")
    if os.path.exists(os.path.join(objects, sha[:2], sha[2:])):
        return sha  # a clean file's bytes are usually there already
    return (
        LooseObjectDB(objects).store(IStream(b"blob", len(data), io.BytesIO(data))).hexsha.decode()
    )


def _read_blob(repo: git.Repo, sha: str) -> bytes:
    return bytes(repo.odb.stream(bytes.fromhex(sha)).read())


def _journal_path(repo: git.Repo) -> Path:
    return state_dir(repo) / "apply.json"


# -- test points ---------------------------------------------------------------


def _point(name: str, signals: Signals) -> None:
    signals.check()
    if HOOK is not None:
        HOOK(name)
    if os.environ.get(HALT_ENV) == name:  # test-only, harmless: waits up to a minute
        sys.stderr.write(f"redline: halted at {name}\n")
        sys.stderr.flush()
        for _ in range(1200):
            time.sleep(0.05)
            signals.check()
    signals.check()


# -- files -------------------------------------------------------------------------------


def _tmp_name(full: Path, token: str, i: int) -> Path:
    return full.with_name(f".redline-{token}-{i}.tmp")


def _current(full: Path) -> str | None:
    try:
        return blob_id(full.read_bytes()) if full.is_file() else None
    except OSError:
        return "unreadable"


def _put(full: Path, data: bytes | None, mode: str, tmp: Path) -> None:
    """Replace `full` by `data` atomically (None: delete it), keeping an existing file's mode."""
    if data is None:
        if full.is_file():
            full.unlink()
        return
    full.parent.mkdir(parents=True, exist_ok=True)
    existing = full.stat().st_mode if full.is_file() else None
    perms = 0o777 if mode == "100755" else 0o666
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, perms)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    if existing is not None:
        os.chmod(tmp, existing & 0o7777)
        os.replace(tmp, full)
        return
    try:
        os.link(tmp, full)  # a new file: fails if someone created it meanwhile
    finally:
        tmp.unlink(missing_ok=True)


def _prune(root: Path, folder: Path) -> None:
    while folder != root and root in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


def _write_files(
    repo: git.Repo, root: Path, journal: Journal, contents: dict[str, bytes | None], sig: Signals
) -> None:
    for i, step in enumerate(journal.files):
        _point(f"file:{i}", sig)
        full = root / step.path
        if _current(full) != step.before:  # written since redline read it: never overwritten
            raise ApplyFailed(f"{step.path} changed while the edit was being applied")
        data = contents[step.path] if step.path in contents else _blob(repo, step.after)
        _put(full, data, step.mode, _tmp_name(full, journal.token, i))
        if data is None:
            _prune(root, full.parent)
    _point("files", sig)


def _blob(repo: git.Repo, sha: str | None) -> bytes | None:
    return None if sha is None else _read_blob(repo, sha)


def _restore_files(repo: git.Repo, root: Path, journal: Journal, forward: bool) -> list[str]:
    """Put each file that still holds one side's bytes to the other side; name the rest."""
    left: list[str] = []
    for i in reversed(range(len(journal.files))):
        step = journal.files[i]
        full = root / step.path
        tmp = _tmp_name(full, journal.token, i)
        tmp.unlink(missing_ok=True)
        here, there = (step.before, step.after) if forward else (step.after, step.before)
        now = _current(full)
        if now == there:
            continue
        if now != here:
            left.append(step.path)
            continue
        _put(full, _blob(repo, there), step.mode if forward else step.before_mode, tmp)
        if there is None:
            _prune(root, full.parent)
    return sorted(left)


# -- HEAD and the index --------------------------------------------------------------------


def ref_value(repo: git.Repo, ref: str) -> str | None:
    try:
        return str(repo.git.rev_parse("-q", "--verify", f"{ref}^{{commit}}")).strip() or None
    except git.GitCommandError:
        return None


def current_ref(repo: git.Repo) -> str:
    """The branch HEAD names (`refs/heads/main`), or "HEAD" when it is detached."""
    try:
        return str(repo.head.ref.path)
    except TypeError:  # GitPython's way of saying HEAD is detached
        return "HEAD"


def swap_ref(repo: git.Repo, ref: str, new: str | None, old: str | None, why: str) -> None:
    """Move `ref` from `old` to `new` only if it still is `old` (git checks under its ref lock)."""
    deref = ["--no-deref"] if ref == "HEAD" else []
    if new is None:
        repo.git.update_ref("-m", why, *deref, "-d", ref, old or "")
    else:
        repo.git.update_ref("-m", why, *deref, ref, new, old or "0" * 40)


def _publish_index(repo: git.Repo, journal: Journal, move: bool, sig: Signals) -> None:
    assert journal.ref is not None and journal.new is not None
    with IndexLock(repo) as lock:
        lock.prepare(journal.new, [f.path for f in journal.files])
        if move:
            _point("head", sig)
            swap_ref(repo, journal.ref, journal.new, journal.old, f"redline: {journal.kind}")
        _point("index", sig)
        lock.publish()


# -- the transaction -----------------------------------------------------------------------


def execute(
    repo: git.Repo, root: Path, journal: Journal, contents: dict[str, bytes | None]
) -> None:
    """Carry `journal` out, or roll it back and raise (ApplyFailed, or Interrupted)."""
    path = _journal_path(repo)
    with applier_lock(repo), Signals() as sig:
        path.write_text(journal.to_json(), encoding="utf-8")
        try:
            _write_files(repo, root, journal, contents, sig)
            if journal.ref is not None:
                _publish_index(repo, journal, True, sig)
        except BaseException as exc:
            left = roll_back(repo, root, journal)
            path.unlink(missing_ok=True)
            signum = exc.signum if isinstance(exc, Interrupted) else sig.caught
            if signum is not None:  # a signal, or a git command it killed
                name = signal.Signals(signum).name
                message = f"interrupted by {name}: the edit was rolled back"
                if left:
                    message += f"; left alone (changed meanwhile): {', '.join(left)}"
                raise Interrupted(signum, message) from None
            if isinstance(exc, KeyboardInterrupt):
                raise
            why = gitops.git_error(exc) if isinstance(exc, git.GitCommandError) else str(exc)
            raise ApplyFailed(why, tuple(left)) from exc
        path.unlink(missing_ok=True)
    if sig.caught is not None:  # it came after the last safe point: the apply is complete
        name = signal.Signals(sig.caught).name
        raise Interrupted(sig.caught, f"interrupted by {name} once the edit was complete")


def roll_back(repo: git.Repo, root: Path, journal: Journal) -> list[str]:
    """Undo what `journal` did so far: HEAD back by compare-and-swap, then the files.

    When HEAD moved on from redline's commit (someone committed on top), nothing is undone:
    their commit is never dropped. When it moved elsewhere before redline's commit landed, the
    files are rolled back and HEAD is left where they put it."""
    if journal.ref is not None and journal.new is not None:
        now = ref_value(repo, journal.ref)
        if now == journal.new:
            swap_ref(repo, journal.ref, journal.old, journal.new, "redline: roll back")
        elif now is not None and _is_ancestor(repo, journal.new, now):
            return [f.path for f in journal.files]  # built upon: the edit stays committed
    return _restore_files(repo, root, journal, forward=False)


def _is_ancestor(repo: git.Repo, commit: str, of: str) -> bool:
    try:
        repo.git.merge_base("--is-ancestor", commit, of)
    except git.GitCommandError:
        return False
    return True


def recover(repo_root: Path) -> str | None:
    """Finish or roll back an apply that was interrupted; a sentence saying what was done."""
    if not interrupted_apply(repo_root):
        return None  # the usual case: one stat, no git
    try:
        repo = gitops.open_repo(repo_root)
    except gitops.NotARepository:
        return None
    path = _journal_path(repo)
    if not path.exists():
        return None
    try:
        with applier_lock(repo, wait_s=0):
            return _recover(repo, gitops.root_of(repo), path)
    except ApplyFailed:
        return None  # a live redline is applying right now: it is not interrupted


def _recover(repo: git.Repo, root: Path, path: Path) -> str | None:
    try:
        journal = Journal.from_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError):
        path.unlink(missing_ok=True)
        clear_stale_index_lock(repo)
        return "redline found an unreadable journal of an interrupted edit and removed it"
    clear_stale_index_lock(repo)
    kind = journal.kind
    with Signals() as sig:
        if journal.ref is not None and ref_value(repo, journal.ref) == journal.new:
            left = _restore_files(repo, root, journal, forward=True)
            _publish_index(repo, journal, False, sig)
            assert journal.new is not None
            message = f"redline finished an interrupted {kind}: HEAD is {journal.new[:10]}"
        elif journal.ref is None or ref_value(repo, journal.ref) == journal.old:
            left = _restore_files(repo, root, journal, forward=False)
            message = f"redline rolled back an interrupted {kind}"
        else:
            left = []
            message = f"an interrupted redline {kind} was left as it is: HEAD moved since"
    path.unlink(missing_ok=True)
    if left:
        message += f"; left alone (changed since): {', '.join(left)}"
    return message
