"""Race lanes in git worktrees: each lane edits its own tree; the chosen one lands; none are left."""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path

import pytest

from redline.agent.conversation import Conversation
from redline.agent.race import Race
from redline.backends.selection import open_backend
from redline.tools.lanes import LaneWorktrees, clean_stale, lanes_root


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _worktrees(repo: Path) -> list[str]:
    return [
        line.split(" ", 1)[1]
        for line in _git(repo, "worktree", "list", "--porcelain").splitlines()
        if line.startswith("worktree ")
    ]


def _commit_file(tree: Path, name: str, text: str) -> None:
    (tree / name).write_text(text)
    _git(tree, "add", name)
    _git(tree, "commit", "-q", "-m", f"lane writes {name}")


def test_the_chosen_lanes_commit_lands_and_every_worktree_goes(git_repo: Path):
    lanes = LaneWorktrees(git_repo)
    first, second = lanes.create(2)
    assert first.path.is_relative_to(lanes_root(git_repo)) and len(_worktrees(git_repo)) == 3
    _commit_file(first.path, "calc.py", "def add(a, b):\n    return a + b\n")
    _commit_file(second.path, "calc.py", "def add(a, b):\n    return b + a\n")  # would collide
    assert _git(git_repo, "status", "--porcelain") == ""  # the person's tree is untouched
    landed = lanes.land(second)
    lanes.remove()
    assert len(landed) == 1 and _git(git_repo, "rev-parse", "HEAD").strip() == landed[0]
    assert (git_repo / "calc.py").read_text() == "def add(a, b):\n    return b + a\n"
    assert _git(git_repo, "branch", "--show-current").strip() == "main"
    assert _worktrees(git_repo) == [str(git_repo.resolve())]
    assert not (lanes_root(git_repo) / lanes.race_id).exists()


def test_a_lane_that_no_longer_applies_changes_nothing(git_repo: Path):
    lanes = LaneWorktrees(git_repo)
    (tree,) = lanes.create(1)
    _commit_file(tree.path, "README.md", "# from the lane\n")
    _commit_file(git_repo, "README.md", "# the person's own change\n")
    head = _git(git_repo, "rev-parse", "HEAD")
    with pytest.raises(Exception, match="does not apply on your branch"):
        lanes.land(tree)
    lanes.remove()
    assert _git(git_repo, "rev-parse", "HEAD") == head
    assert (git_repo / "README.md").read_text() == "# the person's own change\n"
    assert _git(git_repo, "status", "--porcelain") == ""


def test_worktrees_left_by_a_crash_are_cleaned_at_start(git_repo: Path):
    crashed = LaneWorktrees(git_repo)
    crashed.create(3)
    _commit_file(crashed.trees[0].path, "half.py", "x = 1\n")
    del crashed  # the process died: nobody removed them
    assert len(_worktrees(git_repo)) == 4
    assert clean_stale(git_repo) == 3
    assert _worktrees(git_repo) == [str(git_repo.resolve())]
    assert not lanes_root(git_repo).exists()
    assert clean_stale(git_repo) == 0  # nothing left, nothing to do
    assert clean_stale(git_repo.parent) == 0  # not a repository: nothing of ours


def test_racing_lanes_edit_in_their_own_worktrees_and_the_kept_one_is_committed(git_repo: Path):
    (git_repo / "calc.py").write_text("def add(a, b):\n    return a + b\n")
    _git(git_repo, "add", "calc.py")
    _git(git_repo, "commit", "-q", "-m", "calc")
    context = "calc.py\n```python\n" + (git_repo / "calc.py").read_text() + "```\n"

    async def race() -> tuple[Race, list[str]]:
        backends = [
            await open_backend("sim:cerebras", None, None, None),
            await open_backend("sim:mercury", None, None, None),
        ]
        try:
            run = Race(
                backends,
                Conversation(),
                context_text=context,
                max_tokens=200,
                worktrees=LaneWorktrees(git_repo),
            )
            result = await run.run("add a comment to calc.py")
            assert all(lane.tree is not None and lane.commit for lane in result.lanes)
            assert _git(git_repo, "status", "--porcelain") == ""  # lanes never touched it
            landed = await run.keep(1)
            return run, landed
        finally:
            for backend in backends:
                await backend.aclose()

    run, landed = asyncio.run(race())
    assert len(landed) == 1
    message = _git(git_repo, "log", "-1", "--format=%B")
    assert "Redline-Provider: sim:mercury" in message
    assert "calc.py" in _git(git_repo, "show", "--name-only", "--format=", "HEAD")
    assert _worktrees(git_repo) == [str(git_repo.resolve())]
    assert run.lanes[0].tree is not None and not run.lanes[0].tree.path.exists()


def _scripted_race(repo: Path, replies: list[str], **kwargs: object) -> Race:
    from tests.helpers_race import ScriptedClient, scripted_backend

    backends = [
        scripted_backend(f"sim:lane{i}", "m", ScriptedClient([reply]))
        for i, reply in enumerate(replies)
    ]
    return Race(backends, Conversation(), worktrees=LaneWorktrees(repo), **kwargs)  # type: ignore[arg-type]


def test_a_lanes_edit_to_a_protected_path_is_refused_in_its_worktree(git_repo: Path):
    (git_repo / "deploy.key").write_text("TOKEN=mine\n")  # the person's protected_paths
    _git(git_repo, "add", "deploy.key")
    _git(git_repo, "commit", "-q", "-m", "key")
    reply = (
        "deploy.key\n```\n<<<<<<< SEARCH\nTOKEN=mine\n=======\nTOKEN=theirs\n>>>>>>> REPLACE\n```\n"
    )
    ok = "NOTES.md\n```\n<<<<<<< SEARCH\n=======\nnotes\n>>>>>>> REPLACE\n```\n"
    race = _scripted_race(git_repo, [reply, ok], protected=("*.key",))

    async def run() -> None:
        await race.run("edit")
        assert await race.keep(0) == []  # nothing to land from the refused lane

    asyncio.run(run())
    refused, fine = race.lanes
    assert refused.commit is None and refused.edit_error and "deploy.key" in refused.edit_error
    assert fine.commit is not None and fine.edit_error is None
    assert (git_repo / "deploy.key").read_text() == "TOKEN=mine\n"
    assert _worktrees(git_repo) == [str(git_repo.resolve())]


def test_outside_a_repository_the_lanes_run_without_worktrees(tmp_path: Path):
    reply = "just talk, no edits"
    race = _scripted_race(tmp_path, [reply, reply])
    result = asyncio.run(race.run("hello"))
    assert all(lane.tree is None and lane.finished_ok for lane in result.lanes)
    assert race.worktrees is None and race.worktree_error
