"""One turn's edits through ``apply_patch``: written as they come, committed once at the end.

``plan`` previews a patch (for an approval card), ``apply`` writes it to the working tree
without committing (your uncommitted work in those files is checkpointed first, as ``redline
apply`` does), and ``commit`` makes every edit of the turn one commit that ``redline undo``
takes back. Same safety rules as every other edit.
"""

from __future__ import annotations

from pathlib import Path

import git

from redline.tools.agent.apply_patch import PatchRefused, patch_blocks
from redline.tools.agent.result import ToolResult
from redline.tools.edits import ApplyResult, FilePreview, apply_reply, checkpoints, gitops
from redline.tools.edits.apply import checkpoint_message, commit_message
from redline.tools.edits.safety import DEFAULT_PROTECTED


class TurnEdits:
    """The edits of one turn, written as they come and committed once at the end."""

    def __init__(
        self,
        root: Path | str,
        *,
        provider: str = "",
        model: str = "",
        checkpoint: bool = True,
        protected: tuple[str, ...] = DEFAULT_PROTECTED,
    ) -> None:
        self.root = Path(root)
        self.provider = provider
        self.model = model
        # False when the caller checkpoints the whole turn itself (redline.tools.edits.turn).
        self.checkpoint = checkpoint
        self.protected = protected  # protected_paths: no patch touches them
        self._stats: dict[str, FilePreview] = {}
        self.checkpoints: list[str] = []

    @property
    def touched(self) -> tuple[str, ...]:
        """Repository paths this turn changed, in the order it first changed them."""
        return tuple(self._stats)

    def plan(self, patch: str) -> ApplyResult:
        """What ``patch`` would do, checked like a write (``git apply --check``), nothing written."""
        try:
            blocks = patch_blocks(patch)
        except PatchRefused as exc:
            return ApplyResult((), error=str(exc))
        return apply_reply(self.root, blocks, check=True, protected=self.protected)

    def apply(self, patch: str) -> ToolResult:
        """Write ``patch`` to the working tree (all or nothing); not committed yet."""
        try:
            blocks = patch_blocks(patch)
        except PatchRefused as exc:
            return ToolResult.failure(str(exc))
        check = apply_reply(self.root, blocks, check=True, protected=self.protected)
        if not check.ok:
            return ToolResult.failure(check.error or "the patch does not apply", check.files)
        try:
            problem = gitops.identity_problem(gitops.open_repo(self.root))
        except gitops.NotARepository as exc:
            return ToolResult.failure(str(exc))
        if problem is not None:  # the turn could never be committed: write nothing
            return ToolResult.failure(problem)
        if self.checkpoint:
            try:
                repo = gitops.open_repo(self.root)
                paths = [f.path for f in check.files]
                yours = [p for p in gitops.dirty(repo, paths) if p not in self._stats]
                if yours:
                    staged = checkpoints.index_entries(repo, yours)  # before git add takes it
                    sha = gitops.commit(repo, yours, checkpoint_message(yours))
                    checkpoints.remember(repo, sha, staged)
                    self.checkpoints.append(sha)
            except (gitops.NotARepository, OSError, git.GitCommandError) as exc:
                why = gitops.git_error(exc) if isinstance(exc, git.GitCommandError) else exc
                return ToolResult.failure(f"could not save your uncommitted work first: {why}")
        done = apply_reply(self.root, blocks, commit=False, protected=self.protected)
        if not done.ok:
            return ToolResult.failure(done.error or "the patch did not apply", done.files)
        for f in done.files:
            self._count(f)
        lines = [f"{f.status[0].upper()} {f.path} (+{f.added} -{f.removed})" for f in done.files]
        return ToolResult.success("Applied:\n" + "\n".join(lines) + "\n", done.files)

    def _count(self, f: FilePreview) -> None:
        seen = self._stats.get(f.path)
        if seen is None:
            self._stats[f.path] = FilePreview(f.path, f.status, f.added, f.removed, "")
            return
        status = seen.status if seen.status == "added" and f.status != "deleted" else f.status
        self._stats[f.path] = FilePreview(
            f.path, status, seen.added + f.added, seen.removed + f.removed, ""
        )

    def commit(self, summary: str = "") -> str | None:
        """One commit of every file this turn changed (None when nothing is left to commit)."""
        if not self._stats:
            return None
        repo = gitops.open_repo(self.root)
        changed = set(gitops.dirty(repo, list(self._stats)))
        files = tuple(f for p, f in self._stats.items() if p in changed)
        if not files:
            return None
        message = commit_message(files, self.provider, self.model, summary)
        sha = gitops.commit(repo, [f.path for f in files], message)
        self._stats.clear()
        return sha
