"""Tool calls on both wires, over loopback: fragments, whole calls, parallel calls, odd servers."""

from __future__ import annotations

import json

import pytest

from redline.backends.client import RetryPolicy, StreamClient
from redline.backends.events import Finished, StreamError, ToolCall, ToolCallDelta
from redline.backends.presets import PRESETS, ProviderPreset
from redline.backends.request import ChatRequest, Message, ToolSpec
from tests.helpers_client import LoopbackServer, collect, json_reply, sse_reply, stream_fixture

READ = ToolSpec(
    "read_file",
    "Read a file.",
    {"type": "object", "properties": {"path": {"type": "string"}}, "required": ["path"]},
)


def calls(events: list[object]) -> list[ToolCall]:
    return [e for e in events if isinstance(e, ToolCall)]


def deltas(events: list[object]) -> list[ToolCallDelta]:
    return [e for e in events if isinstance(e, ToolCallDelta)]


def sse(*objs: object, done: bool = True) -> bytes:
    body = b"".join(b"data: " + json.dumps(o).encode() + b"\n\n" for o in objs)
    return body + (b"data: [DONE]\n\n" if done else b"")


def tc(*items: dict[str, object], finish: str | None = None) -> dict[str, object]:
    return {
        "choices": [{"index": 0, "delta": {"tool_calls": list(items)}, "finish_reason": finish}]
    }


def end(reason: str = "tool_calls") -> dict[str, object]:
    return {"choices": [{"index": 0, "delta": {}, "finish_reason": reason}]}


async def serve(body: bytes, split: int = 0, wire: str = "chat") -> list[object]:
    route = "/v1/responses" if wire == "responses" else "/v1/chat/completions"
    with LoopbackServer({route: sse_reply(body, split=split)}) as srv:
        return await collect(srv.url, wire=wire)


@pytest.mark.parametrize("split", [0, 5])
async def test_parallel_calls_split_by_index(split: int):
    events = await serve(stream_fixture("openai_chat_tool_calls.sse"), split)
    assert calls(events) == [
        ToolCall("call_FthC9qRpsL5kBpwwyw6c7j4k", "read_file", '{"path": "src/app.py"}'),
        ToolCall("call_Hd4sKyPPfEX2bTcq7B9mEyVx", "search", '{"pattern": "def total"}'),
    ]
    parts = deltas(events)
    assert [(d.index, d.name) for d in parts if d.name] == [(0, "read_file"), (1, "search")]
    assert "".join(d.arguments for d in parts if d.index == 0) == '{"path": "src/app.py"}'
    assert events[-1] == Finished("tool_calls")
    # The calls come before usage and the ending, so the loop can start at once.
    assert events.index(calls(events)[-1]) < len(events) - 2


@pytest.mark.parametrize("split", [0, 5])
async def test_whole_call_in_one_chunk_without_done(split: int):
    events = await serve(stream_fixture("cerebras_chat_tool_call.sse"), split)
    args = '{"path": "src/app.py", "start_line": 1, "end_line": 40}'
    assert calls(events) == [ToolCall("8c1f7a9e2", "read_file", args)]
    assert deltas(events) == [ToolCallDelta(0, "8c1f7a9e2", "read_file", args)]
    assert events[-1] == Finished("tool_calls")


@pytest.mark.parametrize("split", [0, 5])
async def test_responses_function_call(split: int):
    events = await serve(stream_fixture("openai_responses_tool_call.sse"), split, "responses")
    patch = "*** Begin Patch\n*** Update File: app.py\n@@\n-x = 1\n+x = 2\n*** End Patch\n"
    assert calls(events) == [
        ToolCall("call_ZQb8wR2xK4mN7pL1", "apply_patch", json.dumps({"patch": patch}))
    ]
    parts = deltas(events)
    assert parts[0] == ToolCallDelta(0, "call_ZQb8wR2xK4mN7pL1", "apply_patch", "")
    assert "".join(d.arguments for d in parts) == json.dumps({"patch": patch})
    assert events[-1] == Finished("tool_calls")


async def test_odd_servers_no_index_reused_index_object_arguments():
    body = sse(
        tc({"id": "a", "function": {"name": "read_file", "arguments": '{"path":'}}),
        tc({"function": {"arguments": ' "x"}'}}),  # no index, no id: the latest call goes on
        tc({"index": 0, "id": "b", "function": {"name": "search", "arguments": {"pattern": "q"}}}),
        tc({"index": 0, "id": "c", "function": {"name": "list_files"}}),  # index reused by a new id
        end("stop"),  # some servers say "stop" after calls
    )
    events = await serve(body)
    assert calls(events) == [
        ToolCall("a", "read_file", '{"path": "x"}'),
        ToolCall("b", "search", '{"pattern": "q"}'),
        ToolCall("c", "list_files", "{}"),
    ]
    assert events[-1] == Finished("stop")


async def test_missing_id_gets_a_stable_one():
    body = sse(tc({"index": 0, "function": {"name": "list_files", "arguments": "{}"}}), end())
    assert calls(await serve(body)) == [ToolCall("call_0", "list_files", "{}")]


async def test_a_call_cut_short_is_never_completed():
    body = sse(
        tc({"index": 0, "id": "a", "function": {"name": "x", "arguments": '{"p'}}), done=False
    )
    events = await serve(body)
    assert calls(events) == [] and len(deltas(events)) == 1
    assert isinstance(events[-1], StreamError) and events[-1].kind == "network"


