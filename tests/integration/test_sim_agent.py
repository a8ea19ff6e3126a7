"""The simulator's scripted agent over loopback: read, search, edit, answer, on both wires.

A minimal loop drives it here (stream, run the tools, send the results) so the tools and the
backend meet without the agent package; the real turn engine builds on the same pieces.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from redline.backends.client import StreamClient, Timeouts
from redline.backends.events import Finished, StreamError, TextDelta, ToolCall, ToolCallDelta
from redline.backends.presets import ProviderPreset
from redline.backends.request import ChatRequest, Message, ToolSpec
from redline.backends.sim import SimServer
from redline.tools.agent import TOOLS, Workspace, run_tool
from tests.helpers_edits import git, make_repo

SPECS = tuple(ToolSpec(t.name, t.description, t.parameters) for t in TOOLS.values())
APP = "def total(xs):\n    return sum(xs)\n\n\ndef mean(xs):\n    return total(xs) / len(xs)\n"


async def drive(
    url: str, root: Path, prompt: str, *, wire: str = "chat", headers: dict[str, str] | None = None
) -> tuple[list[ToolCall], list[str], str, list[object]]:
    """Run the turn: every call, every result's output, the answer text, all events."""
    preset = ProviderPreset("sim", url, None, wire=wire)  # type: ignore[arg-type]
    client = StreamClient(preset, timeouts=Timeouts(first_token_s=5, stall_s=1))
    if headers:
        client._http.headers.update(headers)
    ws = Workspace.open(root, provider="sim", model="sim-agent")
    messages = [Message("system", "You are a coding agent."), Message("user", prompt)]
    made: list[ToolCall] = []
    outputs: list[str] = []
    seen: list[object] = []
    try:
        for _ in range(20):
            request = ChatRequest("sim-agent", tuple(messages), tools=SPECS)
            events = [e async for e in client.stream(request)]
            seen.extend(events)
            calls = [e for e in events if isinstance(e, ToolCall)]
            text = "".join(e.text for e in events if isinstance(e, TextDelta))
            if not calls:
                ws.edits.commit("Simulated agent turn")
                return made, outputs, text, seen
            messages.append(Message("assistant", text, tuple(calls)))
            for call in calls:
                result = run_tool(ws, call.name, call.arguments)
                made.append(call)
                outputs.append(result.output)
                messages.append(Message("tool", result.output, call_id=call.call_id))
        raise AssertionError("the simulated agent never answered")
    finally:
        await client.aclose()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "repo", {"src/stats.py": APP, "README.md": "# Stats\n"})


@pytest.mark.parametrize("wire", ["chat", "responses"])
async def test_reads_searches_edits_and_answers(repo: Path, wire: str):
    async with SimServer("agent", ttft_ms=0, rate=20_000) as sim:
        calls, outputs, answer, events = await drive(
            sim.base_url, repo, "Tidy up src/stats.py please", wire=wire
        )
    assert [c.name for c in calls] == ["read_file", "search", "apply_patch"]
    assert json.loads(calls[0].arguments) == {"path": "src/stats.py"}
    assert json.loads(calls[1].arguments) == {"pattern": r"\btotal\b"}
    assert "src/stats.py:1: def total(xs):" in outputs[1]
    assert outputs[2] == "Applied:\nM src/stats.py (+1 -0)\n"
    assert "Simulated agent reply" in answer and "- `search` \\btotal\\b" in answer
    assert (repo / "src/stats.py").read_text().startswith("# redline simulator")
    assert "Simulated agent turn" in git(repo, "log", "-1", "--format=%s")
    assert any(isinstance(e, ToolCallDelta) and e.arguments for e in events)


async def test_without_a_mention_it_lists_first(repo: Path):
    async with SimServer("agent", ttft_ms=0, rate=20_000) as sim:
        calls, _, _, _ = await drive(sim.base_url, repo, "Improve something")
    assert [c.name for c in calls] == ["list_files", "read_file", "search", "apply_patch"]
    assert json.loads(calls[1].arguments) == {"path": "README.md"}


async def test_ten_steps_at_2000_tokens_per_second(repo: Path):
    async with SimServer("cerebras", ttft_ms=0, agent_steps=10) as sim:
        calls, _, answer, events = await drive(sim.base_url, repo, "Fix src/stats.py")
    assert len(calls) == 9 and calls[-1].name == "apply_patch"
    assert [c.name for c in calls[:2]] == ["read_file", "search"]
    assert "Simulated agent reply" in answer
    # Cerebras sends each call whole, in one chunk.
    fragments = [e for e in events if isinstance(e, ToolCallDelta)]
    assert len(fragments) == len(calls)


async def test_steps_header_overrides(repo: Path):
    async with SimServer("agent", ttft_ms=0, rate=20_000) as sim:
        calls, _, _, _ = await drive(
            sim.base_url, repo, "Fix src/stats.py", headers={"x-redline-sim-steps": "6"}
        )
    assert len(calls) == 5


@pytest.mark.parametrize(
    ("fault", "first_error"),
    [("bad-json", "not valid JSON"), ("unknown-tool", "there is no tool 'delete_everything'")],
)
@pytest.mark.parametrize("wire", ["chat", "responses"])
async def test_faults_get_error_results_and_the_agent_recovers(
    repo: Path, fault: str, first_error: str, wire: str
):
    async with SimServer("agent", ttft_ms=0, rate=20_000) as sim:
        calls, outputs, answer, _ = await drive(
            sim.base_url,
            repo,
            "Fix src/stats.py",
            wire=wire,
            headers={"x-redline-sim-fault": fault},
        )
    assert outputs[0].startswith("error: ") and first_error in outputs[0]
    assert [c.name for c in calls[1:]] == ["read_file", "search", "apply_patch"]
    assert "added the comment" in answer


@pytest.mark.parametrize("wire", ["chat", "responses"])
async def test_a_call_that_never_finishes_times_out_cleanly(repo: Path, wire: str):
    async with SimServer("agent", ttft_ms=0, rate=20_000) as sim:
        preset = ProviderPreset("sim", sim.base_url, None, wire=wire)  # type: ignore[arg-type]
        client = StreamClient(preset, timeouts=Timeouts(first_token_s=5, stall_s=0.5))
        client._http.headers["x-redline-sim-fault"] = "tool-stall"
        request = ChatRequest("m", (Message("user", "Fix src/stats.py"),), tools=SPECS)
        events = [e async for e in client.stream(request)]
        await client.aclose()
    assert any(isinstance(e, ToolCallDelta) for e in events)
    assert not any(isinstance(e, ToolCall) for e in events)  # never run half a call
    assert isinstance(events[-1], StreamError) and events[-1].kind == "timeout"


async def test_without_tools_the_agent_profile_gives_the_edit_reply():
    async with SimServer("agent", ttft_ms=0, rate=20_000) as sim:
        client = StreamClient(ProviderPreset("sim", sim.base_url, None))
        events = [e async for e in client.stream(ChatRequest("m", (Message("user", "hi"),)))]
        await client.aclose()
    assert "Simulated reply" in "".join(e.text for e in events if isinstance(e, TextDelta))
    assert events[-1] == Finished("stop")
