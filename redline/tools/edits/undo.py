"""Undo the last redline commit, only when that cannot lose anyone's work; `/diff` for a session.

The rules, checked in order (the first that fails is named):
  head     the last redline commit is HEAD
  trailer  HEAD carries the `Redline: yes` trailer (a checkpoint of your own work is not undone)
  exact    HEAD is exactly a commit redline made here (an amended one is not)
  pushed   HEAD is on no remote-tracking branch
  changed  the files it touched are unchanged since (working tree and index)
The undo itself runs through the journal: HEAD moves back by compare-and-swap, only files still
as redline left them are written, and an interrupted undo is finished or rolled back.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import git

from redline.tools.edits import checkpoints, gitops, journal


@dataclass(frozen=True, slots=True)
class UndoResult:
    """`ok` with the undone commit and its files, or the rule that stopped it and why."""

    ok: bool
    message: str
    commit: str | None = None
    head: str | None = None  # HEAD after the undo
    files: tuple[str, ...] = ()
    rule: str | None = None
    recovered: str | None = None  # what became of an apply interrupted earlier

    def to_json(self) -> dict[str, Any]:
        return {
            "undone": self.commit if self.ok else None,
            "head": self.head,
            "files": list(self.files),
            "rule": self.rule,
            "message": self.message,
            "error": None
            if self.ok
            else {"kind": "edit", "message": self.message, "retry_after_s": None},
        }


def _is_redline(commit: git.Commit) -> str | None:
    message = commit.message if isinstance(commit.message, str) else commit.message.decode()
    return gitops.trailers(message).get(gitops.TRAILER)


def _fail(rule: str, message: str) -> UndoResult:
    return UndoResult(False, message, rule=rule)


def undo_last(repo_root: Path | str) -> UndoResult:
    try:
        repo = gitops.open_repo(Path(repo_root))
    except gitops.NotARepository as exc:
        return _fail("repository", str(exc))
    recovered = journal.recover(gitops.root_of(repo))
    result = _undo(repo)
    return replace(result, recovered=recovered) if recovered else result


def _undo(repo: git.Repo) -> UndoResult:
    sha = gitops.head_sha(repo)
    if sha is None:
        return _fail("head", "nothing to undo: the repository has no commits yet")
    head = repo.head.commit
    mark = _is_redline(head)
    if mark != "yes":
        for n, c in enumerate(repo.iter_commits("HEAD", max_count=200)):
            if _is_redline(c) == "yes":
                return _fail(
                    "head",
                    f"the last redline commit {c.hexsha[:10]} is not HEAD ({n} commit(s) came "
                    "after it); undo only takes back the newest commit. Use `git revert` instead.",
                )
        if mark == "checkpoint":
            return _fail("trailer", "HEAD is a checkpoint of your own changes, not a redline edit")
        return _fail(
            "trailer",
            f"HEAD {sha[:10]} is not a redline commit (no 'Redline: yes' trailer); nothing to undo",
        )
    ours = journal.made(repo)
    if sha not in ours:
        made = f" (redline made {ours[-1][:10]})" if ours else ""
        return _fail(
            "exact",
            f"HEAD {sha[:10]} is not a commit redline made here{made}: it was amended or made "
            "elsewhere, and undoing it would lose that work. Use `git revert HEAD` or "
            "`git reset` yourself.",
        )
    remote = repo.git.branch("-r", "--contains", sha).strip()
    if remote:
        first = remote.splitlines()[0].strip()
        return _fail(
            "pushed",
            f"HEAD {sha[:10]} is already pushed ({first}); undoing it would rewrite shared "
            "history. Use `git revert HEAD` instead.",
        )
    if not head.parents:
        return _fail("head", "HEAD is the repository's first commit; there is nothing before it")
    parent = head.parents[0]
    below = _checkpoint_base(repo, parent)  # the person's work was checkpointed first
    files: list[str] = []
    for d in parent.diff(head):
        for p in (d.a_path, d.b_path):
            if p and p not in files:
                files.append(p)
    changed = gitops.dirty(repo, files)
    if changed:
        return _fail(
            "changed",
            f"{', '.join(changed[:5])} changed since the redline commit; commit or stash "
            "your changes first, then undo.",
        )
    steps = tuple(_step(head, parent, p) for p in files)
    # Through a checkpoint, HEAD goes back to before it: the files keep the person's work (the
    # checkpoint's bytes), the index gets back what they had staged.
    target = below if below is not None else parent
    transaction = journal.Journal(
        "undo", steps, journal.current_ref(repo), sha, target.hexsha, secrets.token_hex(4)
    )
    try:
        journal.execute(repo, gitops.root_of(repo), transaction, {})
    except journal.ApplyFailed as exc:
        return _fail("head", f"the undo did not happen and nothing changed: {exc}")
    message = f"undid {sha[:10]} ({len(files)} file(s)); HEAD is now {target.hexsha[:10]}"
    if below is not None:
        saved = [d.b_path for d in below.diff(parent) if d.b_path]
        try:
            checkpoints.restage(repo, parent.hexsha, saved)
        except git.GitCommandError:
            pass  # the bytes are back; only what was staged is not
        named = ", ".join(saved[:3]) + (f" and {len(saved) - 3} more" if len(saved) > 3 else "")
        message += f"; your uncommitted changes to {named} are back as they were, uncommitted"
    return UndoResult(True, message, commit=sha, head=target.hexsha, files=tuple(files))


def _checkpoint_base(repo: git.Repo, commit: git.Commit) -> git.Commit | None:
    """``commit``'s parent when ``commit`` is redline's checkpoint that may be taken back too
    (not the first commit, not pushed); else None."""
    if _is_redline(commit) != "checkpoint" or not commit.parents:
        return None
    if repo.git.branch("-r", "--contains", commit.hexsha).strip():
        return None  # shared: only the redline commit on top is undone
    return commit.parents[0]


def _blob(commit: git.Commit, path: str) -> tuple[str | None, str]:
    try:
        entry = commit.tree / path
    except KeyError:
        return None, "100644"
    return entry.hexsha, f"{entry.mode:o}"


def _step(head: git.Commit, parent: git.Commit, path: str) -> journal.FileStep:
    """Undoing is applying in reverse: from HEAD's bytes back to its parent's."""
    before, before_mode = _blob(head, path)
    after, mode = _blob(parent, path)
    return journal.FileStep(path, before, after, mode, before_mode)


def session_diff(repo_root: Path | str, since_commit: str) -> str:
    """What changed since `since_commit` (the session's start): commits and working tree."""
    repo = gitops.open_repo(Path(repo_root))
    return str(repo.git.diff(since_commit, "--"))
