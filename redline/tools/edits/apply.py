"""Apply a reply's edits to a repository: plan in memory, `git apply --check`, then write and
commit through the journal (`journal.py`).

All or nothing: if any block fails, or git disagrees, no file changes and HEAD stays put; an
apply interrupted half way is finished or rolled back, then or at the next start.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import git

from redline.tools.edits import checkpoints, gitops, journal
from redline.tools.edits._commits import TreeBuilder
from redline.tools.edits.blocks import EditBlock
from redline.tools.edits.gitdiff import file_diff
from redline.tools.edits.parser import parse_edits
from redline.tools.edits.plan import BlockResult, Plan, plan_blocks
from redline.tools.edits.safety import DEFAULT_PROTECTED, protected_by


@dataclass(frozen=True, slots=True)
class FilePreview:
    """One file's change for a diff card: its diff text and +/- counts."""

    path: str
    status: str  # "added" | "modified" | "deleted"
    added: int
    removed: int
    diff: str
    overwrites: bool = False  # a move or rename lands on this existing (tracked, clean) file


@dataclass(frozen=True, slots=True)
class ApplyResult:
    """What `apply_reply` did. `edits` has one entry per block; `commit` is the new HEAD."""

    edits: tuple[BlockResult, ...]
    files: tuple[FilePreview, ...] = ()
    commit: str | None = None
    checkpoint: str | None = None
    error: str | None = None
    needs_init: bool = False
    diff: str = ""
    blocks: tuple[EditBlock, ...] = field(default=(), repr=False)
    recovered: str | None = None  # what became of an apply interrupted earlier

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_json(self) -> dict[str, Any]:
        """The `edits` / `commit` / `error` part of `redline exec --json` (DESIGN.md)."""
        return {
            "edits": [
                {
                    "path": r.path,
                    "status": r.status,
                    "added": r.added,
                    "removed": r.removed,
                    "error": r.error,
                }
                for r in self.edits
            ],
            "commit": self.commit,
            "checkpoint": self.checkpoint,
            "error": None
            if self.error is None
            else {"kind": "edit", "message": self.error, "retry_after_s": None},
        }


def _previews(plan: Plan) -> tuple[FilePreview, ...]:
    out = []
    for c in plan.changes:
        text, added, removed = file_diff(c)
        status = "added" if c.before is None else "deleted" if c.after is None else "modified"
        out.append(FilePreview(c.path, status, added, removed, text, c.path in plan.overwrites))
    return tuple(out)


def _refuse(plan: Plan, path: str, message: str) -> Plan:
    """`plan` failed with `message`; the blocks that touch `path` carry it."""
    results = tuple(
        replace(r, status="failed", added=0, removed=0, error=message) if r.path == path else r
        for r in plan.results
    )
    return replace(plan, results=results, error=message)


def _protect(plan: Plan, protected: Iterable[str]) -> Plan:
    """Refuse a plan that creates, changes, deletes or moves onto a protected file."""
    patterns = tuple(protected)
    for c in plan.changes:
        pattern = protected_by(c.path, patterns)
        if pattern is not None:
            return _refuse(
                plan,
                c.path,
                f"{c.path}: protected (protected_paths has {pattern!r}); redline never creates, "
                "changes, deletes or moves onto it: edit it yourself",
            )
    return plan


def _overwrites(repo: git.Repo, plan: Plan) -> Plan:
    """A move onto an existing file only when git can give that file back: tracked and clean."""
    for path in plan.overwrites:
        if not gitops.tracked(repo, path):
            state = "untracked"
        elif gitops.dirty(repo, [path]):
            state = "changed since the last commit"
        else:
            continue
        return _refuse(
            plan,
            path,
            f"{path}: the move would overwrite an existing file that is {state}, so it could not "
            "be given back; move it away or commit it first",
        )
    return plan