async def test_non_streamed_reply_with_tool_calls():
    whole = {
        "choices": [
            {
                "index": 0,
                "message": {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [
                        {
                            "id": "w1",
                            "type": "function",
                            "function": {"name": "search", "arguments": '{"pattern": "a"}'},
                        }
                    ],
                },
                "finish_reason": "tool_calls",
            }
        ]
    }
    with LoopbackServer({"/v1/chat/completions": json_reply(200, whole)}) as srv:
        events = await collect(srv.url)
    assert calls(events) == [ToolCall("w1", "search", '{"pattern": "a"}')]
    assert events[-1] == Finished("tool_calls")


def conversation() -> tuple[Message, ...]:
    call = ToolCall("c1", "read_file", '{"path": "a.py"}')
    return (
        Message("system", "Be brief."),
        Message("user", "Fix a.py"),
        Message("assistant", "", (call,), reasoning="Look first.", reasoning_provider="baseten"),
        Message("user", "also check b.py"),  # steering that arrived before the result
        Message("tool", "1\tx = 1", call_id="c1"),
        Message("tool", "stray", call_id="nobody"),  # an orphan
    )


async def test_chat_request_sends_tools_and_tool_turns_in_order():
    body = sse({"choices": [{"index": 0, "delta": {"content": "ok"}, "finish_reason": "stop"}]})
    with LoopbackServer({"/v1/chat/completions": sse_reply(body)}) as srv:
        preset = ProviderPreset("baseten", srv.url, None)
        client = StreamClient(preset)
        request = ChatRequest(
            "moonshotai/Kimi-K2.5", conversation(), tools=(READ,), tool_choice="auto"
        )
        [e async for e in client.stream(request)]
        await client.aclose()
        sent = srv.seen[-1].json()
    messages = sent["messages"]
    assert [m["role"] for m in messages] == ["system", "user", "assistant", "tool", "user"]
    assert messages[2]["tool_calls"] == [
        {
            "id": "c1",
            "type": "function",
            "function": {"name": "read_file", "arguments": '{"path": "a.py"}'},
        }
    ]
    assert messages[2]["reasoning_content"] == "Look first."  # Kimi: echoed or it answers 400
    assert messages[3] == {"role": "tool", "tool_call_id": "c1", "content": "1\tx = 1"}
    assert sent["tools"][0]["function"]["name"] == "read_file"
    assert sent["tool_choice"] == "auto"


async def test_responses_request_sends_function_call_items():
    body = stream_fixture("openai_responses.sse")
    with LoopbackServer({"/v1/responses": sse_reply(body)}) as srv:
        preset = ProviderPreset("openai", srv.url, None, wire="responses")
        client = StreamClient(preset)
        request = ChatRequest("gpt-5-codex", conversation(), tools=(READ,))
        [e async for e in client.stream(request)]
        await client.aclose()
        sent = srv.seen[-1].json()
    assert sent["instructions"] == "Be brief."
    assert sent["input"] == [
        {"role": "user", "content": "Fix a.py"},
        {
            "type": "function_call",
            "call_id": "c1",
            "name": "read_file",
            "arguments": '{"path": "a.py"}',
        },
        {"type": "function_call_output", "call_id": "c1", "output": "1\tx = 1"},
        {"role": "user", "content": "also check b.py"},
    ]
    assert sent["tools"][0] == {
        "type": "function",
        "name": "read_file",
        "description": "Read a file.",
        "parameters": READ.parameters,
        "strict": False,
    }
    assert "tool_choice" not in sent


async def test_a_server_that_cannot_call_tools_is_told_apart():
    refusal = json_reply(400, {"error": {"message": "gemma3:1b does not support tools"}})
    with LoopbackServer({"/v1/chat/completions": refusal}) as srv:
        client = StreamClient(ProviderPreset("ollama", srv.url, None), retry=RetryPolicy(0))
        assert client.supports_tools("gemma3:1b")
        request = ChatRequest("gemma3:1b", (Message("user", "hi"),), tools=(READ,))
        events = [e async for e in client.stream(request)]
        await client.aclose()
    error = events[-1]
    assert isinstance(error, StreamError) and error.kind == "config"
    assert "cannot call tools" in error.message and "does not support tools" in error.message
    assert not client.supports_tools("gemma3:1b")
    assert client.supports_tools("another-model")


async def test_llamacpp_without_jinja_is_not_retried_as_a_server_error():
    refusal = json_reply(
        500,
        {
            "error": {
                "code": 500,
                "message": "tools param requires --jinja flag",
                "type": "server_error",
            }
        },
    )
    with LoopbackServer({"/v1/chat/completions": refusal}) as srv:
        client = StreamClient(ProviderPreset("llamacpp", srv.url, None))
        request = ChatRequest("m", (Message("user", "hi"),), tools=(READ,))
        events = [e async for e in client.stream(request)]
        await client.aclose()
        assert srv.attempts() == 1
    assert not client.supports_tools("m")
    assert isinstance(events[-1], StreamError) and "--jinja" in events[-1].message


async def test_config_can_say_a_model_has_no_tools():
    client = StreamClient(PRESETS["vllm"], model_tools={"small": False})
    assert not client.supports_tools("small") and client.supports_tools("big")
    await client.aclose()
