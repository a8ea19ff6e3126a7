"""The git side of applying edits, through GitPython: open, check, status, ignore rules, trailers.

Writing and committing go through the journal (`journal.py`)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import git

from redline.tools.edits._diffpaths import unquote

TRAILER = "Redline"


class NotARepository(Exception):
    """Edits are written only inside a git repository (so they can be undone)."""

    def __init__(self, where: Path) -> None:
        self.where = where
        super().__init__(
            f"{where} is not inside a git repository; redline only writes where git can undo. "
            f"Run `git init` there first (or `redline apply --init` to let redline do it)."
        )


def open_repo(start: Path, *, init: bool = False) -> git.Repo:
    try:
        return git.Repo(start, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        if init:
            return git.Repo.init(start)
        raise NotARepository(start) from None


def root_of(repo: git.Repo) -> Path:
    if repo.working_tree_dir is None:
        raise NotARepository(Path(repo.git_dir))
    return Path(repo.working_tree_dir)


def head_sha(repo: git.Repo) -> str | None:
    try:
        return repo.head.commit.hexsha
    except ValueError:  # unborn branch: no commit yet
        return None


def literal(paths: Iterable[str]) -> list[str]:
    return [f":(literal){p}" for p in paths]


@contextmanager
def _patch_file(patch: str) -> Iterator[str]:
    fd, name = tempfile.mkstemp(prefix="redline-", suffix=".patch")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(patch.encode("utf-8"))
        yield name
    finally:
        os.unlink(name)


IDENTITY_HINT = (
    "git does not know who you are, so redline cannot commit: run "
    '`git config --global user.name "Your Name"` and '
    "`git config --global user.email you@example.com`, then try again."
)
_IDENTITY_MARKS = (
    "Please tell me who you are",
    "identity unknown",
    "empty ident name",
    "unable to auto-detect email address",
    "no email was given",
    "no name was given",
)


def git_error(exc: git.GitCommandError) -> str:
    text = exc.stderr if isinstance(exc.stderr, str) else str(exc)
    text = text.strip().removeprefix("stderr:").strip().strip("'").strip()
    if any(mark in text for mark in _IDENTITY_MARKS):
        return IDENTITY_HINT  # git's own ten lines say the same, less usably
    return text or str(exc)


def identity_problem(repo: git.Repo) -> str | None:
    """Why git could not commit here for want of a name or email (None: it can)."""
    try:
        repo.git.var("GIT_AUTHOR_IDENT")
        repo.git.var("GIT_COMMITTER_IDENT")
    except git.GitCommandError as exc:
        problem = git_error(exc)
        return problem if problem == IDENTITY_HINT else None  # another failure speaks later
    return None


def check_patch(repo: git.Repo, patch: str) -> str | None:
    """`git apply --check`: None when the patch applies to the working tree, else git's reason."""
    with _patch_file(patch) as name:
        try:
            repo.git.apply("--check", "--whitespace=nowarn", name)
        except git.GitCommandError as exc:
            return git_error(exc)
    return None


def dirty(repo: git.Repo, paths: Iterable[str]) -> list[str]:
    """Which of `paths` differ from HEAD in the index or working tree (untracked included)."""
    paths = list(paths)
    if not paths:
        return []
    out = repo.git.status("--porcelain", "-z", "--untracked-files=all", "--", *literal(paths))
    found: list[str] = []
    entries = out.split("\0")
    i = 0
    while i < len(entries):
        entry = entries[i]
        i += 1
        if len(entry) < 4:
            continue
        found.append(entry[3:])
        if entry[0] in "RC":  # a rename names its source in the next field
            found.append(entries[i])
            i += 1
    return found


def tracked(repo: git.Repo, path: str) -> bool:
    """Whether git tracks `path` (it is in the index)."""
    return bool(repo.git.ls_files("-z", "--", *literal([path])))


def ignored(repo: git.Repo, paths: Iterable[str]) -> list[str]:
    paths = list(paths)
    if not paths:
        return []
    try:
        out = repo.git.check_ignore("--", *paths)
    except git.GitCommandError as exc:
        if exc.status == 1:
            return []  # nothing ignored
        raise
    return [unquote(p) for p in out.splitlines() if p]


def commit(repo: git.Repo, paths: list[str], message: str) -> str:
    """Stage exactly `paths` and commit only them (other staged work is left alone); the commit
    is recorded as one redline made, so `redline undo` may take it back."""
    repo.git.add("-A", "--", *literal(paths))
    with _patch_file(message) as name:
        repo.git.commit("-q", "--no-verify", "--only", "-F", name, "--", *literal(paths))
    sha = head_sha(repo)
    assert sha is not None
    record_made(repo, sha)
    return sha


def record_made(repo: git.Repo, sha: str) -> None:
    """Remember a commit redline made here: undo takes back only those, unchanged."""
    path = Path(repo.git_dir) / "redline" / "made"
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = path.read_text().split() if path.exists() else []
    path.write_text("\n".join([*lines[-199:], sha]) + "\n")


def made(repo: git.Repo) -> list[str]:
    try:
        return (Path(repo.git_dir) / "redline" / "made").read_text().split()
    except OSError:
        return []


def trailers(message: str) -> dict[str, str]:
    """The `Key: value` lines of a commit message's last paragraph."""
    last = message.strip().split("\n\n")[-1]
    out: dict[str, str] = {}
    for line in last.splitlines():
        key, sep, value = line.partition(":")
        if sep and key and " " not in key.strip():
            out[key.strip()] = value.strip()
    return out
