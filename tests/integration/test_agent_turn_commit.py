"""One agent turn = one commit: its patches and what its commands changed, undone as one, and
never what the person changed meanwhile (real git repos, real bwrap, the loopback simulator)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from redline.agent import AgentMessage, ApprovalRequested, Session, TurnFinished
from redline.backends.sim import SimServer
from redline.tools.edits.undo import undo_last
from redline.tools.shell import RememberedPrefixes, ShellTool
from tests.helpers_edits import commit_all, git, make_repo
from tests.integration.test_agent_loop import APP, opener

# A formatter-like rewrite of the file the model just patched, a generated file, a deletion,
# an append to the person's untracked notes and an ignored log.
COMMAND = (
    "sed -i 's/total/summed/' app.py && mkdir -p gen && echo x > gen/new.py && rm old.py"
    " && echo more >> notes.txt && echo l > run.log"
)


def _repo(tmp_path: Path) -> Path:
    repo = make_repo(
        tmp_path / "repo",
        {"app.py": APP, "old.py": "old = 1\n", "other.py": "o = 1\n", ".gitignore": "*.log\n"},
    )
    commit_all(repo, "start")
    (repo / "notes.txt").write_text("mine, untracked\n")
    return repo


async def _turn(
    repo: Path, tmp_path: Path, prompt: str, on_ask: Callable[[ApprovalRequested], None]
) -> Session:
    shell = ShellTool(repo, remembered=RememberedPrefixes(repo, tmp_path / "approvals.json"))

    def emit(message: AgentMessage) -> None:
        if isinstance(message, ApprovalRequested):
            on_ask(message)
            asyncio.get_running_loop().call_soon(message.future.set_result, True)
        elif isinstance(message, TurnFinished):
            assert message.turn.finished, message.turn.error

    async with SimServer(rate=20000, ttft_ms=0) as sim:
        session = Session(repo_root=repo, open_backend=opener(sim.base_url), shell=shell)
        await session.open_backend(None, None, None)
        await session.run_turn(prompt, emit)
        await session.aclose()
    return session


def _files(repo: Path, rev: str = "HEAD") -> list[str]:
    return git(repo, "show", "--name-only", "--format=", rev).split()


async def test_a_patch_and_a_commands_changes_are_one_commit_and_undo_takes_all_back(
    tmp_path: Path,
) -> None:
    repo = _repo(tmp_path)
    before = git(repo, "rev-parse", "HEAD").strip()
    session = await _turn(repo, tmp_path, f"tidy @app.py then run `{COMMAND}`", lambda _: None)
    turn = session.conversation.turns[-1]
    assert [s.tool for s in turn.steps] == ["read_file", "search", "apply_patch", "shell"]
    assert [s.status for s in turn.steps] == ["ok"] * 4, turn.steps[-1].output
    assert turn.commit == git(repo, "rev-parse", "HEAD").strip()
    assert git(repo, "rev-parse", "HEAD~1").strip() == before  # one commit, no checkpoint
    assert sorted(_files(repo)) == ["app.py", "gen/new.py", "old.py"]
    committed = git(repo, "show", "HEAD:app.py")
    assert "redline simulator" in committed and "summed" in committed  # patch and sed both
    assert git(repo, "status", "--porcelain", "--", "app.py", "gen", "old.py") == ""
    undone = undo_last(repo)
    assert undone.ok, undone.message
    assert (repo / "app.py").read_text() == APP and (repo / "old.py").exists()
    assert not (repo / "gen" / "new.py").exists()
    # never a file that existed before the turn, nor an ignored one
    assert (repo / "notes.txt").read_text() == "mine, untracked\nmore\n"
    assert (repo / "run.log").exists()


async def test_what_the_person_changes_during_the_turn_stays_theirs_uncommitted(
    tmp_path: Path,
) -> None:
    repo = _repo(tmp_path)

    def person(asked: ApprovalRequested) -> None:
        if asked.request.tool == "apply_patch":  # while the edit waits for a yes
            (repo / "other.py").write_text("o = 'mine'\n")
            (repo / "draft.py").write_text("draft = 1\n")
        else:  # after the patch applied, before the command runs: the same file
            with (repo / "app.py").open("a") as fh:
                fh.write("# my own note\n")

    session = await _turn(repo, tmp_path, "tidy @app.py then run `echo gen > gen.txt`", person)
    turn = session.conversation.turns[-1]
    assert [s.status for s in turn.steps] == ["ok"] * 4
    assert sorted(_files(repo)) == ["app.py", "gen.txt"]
    committed = git(repo, "show", "HEAD:app.py")
    assert "redline simulator" in committed and "my own note" not in committed
    # the person's edits are in the working tree, uncommitted
    assert (repo / "app.py").read_text() == committed + "# my own note\n"
    assert (repo / "other.py").read_text() == "o = 'mine'\n"
    status = git(repo, "status", "--porcelain").splitlines()
    assert " M app.py" in status and " M other.py" in status and "?? draft.py" in status
    # undo will not take the turn back over the person's newer edit of app.py
    refused = undo_last(repo)
    assert not refused.ok and refused.rule == "changed"


async def test_the_persons_earlier_uncommitted_work_is_checkpointed_before_the_turn(
    tmp_path: Path,
) -> None:
    repo = _repo(tmp_path)
    start = git(repo, "rev-parse", "HEAD").strip()
    (repo / "old.py").write_text("old = 'mine'\n")  # before the turn: the command deletes it
    git(repo, "add", "old.py")  # and staged
    session = await _turn(repo, tmp_path, f"tidy @app.py then run `{COMMAND}`", lambda _: None)
    turn = session.conversation.turns[-1]
    assert turn.commit is not None
    assert git(repo, "log", "-1", "--format=%B", "HEAD~1").rstrip().endswith("Redline: checkpoint")
    assert git(repo, "show", "HEAD~1:old.py") == "old = 'mine'\n"
    assert undo_last(repo).ok
    assert (repo / "old.py").read_text() == "old = 'mine'\n"
    # through the checkpoint: back to before the turn, the person's work uncommitted and staged
    assert git(repo, "rev-parse", "HEAD").strip() == start
    assert git(repo, "diff", "--cached", "--name-only").split() == ["old.py"]
