"""An agent turn's tool steps go into the session file and come back on resume, so the next
request carries them (on each wire) as the model first saw them: real loopback sockets, real
files, a real git repository."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from redline.agent import Session, Turn, TurnLoop
from redline.agent.store import SessionStore
from redline.backends.client import StreamClient
from redline.backends.events import ToolCall
from redline.backends.presets import ProviderPreset
from redline.backends.request import Message
from redline.backends.sim import SimServer
from tests.helpers_edits import make_repo
from tests.integration.test_agent_loop import APP, opener


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "repo", {"app.py": APP})


async def agent_turn(url: str, repo: Path, store: SessionStore, wire: str) -> Turn:
    session = Session(
        repo_root=repo, open_backend=opener(url, wire), store=store, approval="auto-edit"
    )
    await session.open_backend(None, None, None)
    turn = await session.run_turn("tidy @app.py")
    await session.aclose()
    assert turn is not None and turn.finished, turn and turn.error
    return turn


def next_body(conversation, wire: str, url: str) -> dict[str, object]:
    """What the request after the resume would send, rendered for ``wire``."""
    preset = ProviderPreset(f"sim-{wire}", url, None, wire=wire)  # type: ignore[arg-type]
    client = StreamClient(preset)

    class _Backend:
        name = preset.name
        model = "sim-agent"
        reason = ""

        def __init__(self) -> None:
            self.client = client

        async def aclose(self) -> None: ...

    loop = TurnLoop(_Backend(), conversation)  # type: ignore[arg-type]
    return client.build_body(loop.build_request("and now the tests", tools=True))


class TestStepsInTheSessionFile:
    @pytest.mark.parametrize("wire", ["chat", "responses"])
    async def test_a_resumed_conversation_sends_the_tool_calls_and_results_again(
        self, repo: Path, tmp_path: Path, wire: str
    ):
        store = SessionStore(tmp_path / "sessions")
        async with SimServer(rate=20000, ttft_ms=0) as sim:
            turn = await agent_turn(sim.base_url, repo, store, wire)
            loaded = store.load("last", repo)
            [again] = loaded.conversation.turns
            assert again.items == turn.items  # the assistant's calls and every result
            assert [(s.tool, s.status) for s in again.steps] == [
                (s.tool, s.status) for s in turn.steps
            ]
            assert again.answer_start == turn.answer_start
            assert loaded.conversation.history() == [
                Message("user", "tidy @app.py"),
                *turn.items,
                Message("assistant", turn.text[turn.answer_start :]),
            ]
            body = next_body(loaded.conversation, wire, sim.base_url)
        calls = [c for m in turn.items for c in m.tool_calls]
        assert [c.name for c in calls] == ["read_file", "search", "apply_patch"]
        if wire == "chat":
            messages = body["messages"]
            assert isinstance(messages, list)
            sent = [c["id"] for m in messages if m.get("tool_calls") for c in m["tool_calls"]]
            answered = [m["tool_call_id"] for m in messages if m["role"] == "tool"]
            results = [m["content"] for m in messages if m["role"] == "tool"]
        else:
            items = body["input"]
            assert isinstance(items, list)
            sent = [i["call_id"] for i in items if i.get("type") == "function_call"]
            answered = [i["call_id"] for i in items if i.get("type") == "function_call_output"]
            results = [i["output"] for i in items if i.get("type") == "function_call_output"]
        assert sent == answered == [c.call_id for c in calls]
        read = next(m for m in turn.items if m.role == "tool")
        assert "def total" in read.content  # what read_file told the model is sent again
        assert results[0] == read.content

    async def test_the_model_sees_the_resumed_steps_on_the_next_turn(
        self, repo: Path, tmp_path: Path
    ):
        store = SessionStore(tmp_path / "sessions")
        async with SimServer(rate=20000, ttft_ms=0) as sim:
            await agent_turn(sim.base_url, repo, store, "chat")
            conversation, writer = store.open_or_create("last", repo)
            session = Session(
                repo_root=repo,
                open_backend=opener(sim.base_url),
                conversation=conversation,
                writer=writer,
                approval="auto-edit",
            )
            await session.open_backend(None, None, None)
            turn = await session.run_turn("now say what you changed")
            await session.aclose()
        assert turn is not None and turn.finished
        assert session.turn_loop is not None
        first = session.turn_loop.last_requests[0]
        roles = [m.role for m in first.messages]
        assert roles.count("tool") == 3  # the first turn's three results, before this prompt
        assert store.load(writer.id).info.turns == 2


class TestBoundsAndSecrets:
    def test_a_huge_tool_output_is_cut_and_a_key_is_never_written(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ):
        key = "sk-fake-0123456789abcdef"
        monkeypatch.setenv("CEREBRAS_API_KEY", key)
        monkeypatch.setenv("MY_LOCAL_SERVER", "local-fake-secret-42")
        store = SessionStore(tmp_path)
        writer = store.create(Path("/r"))
        writer.secret_names = ("MY_LOCAL_SERVER",)  # a configured api_key_env
        call = ToolCall("c1", "read_file", json.dumps({"path": ".env"}))
        turn = Turn("read it", "sim", "m", text="done", finish_reason="stop")
        turn.items = [
            Message("assistant", "", tool_calls=(call,)),
            Message(
                "tool", f"KEY={key}\nLOCAL=local-fake-secret-42\n" + "x" * 1_000_000, call_id="c1"
            ),
        ]
        writer.append(turn)
        text = writer.path.read_text()
        assert key not in text and "local-fake-secret-42" not in text
        assert "[redacted]" in text
        assert len(text) < 100_000
        [again] = store.load(writer.id).conversation.turns
        result = again.items[1]
        assert result.call_id == "c1" and result.content.startswith("KEY=[redacted]")
        assert result.content.endswith("more characters not saved]")

    def test_a_session_file_without_steps_still_loads(self, tmp_path: Path):
        old = tmp_path / "old.jsonl"
        old.write_text(
            '{"type": "session", "version": 1, "id": "old", "repo": "/r", "created": "2026-01-01T00:00:00+00:00"}\n'
            '{"type": "turn", "at": "2026-01-01T00:00:01+00:00", "prompt": "hi", "provider": "sim", '
            '"model": "m", "text": "hello", "reasoning": "", "finish_reason": "stop", '
            '"interrupted": false, "error": null, "reading": null}\n'
        )
        loaded = SessionStore(tmp_path).load("old")
        assert loaded.info.problem is None
        assert loaded.conversation.history() == [
            Message("user", "hi"),
            Message("assistant", "hello"),
        ]

    def test_damaged_steps_keep_the_turn_and_say_so_and_the_file_is_not_rewritten(
        self, tmp_path: Path
    ):
        path = tmp_path / "s.jsonl"
        path.write_text(
            '{"type": "session", "id": "s", "repo": "/r"}\n'
            '{"type": "turn", "prompt": "hi", "provider": "sim", "model": "m", "text": "hello", '
            '"items": [{"role": "tool", "content": 3}], "steps": "x"}\n'
        )
        before = path.read_bytes()
        loaded = SessionStore(tmp_path).load("s")
        [turn] = loaded.conversation.turns
        assert turn.text == "hello" and turn.items == []
        assert loaded.info.problem == "the tool steps of line(s) 2 skipped"
        assert path.read_bytes() == before


class TestResumedInTheApp:
    async def test_a_resumed_agent_turn_shows_its_tool_cards(self, repo: Path, tmp_path: Path):
        from tests.helpers_tui import SIZE, failing_opener, make_app, settle

        store = SessionStore(tmp_path / "sessions")
        async with SimServer(rate=20000, ttft_ms=0) as sim:
            turn = await agent_turn(sim.base_url, repo, store, "chat")
        app = make_app(
            repo_root=repo,
            sessions=store,
            resumed=store.load("last", repo),
            open_backend=failing_opener,
        )
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            app.transcript.flush()
            await pilot.pause()
            shown = "\n".join(app.transcript.lines_text())
        for tool in ("read_file", "search", "apply_patch"):
            assert tool in shown
        assert "I added the comment" in turn.text[turn.answer_start :]
        assert "I added the comment" in shown  # the final answer, after the cards
        assert shown.index("apply_patch") < shown.index("I added the comment")
