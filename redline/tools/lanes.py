"""Race lanes in their own git worktrees, so lanes' edits and commands cannot collide.

Each lane gets a detached worktree at HEAD under ``.git/redline-lanes/<race>/<lane>`` (inside the
git directory: never in the person's tree, never committed). The chosen lane's commits are
cherry-picked onto the branch; every lane worktree is then removed. A crash leaves them behind, so
``clean_stale`` removes any that are left when redline starts.
"""

from __future__ import annotations

import secrets
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

LANES_DIR = "redline-lanes"
GIT_TIMEOUT_S = 60


class LaneError(Exception):
    """A git step of a lane failed; the message says which and what to do."""


def _git(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    try:
        done = subprocess.run(
            ["git", *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=GIT_TIMEOUT_S,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise LaneError(f"git {args[0]} could not run: {exc}") from None
    if check and done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise LaneError(f"git {args[0]} failed: {detail[-1] if detail else done.returncode}")
    return done


def lanes_root(repo_root: Path) -> Path:
    common = _git(repo_root, "rev-parse", "--git-common-dir").stdout.strip()
    path = Path(common)
    return (path if path.is_absolute() else repo_root / path).resolve() / LANES_DIR


@dataclass(slots=True, frozen=True)
class LaneTree:
    """One lane's worktree and the commit it started from."""

    path: Path
    base: str

    def head(self) -> str:
        return _git(self.path, "rev-parse", "HEAD").stdout.strip()

    def commits(self) -> list[str]:
        """The lane's own commits, oldest first."""
        out = _git(self.path, "rev-list", "--reverse", f"{self.base}..HEAD").stdout
        return out.split()


class LaneWorktrees:
    """The worktrees of one race: ``create`` them, ``land`` the chosen one, ``remove`` all."""

    def __init__(self, repo_root: Path, race_id: str | None = None) -> None:
        self.repo_root = repo_root
        self.race_id = race_id or secrets.token_hex(4)
        self.trees: list[LaneTree] = []

    def create(self, count: int) -> list[LaneTree]:
        base = _git(self.repo_root, "rev-parse", "HEAD").stdout.strip()
        parent = lanes_root(self.repo_root) / self.race_id
        parent.mkdir(parents=True, exist_ok=True)
        try:
            for index in range(count):
                path = parent / str(index)
                _git(self.repo_root, "worktree", "add", "--detach", str(path), base)
                self.trees.append(LaneTree(path, base))
        except LaneError:
            self.remove()
            raise
        return list(self.trees)

    def land(self, tree: LaneTree) -> list[str]:
        """Bring the lane's commits onto the current branch (cherry-picked); their new shas."""
        commits = tree.commits()
        if not commits:
            return []
        before = _git(self.repo_root, "rev-parse", "HEAD").stdout.strip()
        picked = _git(self.repo_root, "cherry-pick", "--allow-empty", *commits, check=False)
        if picked.returncode != 0:
            _git(self.repo_root, "cherry-pick", "--abort", check=False)  # back to `before`
            raise LaneError(
                "the chosen lane's commit does not apply on your branch (it changed since the "
                "race began, or uncommitted work is in the way); nothing was changed"
            )
        out = _git(self.repo_root, "rev-list", "--reverse", f"{before}..HEAD").stdout
        return out.split()

    def remove(self) -> None:
        """Remove every worktree of this race (and its folder), whatever state they are in."""
        for tree in self.trees:
            _git(self.repo_root, "worktree", "remove", "--force", str(tree.path), check=False)
        self.trees.clear()
        parent = lanes_root(self.repo_root) / self.race_id
        shutil.rmtree(parent, ignore_errors=True)
        _git(self.repo_root, "worktree", "prune", check=False)


def clean_stale(repo_root: Path) -> int:
    """Remove lane worktrees a crashed redline left behind; how many were removed."""
    try:
        root = lanes_root(repo_root)
        listing = _git(repo_root, "worktree", "list", "--porcelain").stdout
    except LaneError:
        return 0  # not a repository, or git is missing: nothing of ours to clean
    removed = 0
    for line in listing.splitlines():
        if not line.startswith("worktree "):
            continue
        path = Path(line.removeprefix("worktree ")).resolve()
        if path.is_relative_to(root):
            _git(repo_root, "worktree", "remove", "--force", str(path), check=False)
            removed += 1
    shutil.rmtree(root, ignore_errors=True)
    _git(repo_root, "worktree", "prune", check=False)
    return removed
