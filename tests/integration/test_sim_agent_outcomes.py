"""The simulator's agent answers from its tools' results: a denied edit or command is not
claimed as done (over loopback, through the real turn engine)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from redline.agent import AgentMessage, ApprovalRequested, Session
from redline.backends.sim import SimServer
from redline.tools.shell import RememberedPrefixes, ShellTool
from tests.helpers_edits import commit_all, make_repo
from tests.integration.test_agent_loop import APP, opener


async def _answer(tmp_path: Path, prompt: str, answers: dict[str, bool], wire: str) -> str:
    repo = make_repo(tmp_path / "repo", {"app.py": APP})
    commit_all(repo, "start")
    shell = ShellTool(repo, remembered=RememberedPrefixes(repo, tmp_path / "approvals.json"))

    def emit(message: AgentMessage) -> None:
        if isinstance(message, ApprovalRequested):
            answer = answers[message.request.tool]
            asyncio.get_running_loop().call_soon(message.future.set_result, answer)

    async with SimServer(rate=20000, ttft_ms=0) as sim:
        session = Session(repo_root=repo, open_backend=opener(sim.base_url, wire), shell=shell)
        await session.open_backend(None, None, None)
        turn = await session.run_turn(prompt, emit)
        await session.aclose()
    assert turn is not None and turn.finished, turn and turn.error
    assert (repo / "app.py").read_text() == APP or answers["apply_patch"]
    return turn.text


@pytest.mark.parametrize("wire", ["chat", "responses"])
async def test_a_denied_edit_is_said_not_made(tmp_path: Path, wire: str) -> None:
    text = await _answer(tmp_path, "tidy @app.py", {"apply_patch": False}, wire)
    assert "You declined the edit, so I did not change `app.py`." in text
    assert "I added the comment" not in text and "- `apply_patch` (denied)" in text


async def test_a_command_denied_or_run_is_reported_as_it_went(tmp_path: Path) -> None:
    denied = await _answer(
        tmp_path / "a", "tidy @app.py, run `exit 3`", {"apply_patch": True, "shell": False}, "chat"
    )
    assert "I added the comment" in denied
    assert "You declined the command, so I did not run it." in denied
    ran = await _answer(
        tmp_path / "b", "tidy @app.py, run `exit 3`", {"apply_patch": True, "shell": True}, "chat"
    )
    assert "I ran the command: exit 3." in ran