def plan_edits(
    repo_root: Path | str,
    reply: str | list[EditBlock],
    *,
    protected: Iterable[str] = DEFAULT_PROTECTED,
    requested_format: str | None = None,
) -> ApplyResult:
    """Preview without writing: per-file diffs and counts, and why any block would fail.

    `requested_format`: the edit format the turn asked for (see `parse_edits`)."""
    blocks = parse_edits(reply, requested_format) if isinstance(reply, str) else list(reply)
    plan = plan_blocks(Path(repo_root), blocks)
    if plan.ok:
        plan = _protect(plan, protected)
    previews = _previews(plan)
    return ApplyResult(
        edits=plan.results,
        files=previews,
        error=plan.error,
        diff="".join(f.diff for f in previews),
        blocks=tuple(blocks),
    )


def apply_reply(
    repo_root: Path | str,
    reply: str | list[EditBlock],
    *,
    provider: str = "",
    model: str = "",
    summary: str = "",
    check: bool = False,
    commit: bool = True,
    init: bool = False,
    require_edits: bool = True,
    protected: Iterable[str] = DEFAULT_PROTECTED,
    requested_format: str | None = None,
) -> ApplyResult:
    """Apply every edit in `reply` (text, or blocks already parsed while streaming).

    A reply without any edit block is an error (`redline apply` exits 4) unless
    `require_edits` is False (an answer that only talks is fine for `exec --apply`).
    `protected` are the `protected_paths` patterns no edit may touch.
    `requested_format`: the edit format the turn asked for (see `parse_edits`).
    """
    blocks = parse_edits(reply, requested_format) if isinstance(reply, str) else list(reply)
    if not blocks and not require_edits:
        return ApplyResult(())
    start = Path(repo_root)
    try:
        repo = gitops.open_repo(start, init=init)
    except gitops.NotARepository as exc:
        failed = tuple(BlockResult(b.index, b.path, "failed", 0, 0, str(exc)) for b in blocks)
        return ApplyResult(failed, error=str(exc), needs_init=True, blocks=tuple(blocks))
    recovered = journal.recover(gitops.root_of(repo))
    result = _apply(repo, blocks, provider, model, summary, check, commit, protected)
    return replace(result, recovered=recovered) if recovered else result


def _apply(
    repo: git.Repo,
    blocks: list[EditBlock],
    provider: str,
    model: str,
    summary: str,
    check: bool,
    commit: bool,
    protected: Iterable[str],
) -> ApplyResult:
    root = gitops.root_of(repo)
    plan = plan_blocks(root, blocks)
    if plan.ok:
        plan = _protect(plan, protected)
    if plan.ok:
        plan = _overwrites(repo, plan)
    previews = _previews(plan)
    patch = "".join(f.diff for f in previews)

    def fail(message: str) -> ApplyResult:
        return ApplyResult(plan.results, previews, error=message, diff=patch, blocks=tuple(blocks))

    if not plan.ok:
        return fail(plan.error or "the edits do not apply")
    paths = [c.path for c in plan.changes]
    bad = gitops.ignored(repo, paths)
    if bad:
        return fail(
            f"{bad[0]}: ignored by git (.gitignore); redline edits only files git can track"
        )
    if plan.changes:
        why = gitops.check_patch(repo, patch)
        if why is not None:
            return fail(f"git apply --check refused the edit: {why}")
    if check:
        return ApplyResult(plan.results, previews, diff=patch, blocks=tuple(blocks))
    return _write(repo, plan, previews, patch, provider, model, summary, commit)


