"""The read tools never show protected files (protected_paths, secret names) to the model
unless the person named them with @ (real git repos; the loopback simulator for the turn)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from redline.agent import Session
from redline.backends.sim import SimServer
from redline.tools.agent import Workspace, run_tool
from redline.tools.agent.protect import ReadGuard
from tests.helpers_edits import commit_all, make_repo
from tests.integration.test_agent_loop import opener

SECRET = "sk-fake-0123456789abcdef"


def _repo(tmp_path: Path) -> Path:
    repo = make_repo(
        tmp_path / "repo",
        {
            ".gitignore": ".env\n",
            ".env": f"API_KEY={SECRET}\n",
            ".env.local": f"OTHER={SECRET}\n",
            ".redline.toml": f'# {SECRET}\nprotected_paths = ["deploy/"]\n',
            "deploy/prod.cfg": f"token={SECRET}\n",
            "id_rsa": f"{SECRET}\n",
            "app.py": "import os\nKEY = os.environ['API_KEY']\n",
        },
    )
    os.symlink(".env.local", repo / "settings.txt")
    commit_all(repo, "start")
    return repo


def _ws(repo: Path, *prompts: str) -> Workspace:
    return Workspace.open(repo, guard=ReadGuard.for_prompts(["deploy/"], prompts))


def test_read_file_refuses_protected_files_with_a_sentence(tmp_path: Path) -> None:
    ws = _ws(_repo(tmp_path))
    for path in (".env", ".env.local", ".redline.toml", "deploy/prod.cfg", "id_rsa", "./.env"):
        result = run_tool(ws, "read_file", json.dumps({"path": path}))
        assert not result.ok and SECRET not in result.output, path
        assert "is protected" in result.output and "mention it as @" in result.output
    linked = run_tool(ws, "read_file", json.dumps({"path": "settings.txt"}))
    assert not linked.ok and "a link to .env.local" in linked.output
    assert SECRET not in linked.output
    assert run_tool(ws, "read_file", json.dumps({"path": "app.py"})).ok


def test_list_files_and_search_leave_them_out_and_say_so(tmp_path: Path) -> None:
    ws = _ws(_repo(tmp_path))
    listed = run_tool(ws, "list_files", "{}")
    assert listed.ok
    names = listed.output.splitlines()
    assert "app.py" in names and "settings.txt" in names
    assert not {".env.local", ".redline.toml", "deploy/prod.cfg", "id_rsa"} & set(names)
    assert "protected file(s) not listed" in listed.output
    found = run_tool(ws, "search", json.dumps({"pattern": "sk-fake|API_KEY"}))
    assert found.ok and SECRET not in found.output
    assert "app.py:2:" in found.output and "protected file(s) not searched" in found.output
    direct = run_tool(ws, "search", json.dumps({"pattern": "sk", "path": ".env.local"}))
    assert not direct.ok and "is protected" in direct.output and SECRET not in direct.output


def test_a_file_the_person_named_with_at_may_be_read(tmp_path: Path) -> None:
    ws = _ws(_repo(tmp_path), "why does @.env.local not load?")
    result = run_tool(ws, "read_file", json.dumps({"path": ".env.local"}))
    assert result.ok and SECRET in result.output
    assert not run_tool(ws, "read_file", json.dumps({"path": ".env"})).ok  # not named


async def test_through_a_turn_no_secret_reaches_a_tool_output_or_a_request(
    tmp_path: Path,
) -> None:
    repo = _repo(tmp_path)
    async with SimServer(rate=20000, ttft_ms=0) as sim:
        session = Session(repo_root=repo, open_backend=opener(sim.base_url), approval="read-only")
        session.review.protected = (*session.review.protected, "deploy/")  # as from the config
        await session.open_backend(None, None, None)
        turn = await session.run_turn("tidy deploy/prod.cfg please")  # named, not with @
        await session.aclose()
    assert turn is not None and turn.steps and turn.steps[0].tool == "read_file"
    assert turn.steps[0].status == "error" and "is protected" in turn.steps[0].output
    assert session.turn_loop is not None
    for request in session.turn_loop.last_requests:
        assert all(SECRET not in m.content for m in request.messages)
    assert all(SECRET not in s.output for s in turn.steps)
