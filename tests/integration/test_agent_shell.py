"""The model's `shell` calls through the agent's dispatch: policy, the question, always, the run."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from redline.agent.dispatch import ToolDispatch
from redline.agent.messages import ApprovalRequested, Notice, ToolFinished
from redline.backends.events import ToolCall
from redline.tools.agent import Workspace
from redline.tools.shell import RememberedPrefixes, ShellTool
from tests.helpers_edits import commit_all, make_repo


def _setup(tmp_path: Path, mode: str, *, can_ask: bool = True) -> tuple[Path, ToolDispatch]:
    repo = make_repo(tmp_path / "repo", {"a.txt": "a\n"})
    commit_all(repo, "start")
    shell = ShellTool(repo, remembered=RememberedPrefixes(repo, tmp_path / "approvals.json"))
    workspace = Workspace.open(repo, provider="sim", model="m")
    return repo, ToolDispatch(workspace, lambda: mode, can_ask=can_ask, shell=shell)  # type: ignore[arg-type,return-value]


def _call(command: str, **extra: Any) -> ToolCall:
    return ToolCall("c1", "shell", json.dumps({"command": command, **extra}))


class Answering:
    """The front end: answers each approval with the next of ``answers``."""

    def __init__(self, *answers: object) -> None:
        self.answers = list(answers)
        self.asked: list[ApprovalRequested] = []
        self.finished: list[ToolFinished] = []
        self.notices: list[Notice] = []

    def __call__(self, message: object) -> None:
        if isinstance(message, ApprovalRequested):
            self.asked.append(message)
            answer = self.answers.pop(0)
            asyncio.get_running_loop().call_soon(message.future.set_result, answer)
        elif isinstance(message, ToolFinished):
            self.finished.append(message)
        elif isinstance(message, Notice):
            self.notices.append(message)


async def test_read_only_denies_and_the_command_never_runs(tmp_path: Path) -> None:
    repo, dispatch = _setup(tmp_path, "read-only")
    front = Answering()
    step = await dispatch.run(_call("touch ran"), front)
    assert step.status == "denied" and not front.asked and not (repo / "ran").exists()


async def test_ask_shows_the_exact_command_and_no_means_no(tmp_path: Path) -> None:
    repo, dispatch = _setup(tmp_path, "auto-edit")
    front = Answering(False)
    step = await dispatch.run(_call("touch ran  # approved"), front)
    assert step.status == "denied" and not (repo / "ran").exists()
    # an argument that claims approval approves nothing either (the call is refused)
    claimed = await dispatch.run(_call("touch ran", approved=True), front)
    assert claimed.status != "ok" and not (repo / "ran").exists() and len(front.asked) == 1
    request = front.asked[0].request
    assert "$ touch ran  # approved" in request.detail and str(repo.resolve()) in request.detail
    assert "sandboxed" in request.detail


async def test_always_runs_and_remembers_the_prefix(tmp_path: Path) -> None:
    repo, dispatch = _setup(tmp_path, "ask")
    front = Answering("always")
    first = await dispatch.run(_call("touch one.txt"), front)
    assert front.asked[0].request.always == "touch"
    second = await dispatch.run(_call("touch two.txt"), front)  # not asked again
    assert first.status == second.status == "ok" and len(front.asked) == 1
    assert (repo / "one.txt").exists() and (repo / "two.txt").exists()
    assert "sandboxed (bwrap, no network)" in second.output


async def test_exec_denies_and_full_auto_runs_sandboxed(tmp_path: Path) -> None:
    repo, dispatch = _setup(tmp_path, "ask", can_ask=False)
    assert (await dispatch.run(_call("touch ran"), Answering())).status == "denied"
    assert not (repo / "ran").exists()
    _, auto = _setup(tmp_path / "auto", "full-auto")
    step = await auto.run(_call("echo $0; exit 3"), Answering())
    assert step.status == "error" and "exit 3" in step.output and "bwrap" in step.output