def _write(
    repo: git.Repo,
    plan: Plan,
    previews: tuple[FilePreview, ...],
    patch: str,
    provider: str,
    model: str,
    summary: str,
    commit: bool,
) -> ApplyResult:
    checkpoint = None
    problem = gitops.identity_problem(repo) if commit and plan.changes else None
    if problem is not None:  # before any byte is written
        results = tuple(BlockResult(r.index, r.path, "failed", 0, 0, problem) for r in plan.results)
        return ApplyResult(results, previews, error=problem, diff=patch)
    try:
        steps, contents = _steps(repo, plan)
        transaction = journal.Journal("apply", steps, token=secrets.token_hex(4))
        if commit and steps:
            transaction, checkpoint = _commits(
                repo, transaction, plan, previews, provider, model, summary
            )
        if steps:
            journal.execute(repo, gitops.root_of(repo), transaction, contents)
    except (git.GitCommandError, journal.ApplyFailed, OSError) as exc:
        why = gitops.git_error(exc) if isinstance(exc, git.GitCommandError) else str(exc)
        results = tuple(BlockResult(r.index, r.path, "failed", 0, 0, why) for r in plan.results)
        return ApplyResult(results, previews, error=f"could not write the edit: {why}", diff=patch)
    if transaction.new is not None:
        journal.record_made(repo, transaction.new)
    applied = tuple(
        BlockResult(r.index, r.path, "applied", r.added, r.removed, None) for r in plan.results
    )
    return ApplyResult(
        applied,
        previews,
        commit=transaction.new,
        checkpoint=checkpoint,
        diff=patch,
        blocks=plan.blocks,
    )


def _steps(
    repo: git.Repo, plan: Plan
) -> tuple[tuple[journal.FileStep, ...], dict[str, bytes | None]]:
    """Each file's before and after bytes, stored as blobs first (a rollback reads them back)."""
    steps = []
    for c in plan.changes:
        before, after = journal.store_blob(repo, c.before), journal.store_blob(repo, c.after)
        steps.append(journal.FileStep(c.path, before, after, c.mode, c.mode))
    return tuple(steps), {c.path: c.after for c in plan.changes}


def _commits(
    repo: git.Repo,
    transaction: journal.Journal,
    plan: Plan,
    previews: tuple[FilePreview, ...],
    provider: str,
    model: str,
    summary: str,
) -> tuple[journal.Journal, str | None]:
    """The checkpoint of the person's uncommitted work in these files (if any) and the edit's
    commit, built as objects; HEAD moves to the last one when the files are written."""
    steps = {s.path: s for s in transaction.files}
    head = gitops.head_sha(repo)
    checkpoint = None
    builder = TreeBuilder(repo, head)
    try:
        parent = head
        user_work = [p for p in gitops.dirty(repo, list(steps)) if p in steps]
        if user_work:
            saved = {p: _entry(steps[p].before_mode, steps[p].before) for p in user_work}
            checkpoint = builder.commit(saved, checkpoint_message(user_work), parent)
            checkpoints.remember(repo, checkpoint, checkpoints.index_entries(repo, user_work))
            parent = checkpoint
        entries = {p: _entry(s.mode, s.after) for p, s in steps.items()}
        message = commit_message(previews, provider, model, summary)
        new = builder.commit(entries, message, parent)
    finally:
        builder.close()
    return replace(transaction, ref=journal.current_ref(repo), old=head, new=new), checkpoint


def _entry(mode: str, blob: str | None) -> tuple[str, str] | None:
    return None if blob is None else (mode, blob)


def commit_message(
    previews: tuple[FilePreview, ...], provider: str, model: str, summary: str
) -> str:
    """A redline commit: a title, one line per file, the trailers ``undo`` looks for."""
    title = " ".join(summary.split())[:72] if summary.strip() else ""
    if not title:
        names = ", ".join(p.path for p in previews[:3])
        more = f" and {len(previews) - 3} more" if len(previews) > 3 else ""
        title = f"redline: edit {names}{more}"
    body = "\n".join(f"{p.status[0].upper()} {p.path} (+{p.added} -{p.removed})" for p in previews)
    trailers = [f"{gitops.TRAILER}: yes"]
    if provider:
        trailers.append(f"{gitops.TRAILER}-Provider: {provider}")
    if model:
        trailers.append(f"{gitops.TRAILER}-Model: {model}")
    return f"{title}\n\n{body}\n\n" + "\n".join(trailers) + "\n"


def checkpoint_message(paths: list[str]) -> str:
    listed = "\n".join(f"  {p}" for p in paths)
    return (
        "redline: checkpoint of your uncommitted changes\n\n"
        "Saved before redline edited these files, so undoing the edit keeps your work:\n"
        f"{listed}\n\n{gitops.TRAILER}: checkpoint\n"
    )
