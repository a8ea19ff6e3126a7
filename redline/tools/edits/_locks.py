"""The locks and signal guard an apply runs under.

`applier_lock`: one redline apply per repository (an flock, released by the OS even on SIGKILL).
`IndexLock`: git's own `index.lock`, taken as git takes it, through a hard link to a file of ours,
so a lock a killed redline left behind is recognised (same inode) and removed, never another
git's. `Signals`: SIGINT, SIGTERM and SIGHUP wait for the next safe point.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

import git

from redline.tools.edits import gitops


class ApplyFailed(Exception):
    """The apply could not finish and was rolled back (`left` names files changed under it)."""

    def __init__(self, message: str, left: tuple[str, ...] = ()) -> None:
        self.left = left
        if left:
            message += f"; left alone (changed while redline wrote them): {', '.join(left)}"
        super().__init__(message)


class Interrupted(BaseException):
    """A signal stopped the apply; `message` says what state the repository was left in."""

    def __init__(self, signum: int, message: str) -> None:
        self.signum = signum
        self.message = message
        super().__init__(message)


def state_dir(repo: git.Repo) -> Path:
    return Path(repo.git_dir) / "redline"


class Signals:
    """SIGINT, SIGTERM and SIGHUP wait for the next safe point instead of stopping mid-write
    (only in the main thread, where Python runs signal handlers)."""

    def __init__(self) -> None:
        self.caught: int | None = None
        self.saved: dict[int, object] = {}

    def __enter__(self) -> Signals:
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
                if signal.getsignal(sig) is not signal.SIG_IGN:
                    self.saved[sig] = signal.signal(sig, self._catch)
        return self

    def _catch(self, signum: int, frame: FrameType | None) -> None:
        self.caught = self.caught or signum

    def check(self) -> None:
        if self.caught is not None:
            raise Interrupted(self.caught, "")

    def __exit__(self, *exc: object) -> None:
        for sig, handler in self.saved.items():
            signal.signal(sig, handler)  # type: ignore[arg-type]


# -- locks -------------------------------------------------------------------------------


@contextmanager
def applier_lock(repo: git.Repo, wait_s: float = 2.0) -> Iterator[None]:
    """One redline apply at a time per repository (released by the OS even after SIGKILL)."""
    folder = state_dir(repo)
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / "lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        deadline = time.monotonic() + wait_s
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise ApplyFailed(
                        "another redline is applying edits in this repository; try again "
                        "when it is done"
                    ) from None
                time.sleep(0.02)
        yield
    finally:
        os.close(fd)


class IndexLock:
    """git's `index.lock`, taken as git takes it (it must not exist), through a hard link to a
    file of ours: a lock left by a killed redline is recognised as ours, never someone else's."""

    def __init__(self, repo: git.Repo) -> None:
        self.repo = repo
        self.index = Path(repo.git_dir) / "index"
        self.lock = Path(repo.git_dir) / "index.lock"
        self.mine = state_dir(repo) / "index.lock"
        self.next = state_dir(repo) / "index.next"
        self.published = False

    def __enter__(self) -> IndexLock:
        clear_stale_index_lock(self.repo)
        fd = os.open(self.mine, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
        os.close(fd)
        try:
            os.link(self.mine, self.lock)
        except FileExistsError:
            self.mine.unlink()
            raise ApplyFailed(
                "git's index is locked (.git/index.lock): another git command is running; "
                "try again when it ends"
            ) from None
        return self

    def prepare(self, commit: str, paths: list[str]) -> None:
        """The index to publish: the current one with `paths` as `commit` has them."""
        self.next.unlink(missing_ok=True)
        if self.index.exists():
            shutil.copyfile(self.index, self.next)
        Path(f"{self.next}.lock").unlink(missing_ok=True)
        with self.repo.git.custom_environment(GIT_INDEX_FILE=str(self.next)):
            self.repo.git.reset("-q", commit, "--", *gitops.literal(paths))

    def publish(self) -> None:
        data = self.next.read_bytes()
        with open(self.lock, "wb") as fh:  # the same file as `mine`: still recognisably ours
            fh.write(data)
        os.replace(self.lock, self.index)
        self.published = True

    def __exit__(self, *exc: object) -> None:
        if not self.published:
            clear_stale_index_lock(self.repo)
        self.mine.unlink(missing_ok=True)
        self.next.unlink(missing_ok=True)


def clear_stale_index_lock(repo: git.Repo) -> bool:
    """Remove `.git/index.lock` only when it is the file redline created (same inode)."""
    mine = state_dir(repo) / "index.lock"
    lock = Path(repo.git_dir) / "index.lock"
    removed = False
    try:
        if lock.exists() and mine.exists() and os.path.samefile(lock, mine):
            lock.unlink()
            removed = True
    except FileNotFoundError:
        pass
    mine.unlink(missing_ok=True)
    return removed
