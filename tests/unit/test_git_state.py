from __future__ import annotations

import subprocess
from pathlib import Path

from redline.tui.git_state import GitState, parse_porcelain, read_git_state


def test_clean_and_dirty_repository(git_repo: Path):
    assert read_git_state(git_repo) == GitState("main", dirty=False, changed=0)
    (git_repo / "README.md").write_text("changed\n")
    (git_repo / "new.txt").write_text("new\n")
    assert read_git_state(git_repo) == GitState("main", dirty=True, changed=2)


def test_not_a_repository(tmp_path: Path):
    assert read_git_state(tmp_path).branch is None


def test_branch_names_from_porcelain():
    assert parse_porcelain("## feature/x...origin/feature/x [ahead 1]\n").branch == "feature/x"
    assert parse_porcelain("## No commits yet on main\n").branch == "main"
    assert parse_porcelain("## HEAD (no branch)\n M a.py\n") == GitState("detached", True, 1)


def test_detached_head_in_a_real_repo(git_repo: Path):
    subprocess.run(["git", "-C", str(git_repo), "checkout", "-q", "--detach"], check=True)
    assert read_git_state(git_repo).branch == "detached"
