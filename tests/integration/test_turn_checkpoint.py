"""A turn's checkpoint: edits and what commands changed are one commit that undo takes back whole."""

from __future__ import annotations

import os
from pathlib import Path

from redline.tools.edits.turn import begin_turn, commit_turn, turn_changes, turn_message
from redline.tools.edits.undo import undo_last
from redline.tools.shell import ShellArgs, ShellTool
from tests.helpers_edits import commit_all, git, make_repo


def _repo(tmp_path: Path) -> Path:
    repo = make_repo(
        tmp_path / "repo", {"a.py": "a = 1\n", "b.py": "b = 1\n", ".gitignore": "*.log\n"}
    )
    commit_all(repo, "start")
    (repo / "notes.txt").write_text("mine, untracked\n")  # existed before the turn
    (repo / "old.log").write_text("ignored\n")
    return repo


async def test_commands_and_edits_are_one_commit_and_undo_takes_all_back(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    start = begin_turn(repo)
    (repo / "a.py").write_text("a = 2\n")  # an edit
    tool = ShellTool(repo, environ=dict(os.environ))
    result = await tool.run(
        ShellArgs(
            "mkdir -p gen && echo x > gen/new.py && rm b.py && echo more >> notes.txt && echo l > run.log"
        )
    )
    assert result.exit_code == 0, result.output
    changes = turn_changes(start)
    assert changes.files == ("a.py", "b.py", "gen/new.py") and changes.created == ("gen/new.py",)
    done = commit_turn(start, turn_message("fix a", changes.files, "sim", "m"))
    assert done.commit and done.checkpoint is None
    assert git(repo, "log", "-1", "--format=%s") == "fix a\n"
    undone = undo_last(repo)
    assert undone.ok, undone.message
    assert (repo / "a.py").read_text() == "a = 1\n" and (repo / "b.py").read_text() == "b = 1\n"
    assert not (repo / "gen" / "new.py").exists()
    # never a file that existed before the turn, nor an ignored one
    assert (repo / "notes.txt").read_text() == "mine, untracked\nmore\n"
    assert (repo / "old.log").exists() and (repo / "run.log").exists()


def test_the_persons_uncommitted_work_is_checkpointed_first(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    (repo / "a.py").write_text("a = 'mine'\n")
    (repo / "b.py").write_text("b = 'mine too'\n")
    start = begin_turn(repo)
    (repo / "a.py").write_text("a = 'turn'\n")
    done = commit_turn(start, turn_message("", ("a.py",)))
    assert done.checkpoint and done.commit and done.changes.were_dirty == ("a.py",)
    assert git(repo, "show", "HEAD~1:a.py") == "a = 'mine'\n"
    assert undo_last(repo).ok
    assert (repo / "a.py").read_text() == "a = 'mine'\n"
    assert (repo / "b.py").read_text() == "b = 'mine too'\n"  # untouched, still uncommitted
    assert git(repo, "status", "--porcelain", "b.py").startswith(" M")


def test_a_turn_that_changed_nothing_commits_nothing(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    head = git(repo, "rev-parse", "HEAD")
    done = commit_turn(begin_turn(repo), turn_message("", ()))
    assert done.commit is None and git(repo, "rev-parse", "HEAD") == head


def test_staged_work_elsewhere_stays_staged(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    (repo / "b.py").write_text("b = 'staged'\n")
    git(repo, "add", "b.py")
    start = begin_turn(repo)
    (repo / "a.py").write_text("a = 3\n")
    commit_turn(start, turn_message("", ("a.py",)))
    assert git(repo, "diff", "--cached", "--name-only").split() == ["b.py"]
    assert "b.py" not in git(repo, "show", "--name-only", "HEAD")
