"""The multi-step turn over real loopback sockets, on both wires: tools, approvals, steering,
interrupting mid-tool, switching backend mid-task, and the fallback when tools are refused."""

from __future__ import annotations

import asyncio
import itertools
from pathlib import Path

import pytest

from redline.agent import (
    AgentMessage,
    ApprovalRequested,
    Notice,
    Session,
    SteeringSent,
    ToolFinished,
    TurnFinished,
)
from redline.backends.client import StreamClient
from redline.backends.presets import ProviderPreset
from redline.backends.selection import Backend
from redline.backends.sim import SimServer
from tests.helpers_client import LoopbackServer, chat_chunk, json_reply, sse_reply
from tests.helpers_edits import git, make_repo

APP = "def total(xs):\n    return sum(xs)\n\n\ndef mean(xs):\n    return total(xs) / len(xs)\n"


def opener(url: str, wire: str = "chat"):
    async def open_backend(provider: str | None, model: str | None, base_url: str | None):
        name = provider or f"sim-{wire}"
        preset = ProviderPreset(name, url, None, wire=wire)  # type: ignore[arg-type]
        return Backend(name, preset, model or "sim-agent", StreamClient(preset), "a test")

    return open_backend


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "repo", {"app.py": APP})


async def session_on(url: str, repo: Path, wire: str = "chat", **kw: object) -> Session:
    session = Session(repo_root=repo, open_backend=opener(url, wire), **kw)  # type: ignore[arg-type]
    await session.open_backend(None, None, None)
    return session


def head(repo: Path) -> str:
    return git(repo, "rev-parse", "HEAD").strip()


class TestSteps:
    @pytest.mark.parametrize("wire", ["chat", "responses"])
    async def test_read_search_edit_answer_in_one_commit(self, repo: Path, wire: str):
        before = head(repo)
        async with SimServer(rate=20000, ttft_ms=0) as sim:
            session = await session_on(sim.base_url, repo, wire, approval="auto-edit")
            got: list[AgentMessage] = []
            turn = await session.run_turn("tidy @app.py", got.append)
            await session.aclose()
        assert turn is not None and turn.finished, turn and turn.error
        assert [s.tool for s in turn.steps] == ["read_file", "search", "apply_patch"]
        assert all(s.status == "ok" for s in turn.steps)
        assert turn.commit is not None and head(repo) == turn.commit
        assert git(repo, "rev-parse", "HEAD~1").strip() == before  # one commit for the turn
        assert "redline simulator" in (repo / "app.py").read_text()
        assert [m.status for m in got if isinstance(m, ToolFinished)] == ["ok", "ok", "ok"]
        timing = turn.timing
        assert timing is not None and len(timing.steps) == 4
        assert timing.model_ms > 0 and timing.tool_ms > 0

    async def test_each_request_only_appends_to_the_last(self, repo: Path):
        async with SimServer(rate=20000, ttft_ms=0) as sim:
            session = await session_on(sim.base_url, repo, approval="auto-edit")
            await session.run_turn("tidy @app.py")
            await session.aclose()
        assert session.turn_loop is not None
        requests = session.turn_loop.last_requests
        assert len(requests) == 4
        for earlier, later in itertools.pairwise(requests):
            assert later.messages[: len(earlier.messages)] == earlier.messages
            assert later.tools == earlier.tools


class TestApprovals:
    async def test_ask_waits_for_the_person_and_no_denies_the_edit(self, repo: Path):
        before = head(repo)
        asked: list[ApprovalRequested] = []

        def emit(message: AgentMessage) -> None:
            if isinstance(message, ApprovalRequested):
                asked.append(message)
                message.future.set_result(False)

        async with SimServer(rate=20000, ttft_ms=0) as sim:
            session = await session_on(sim.base_url, repo)
            turn = await session.run_turn("tidy @app.py", emit)
            await session.aclose()
        assert [a.request.tool for a in asked] == ["apply_patch"]
        assert "app.py" in asked[0].request.summary and "*** Begin Patch" in asked[0].request.detail
        assert turn is not None
        [edit] = [s for s in turn.steps if s.tool == "apply_patch"]
        assert edit.status == "denied" and "said no" in edit.output
        assert head(repo) == before and turn.commit is None

    async def test_yes_lets_the_edit_apply(self, repo: Path):
        def emit(message: AgentMessage) -> None:
            if isinstance(message, ApprovalRequested):
                message.future.set_result(True)

        async with SimServer(rate=20000, ttft_ms=0) as sim:
            session = await session_on(sim.base_url, repo)
            turn = await session.run_turn("tidy @app.py", emit)
            await session.aclose()
        assert turn is not None and turn.commit is not None
        assert [s.status for s in turn.steps] == ["ok", "ok", "ok"]

    @pytest.mark.parametrize(
        ("mode", "can_ask", "said"),
        [("ask", False, "--approval auto-edit allows it"), ("read-only", True, "read-only")],
    )
    async def test_denied_without_anyone_to_ask_or_in_read_only(
        self, repo: Path, mode: str, can_ask: bool, said: str
    ):
        async with SimServer(rate=20000, ttft_ms=0) as sim:
            session = await session_on(sim.base_url, repo, approval=mode, can_ask=can_ask)
            turn = await session.run_turn("tidy @app.py")
            await session.aclose()
        assert turn is not None
        [edit] = [s for s in turn.steps if s.tool == "apply_patch"]
        assert edit.status == "denied" and said in edit.output
        assert turn.commit is None and "redline simulator" not in (repo / "app.py").read_text()


