"""Undo through a checkpoint: the person's work in progress comes back uncommitted, as it was.

redline commits uncommitted changes in a file it is about to edit as a checkpoint first; undoing
the redline commit on top of it must also take the checkpoint back, leaving the files, the index
and HEAD as the person had them (staged stays staged, unstaged stays unstaged)."""

from __future__ import annotations

from pathlib import Path

from tests.helpers_edits import git, make_repo

REPLY = "a.txt\n```\n<<<<<<< SEARCH\none\n=======\nONE\n>>>>>>> REPLACE\n```\n"


def _status(repo: Path) -> str:
    return git(repo, "status", "--porcelain").strip("\n")


def test_undo_gives_unstaged_work_back_uncommitted(tmp_path: Path, run_redline) -> None:
    repo = make_repo(tmp_path / "repo", {"a.txt": "one\ntwo\n"})
    start = git(repo, "rev-parse", "HEAD").strip()
    (repo / "a.txt").write_text("one\ntwo\nmine\n")
    applied = run_redline("apply", "-", cwd=repo, input=REPLY)
    assert applied.returncode == 0, applied.stderr
    assert "checkpoint" in applied.stdout
    undone = run_redline("undo", cwd=repo)
    assert undone.returncode == 0, undone.stderr
    assert git(repo, "rev-parse", "HEAD").strip() == start
    assert (repo / "a.txt").read_text() == "one\ntwo\nmine\n"
    assert _status(repo) == " M a.txt"
    assert "uncommitted" in undone.stdout + undone.stderr


def test_undo_keeps_staged_work_staged(tmp_path: Path, run_redline) -> None:
    repo = make_repo(tmp_path / "repo", {"a.txt": "one\ntwo\n", "b.txt": "bee\n"})
    start = git(repo, "rev-parse", "HEAD").strip()
    (repo / "a.txt").write_text("one\ntwo\nstaged\n")
    git(repo, "add", "a.txt")
    (repo / "a.txt").write_text("one\ntwo\nstaged\nand more\n")
    (repo / "b.txt").write_text("bee\nstaged too\n")
    git(repo, "add", "b.txt")  # staged work in a file redline does not touch stays put
    assert run_redline("apply", "-", cwd=repo, input=REPLY).returncode == 0
    assert run_redline("undo", cwd=repo).returncode == 0
    assert git(repo, "rev-parse", "HEAD").strip() == start
    assert (repo / "a.txt").read_text() == "one\ntwo\nstaged\nand more\n"
    assert git(repo, "show", ":a.txt") == "one\ntwo\nstaged\n"
    assert git(repo, "show", ":b.txt") == "bee\nstaged too\n"
    assert _status(repo) == "MM a.txt\nM  b.txt"


def test_undo_of_an_agent_turn_gives_the_work_back(tmp_path: Path, run_redline) -> None:
    from redline.tools.agent.turn_edits import TurnEdits

    repo = make_repo(tmp_path / "repo", {"a.txt": "one\ntwo\n"})
    start = git(repo, "rev-parse", "HEAD").strip()
    (repo / "a.txt").write_text("one\ntwo\nmine\n")
    edits = TurnEdits(repo, provider="sim", model="m")
    patch = "*** Begin Patch\n*** Update File: a.txt\n@@\n-one\n+ONE\n*** End Patch\n"
    assert edits.apply(patch).ok
    assert edits.commit("shout") is not None
    undone = run_redline("undo", cwd=repo)
    assert undone.returncode == 0, undone.stderr
    assert git(repo, "rev-parse", "HEAD").strip() == start
    assert (repo / "a.txt").read_text() == "one\ntwo\nmine\n"
    assert _status(repo) == " M a.txt"


def test_a_plain_undo_without_checkpoint_is_unchanged(tmp_path: Path, run_redline) -> None:
    repo = make_repo(tmp_path / "repo", {"a.txt": "one\ntwo\n"})
    start = git(repo, "rev-parse", "HEAD").strip()
    assert run_redline("apply", "-", cwd=repo, input=REPLY).returncode == 0
    assert run_redline("undo", cwd=repo).returncode == 0
    assert git(repo, "rev-parse", "HEAD").strip() == start
    assert _status(repo) == ""
