"""Reasoning goes back to the model the way each wire wants it, checked on the request bodies
the real client sends to a loopback server: Kimi's ``reasoning_content`` on every assistant
turn (tool calls and answers), Responses reasoning items (id, summary, encrypted content)
before the calls and answers they led to, and never another provider's reasoning."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from redline.agent import Session
from redline.backends.client import StreamClient
from redline.backends.presets import PRESETS
from redline.backends.selection import Backend
from tests.helpers_client import LoopbackServer, Seen, sse_reply, stream_fixture
from tests.helpers_edits import commit_all, make_repo

APP = "def total(xs):\n    return sum(xs)\n"


def _opener(name: str, model: str, url: str):
    async def open_backend(provider: str | None, model_: str | None, base_url: str | None):
        preset = dataclasses.replace(PRESETS[name], base_url=url)
        client = StreamClient(preset, api_key="fake-key-for-tests")
        return Backend(name, preset, model, client, "a test")

    return open_backend


def _repo(tmp_path: Path) -> Path:
    repo = make_repo(tmp_path / "repo", {"app.py": APP})
    commit_all(repo, "start")
    return repo


async def _two_turns(
    repo: Path, name: str, model: str, path: str, replies: list[str]
) -> list[Seen]:
    routes = {path: [sse_reply(stream_fixture(f)) for f in replies]}
    with LoopbackServer(routes) as srv:  # type: ignore[arg-type]
        session = Session(repo_root=repo, open_backend=_opener(name, model, srv.url))
        await session.open_backend(None, None, None)
        first = await session.run_turn("what does app.py do?")
        assert first is not None and first.finished, first and first.error
        second = await session.run_turn("thanks")
        assert second is not None
        await session.aclose()
        return list(srv.seen)


async def test_kimi_gets_its_reasoning_back_on_tool_calls_and_answers(tmp_path: Path):
    seen = await _two_turns(
        _repo(tmp_path),
        "baseten",
        "moonshotai/Kimi-K2.5",
        "/v1/chat/completions",
        ["baseten_kimi_tool_call.sse", "baseten_kimi_answer.sse", "baseten_kimi_answer.sse"],
    )
    assert len(seen) == 3
    step = seen[1].json()["messages"]
    [call] = [m for m in step if m.get("tool_calls")]  # type: ignore[union-attr]
    assert call["reasoning_content"] == "I need to read app.py first."  # type: ignore[index]
    assert call["tool_calls"][0]["id"] == "functions.read_file:0"  # type: ignore[index]
    later = seen[2].json()["messages"]
    answers = [m for m in later if m.get("role") == "assistant" and not m.get("tool_calls")]  # type: ignore[union-attr]
    assert answers == [
        {
            "role": "assistant",
            "content": "Nothing to change.",
            "reasoning_content": "The file is fine.",
        }
    ]
    # each request only appends to the last (the provider's prompt cache holds)
    assert later[: len(step)] == step


async def test_responses_reasoning_items_go_back_before_what_they_led_to(tmp_path: Path):
    seen = await _two_turns(
        _repo(tmp_path),
        "openai",
        "gpt-5-codex",
        "/v1/responses",
        [
            "openai_responses_reasoning_tool_call.sse",
            "openai_responses_reasoning_answer.sse",
            "openai_responses_reasoning_answer.sse",
        ],
    )
    assert len(seen) == 3
    first = seen[0].json()
    assert first["include"] == ["reasoning.encrypted_content"]
    items = seen[1].json()["input"]
    kinds = [i.get("type") or i.get("role") for i in items]  # type: ignore[union-attr]
    assert kinds[-3:] == ["reasoning", "function_call", "function_call_output"]
    reasoning = items[-3]
    assert reasoning["id"] == "rs_68f2c4d5"  # type: ignore[index]
    assert str(reasoning["encrypted_content"]).startswith("gAAAAABo8think")  # type: ignore[index]
    assert reasoning["summary"] == [  # type: ignore[index]
        {
            "type": "summary_text",
            "text": "**Reading the file first**\n\nI should look at app.py before changing it.",
        }
    ]
    assert items[-2]["call_id"] == "call_R3x9Lm2Qp7Vt4Kw8"  # type: ignore[index]
    later = seen[2].json()["input"]
    assert later[: len(items)] == items
    answer_at = next(
        n
        for n, i in enumerate(later)
        if i.get("role") == "assistant"  # type: ignore[union-attr]
    )
    assert later[answer_at - 1]["id"] == "rs_68f2a1b2"  # type: ignore[index]
    assert later[answer_at] == {
        "role": "assistant",
        "content": "app.py defines total(); nothing to change.",
    }


async def test_another_providers_reasoning_is_not_echoed(tmp_path: Path):
    repo = _repo(tmp_path)
    kimi = {"/v1/chat/completions": [sse_reply(stream_fixture(f)) for f in (
        "baseten_kimi_tool_call.sse", "baseten_kimi_answer.sse"
    )]}  # fmt: skip
    responses = {"/v1/responses": sse_reply(stream_fixture("openai_responses.sse"))}
    with LoopbackServer(kimi) as a, LoopbackServer(responses) as b:  # type: ignore[arg-type]
        session = Session(
            repo_root=repo, open_backend=_opener("baseten", "moonshotai/Kimi-K2.5", a.url)
        )
        await session.open_backend(None, None, None)
        await session.run_turn("what does app.py do?")
        session.use_backend(await _opener("openai", "gpt-5-codex", b.url)(None, None, None))
        await session.run_turn("and now?")
        await session.aclose()
        body = b.seen[0].json()
    assert "I need to read" not in str(body) and "The file is fine" not in str(body)
    assert not [i for i in body["input"] if i.get("type") == "reasoning"]  # type: ignore[union-attr]


async def test_another_models_reasoning_items_are_not_echoed_on_the_same_provider(
    tmp_path: Path,
):
    """Encrypted reasoning is the model's own: switching model mid-conversation drops it (the
    provider would refuse the request), and the conversation itself still goes back whole."""
    repo = _repo(tmp_path)
    replies = {"/v1/responses": [sse_reply(stream_fixture(f)) for f in (
        "openai_responses_reasoning_tool_call.sse",
        "openai_responses_reasoning_answer.sse",
        "openai_responses_reasoning_answer.sse",
    )]}  # fmt: skip
    with LoopbackServer(replies) as srv:  # type: ignore[arg-type]
        session = Session(repo_root=repo, open_backend=_opener("openai", "gpt-5-codex", srv.url))
        await session.open_backend(None, None, None)
        first = await session.run_turn("what does app.py do?")
        assert first is not None and first.finished, first and first.error
        session.use_backend(await _opener("openai", "o4-mini", srv.url)(None, None, None))
        await session.run_turn("and now?")
        await session.aclose()
        seen = list(srv.seen)
    assert len(seen) == 3
    same_model = seen[1].json()["input"]  # gpt-5-codex's second step: its own items go back
    assert [i for i in same_model if i.get("type") == "reasoning"]  # type: ignore[union-attr]
    body = seen[2].json()
    assert body["model"] == "o4-mini"
    assert not [i for i in body["input"] if i.get("type") == "reasoning"]  # type: ignore[union-attr]
    assert "gAAAAABo8think" not in str(body)
    kinds = [i.get("type") or i.get("role") for i in body["input"]]  # type: ignore[union-attr]
    assert kinds.count("function_call") == 1 and kinds.count("function_call_output") == 1
    assert "app.py defines total()" in str(body)  # the answer itself is kept