class TestSteering:
    async def test_a_message_sent_mid_turn_goes_in_at_the_next_step(self, repo: Path):
        async with SimServer(rate=2000, ttft_ms=0) as sim:
            session = await session_on(sim.base_url, repo, approval="auto-edit")
            got: list[AgentMessage] = []
            steered = False

            def emit(message: AgentMessage) -> None:
                nonlocal steered
                got.append(message)
                if isinstance(message, ToolFinished) and not steered:
                    steered = True
                    session.steer("also keep it short")

            turn = await session.run_turn("tidy @app.py", emit)
            await session.aclose()
        assert turn is not None and turn.finished
        assert any(isinstance(m, SteeringSent) and m.text == "also keep it short" for m in got)
        assert session.turn_loop is not None
        last = session.turn_loop.last_requests[-1]
        assert any(m.role == "user" and m.content == "also keep it short" for m in last.messages)
        assert session.queue == []

    async def test_steering_after_the_last_step_becomes_the_next_prompt(self, repo: Path):
        async with SimServer(rate=20000, ttft_ms=0) as sim:
            session = await session_on(sim.base_url, repo, tools=False)

            def emit(message: AgentMessage) -> None:
                if isinstance(message, TurnFinished):
                    session.steer("and then this")

            await session.run_turn("explain", emit)
            await session.aclose()
        assert session.queue == ["and then this"]


class TestInterrupt:
    async def test_esc_while_a_tool_waits_keeps_what_was_done(self, repo: Path):
        async with SimServer(rate=20000, ttft_ms=0) as sim:
            session = await session_on(sim.base_url, repo)
            asked = asyncio.Event()

            def emit(message: AgentMessage) -> None:
                if isinstance(message, ApprovalRequested):
                    asked.set()

            task = session.start_turn("tidy @app.py", emit)
            await asyncio.wait_for(asked.wait(), 10)
            session.interrupt()
            turn = await session.finish_turn(task, emit)
            await session.aclose()
        assert turn is not None and turn.interrupted
        assert [s.tool for s in turn.steps] == ["read_file", "search"]  # done, kept
        assert turn.items[-1].role == "tool" and "interrupted" in turn.items[-1].content
        assert not session.turn_running


class TestSwitching:
    async def test_a_task_goes_on_on_the_other_wire(self, repo: Path):
        async with SimServer(rate=20000, ttft_ms=0) as sim:
            session = await session_on(sim.base_url, repo, approval="auto-edit")
            first = await session.run_turn("tidy @app.py")
            session._opener = opener(sim.base_url, "responses")
            await session.open_backend("sim-responses", None, None)
            second = await session.run_turn("now tidy @app.py again")
            await session.aclose()
        assert first is not None and second is not None
        assert first.provider == "sim-chat" and second.provider == "sim-responses"
        assert second.finished, second.error
        assert [s.status for s in second.steps] == ["ok", "ok", "ok"]


class TestFallback:
    async def test_a_server_that_refuses_tools_gets_an_edit_block_turn(self, tmp_path: Path):
        repo = make_repo(tmp_path / "repo", {"a.txt": "alpha\n"})
        refusal = json_reply(400, {"error": {"message": "tools are not supported by this model"}})
        end = b'data: {"choices":[{"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n'
        answer = sse_reply(chat_chunk("plain answer") + end)
        got: list[AgentMessage] = []
        with LoopbackServer({"/v1/chat/completions": [refusal, answer]}) as srv:
            session = await session_on(srv.url, repo)
            turn = await session.run_turn("hello", got.append)
            again = await session.run_turn("hello again", got.append)
            await session.aclose()
        assert turn is not None and turn.finished and turn.text == "plain answer"
        notices = [m for m in got if isinstance(m, Notice) and "cannot call tools" in m.text]
        assert len(notices) == 1  # said once
        assert again is not None and again.finished
        assert "tools" in srv.seen[0].json() and "tools" not in srv.seen[-1].json()
        assert srv.attempts() == 3  # the refused one, the fallback, the next turn without tools
