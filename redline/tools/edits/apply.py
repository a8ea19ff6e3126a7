"""Apply a reply's edits to a repository: plan in memory, `git apply --check`, apply, commit.

All or nothing: if any block fails, or git disagrees, no file changes and HEAD stays put.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import git

from redline.tools.edits import gitops
from redline.tools.edits.blocks import EditBlock
from redline.tools.edits.gitdiff import file_diff
from redline.tools.edits.parser import parse_edits
from redline.tools.edits.plan import BlockResult, FileChange, Plan, plan_blocks


@dataclass(frozen=True, slots=True)
class FilePreview:
    """One file's change for a diff card: its diff text and +/- counts."""

    path: str
    status: str  # "added" | "modified" | "deleted"
    added: int
    removed: int
    diff: str


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


def _previews(changes: tuple[FileChange, ...]) -> tuple[FilePreview, ...]:
    out = []
    for c in changes:
        text, added, removed = file_diff(c)
        status = "added" if c.before is None else "deleted" if c.after is None else "modified"
        out.append(FilePreview(c.path, status, added, removed, text))
    return tuple(out)


def plan_edits(
    repo_root: Path | str, reply: str | list[EditBlock], *, requested_format: str | None = None
) -> ApplyResult:
    """Preview without writing: per-file diffs and counts, and why any block would fail.

    `requested_format`: the edit format the turn asked for (see `parse_edits`)."""
    blocks = parse_edits(reply, requested_format) if isinstance(reply, str) else list(reply)
    plan = plan_blocks(Path(repo_root), blocks)
    previews = _previews(plan.changes)
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
    requested_format: str | None = None,
) -> ApplyResult:
    """Apply every edit in `reply` (text, or blocks already parsed while streaming).

    A reply without any edit block is an error (`redline apply` exits 4) unless
    `require_edits` is False (an answer that only talks is fine for `exec --apply`).
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
    root = gitops.root_of(repo)
    plan = plan_blocks(root, blocks)
    previews = _previews(plan.changes)
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
    return _write(repo, root, plan, previews, patch, provider, model, summary, commit)


def _write(
    repo: git.Repo,
    root: Path,
    plan: Plan,
    previews: tuple[FilePreview, ...],
    patch: str,
    provider: str,
    model: str,
    summary: str,
    commit: bool,
) -> ApplyResult:
    changes = plan.changes
    paths = [c.path for c in changes]
    snapshot = gitops.Snapshot(repo, root, {c.path: c.before for c in changes})
    checkpoint = None
    sha = None
    try:
        if commit and paths:
            user_work = gitops.dirty(repo, paths)
            if user_work:
                checkpoint = gitops.commit(repo, user_work, checkpoint_message(user_work))
        if changes:
            gitops.apply_patch(repo, patch)
            for c in changes:
                full = root / c.path
                got = full.read_bytes() if full.is_file() else None
                if got != c.after:
                    raise RuntimeError(f"{c.path}: git wrote different bytes than planned")
        if commit and paths:
            sha = gitops.commit(repo, paths, commit_message(previews, provider, model, summary))
    except (git.GitCommandError, RuntimeError, OSError) as exc:
        snapshot.restore()
        why = gitops._git_error(exc) if isinstance(exc, git.GitCommandError) else str(exc)
        results = tuple(BlockResult(r.index, r.path, "failed", 0, 0, why) for r in plan.results)
        return ApplyResult(results, previews, error=f"could not write the edit: {why}", diff=patch)
    applied = tuple(
        BlockResult(r.index, r.path, "applied", r.added, r.removed, None) for r in plan.results
    )
    return ApplyResult(
        applied, previews, commit=sha, checkpoint=checkpoint, diff=patch, blocks=plan.blocks
    )


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
