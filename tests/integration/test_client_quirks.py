"""Wire quirks beyond the samples, built as SSE bodies and served over loopback."""

from __future__ import annotations

import json

import pytest

from redline.backends._think import ThinkSplitter
from redline.backends.client import RetryPolicy
from redline.backends.events import (
    Event,
    Finished,
    ReasoningDelta,
    StreamError,
    TextDelta,
    ToolCall,
    ToolCallDelta,
    Usage,
)
from tests.helpers_client import LoopbackServer, collect, reasoning_of, sse_reply, text_of


def sse(*objs: object, done: bool = True) -> bytes:
    parts = [
        b"data: " + (o if isinstance(o, bytes) else json.dumps(o).encode()) + b"\n\n" for o in objs
    ]
    if done:
        parts.append(b"data: [DONE]\n\n")
    return b"".join(parts)


def delta(**fields: object) -> dict[str, object]:
    return {"choices": [{"index": 0, "delta": fields, "finish_reason": None}]}


def finish(reason: str = "stop", **extra: object) -> dict[str, object]:
    return {"choices": [{"index": 0, "delta": {}, "finish_reason": reason}], **extra}


async def serve(body: bytes, split: int = 0, **kwargs: object) -> list[object]:
    with LoopbackServer({"/v1/chat/completions": sse_reply(body, split=split)}) as srv:
        return await collect(srv.url, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("split", [0, 1, 3])
async def test_inline_think_split_across_chunks(split: int):
    pieces = ["<th", "ink>Let me", " think</", "thi", "nk>\n\nThe", " answer"]
    body = sse(*(delta(content=p) for p in pieces), finish())
    events = await serve(body, split=split)
    assert reasoning_of(events) == "Let me think"
    assert text_of(events) == "The answer"


def test_think_splitter_every_cut_point():
    full = "  <think>why</think>\n\nbecause <think> is a tag"
    for cut in range(len(full) + 1):
        out: list[Event] = []
        splitter = ThinkSplitter()
        splitter.feed(full[:cut], out)
        splitter.feed(full[cut:], out)
        splitter.flush(out)
        reasoning = "".join(e.text for e in out if isinstance(e, ReasoningDelta))
        text = "".join(e.text for e in out if isinstance(e, TextDelta))
        assert (reasoning, text) == ("why", "because <think> is a tag"), cut


async def test_think_tag_mid_answer_is_plain_text():
    body = sse(delta(content="Use "), delta(content="<think> tags"), finish())
    events = await serve(body)
    assert text_of(events) == "Use <think> tags"
    assert reasoning_of(events) == ""


async def test_unclosed_think_is_kept_as_reasoning():
    body = sse(delta(content="<think>still going"), finish("length"))
    events = await serve(body)
    assert reasoning_of(events) == "still going"
    assert events[-1] == Finished("length")


async def test_split_and_whole_tool_calls_give_the_same_text():
    split = sse(
        delta(
            tool_calls=[
                {
                    "index": 0,
                    "id": "c1",
                    "type": "function",
                    "function": {"name": "edit", "arguments": ""},
                }
            ]
        ),
        delta(tool_calls=[{"index": 0, "function": {"arguments": '{"pa'}}]),
        delta(tool_calls=[{"index": 0, "function": {"arguments": 'th": "a.py"}'}}]),
        finish("tool_calls"),
    )
    whole = sse(
        delta(
            tool_calls=[
                {
                    "index": 0,
                    "id": "c1",
                    "type": "function",
                    "function": {"name": "edit", "arguments": '{"path": "a.py"}'},
                }
            ]
        ),
        finish("tool_calls"),
    )
    a, b = await serve(split), await serve(whole)
    assert text_of(a) == text_of(b) == ""
    calls = [ToolCall("c1", "edit", '{"path": "a.py"}')]
    assert [e for e in a if isinstance(e, ToolCall)] == calls
    assert [e for e in b if isinstance(e, ToolCall)] == calls
    assert a[-1] == b[-1] == Finished("tool_calls")


async def test_error_string_frame():
    body = sse(delta(content="Hi"), {"error": "model overloaded"})
    events = await serve(body)
    assert text_of(events) == "Hi"
    err = events[-1]
    assert isinstance(err, StreamError) and err.kind == "server"
    assert "model overloaded" in err.message and "partial answer was kept" in err.message


async def test_finish_reason_error():
    events = await serve(sse(delta(content="Hi"), finish("error")))
    assert text_of(events) == "Hi"
    assert isinstance(events[-1], StreamError) and events[-1].kind == "server"


async def test_empty_data_and_comments_are_ignored():
    body = b": keep-alive\n\ndata:\n\ndata: \n\n:\n\n" + sse(delta(content="x"), finish())
    events = await serve(body)
    assert text_of(events) == "x" and events[-1] == Finished("stop")


async def test_crlf_line_endings():
    body = sse(delta(content="a"), delta(content="b"), finish()).replace(b"\n", b"\r\n")
    events = await serve(body, split=3)
    assert text_of(events) == "ab" and events[-1] == Finished("stop")


async def test_usage_on_every_chunk_keeps_the_last():
    chunks = [
        {**delta(content="a"), "usage": {"prompt_tokens": 5, "completion_tokens": 1}},
        {**delta(content="b"), "usage": {"prompt_tokens": 5, "completion_tokens": 2}},
        {**finish(), "usage": {"prompt_tokens": 5, "completion_tokens": 2}},
    ]
    events = await serve(sse(*chunks, done=False))
    assert [e for e in events if isinstance(e, Usage)] == [Usage(5, 2, None)]
    assert events[-1] == Finished("stop")


async def test_eof_without_finish_is_an_error_keeping_text():
    events = await serve(sse(delta(content="half"), done=False))
    assert text_of(events) == "half"
    err = events[-1]
    assert isinstance(err, StreamError) and err.kind == "network"
    assert "ended before the answer was finished" in err.message


async def test_malformed_json_mid_stream():
    body = sse(
        delta(content="ok"), b'{"choices": [{"delta": {"content": "x"', delta(content="never")
    )
    events = await serve(body)
    assert text_of(events) == "ok"
    err = events[-1]
    assert isinstance(err, StreamError) and err.kind == "protocol"
    assert "malformed JSON" in err.message


async def test_non_streaming_json_reply_still_works():
    reply = {
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "whole"},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 3, "completion_tokens": 1},
    }
    from tests.helpers_client import json_reply

    with LoopbackServer({"/v1/chat/completions": json_reply(200, reply)}) as srv:
        events = await collect(srv.url)
    assert text_of(events) == "whole"
    assert events[-2:] == [Usage(3, 1, None), Finished("stop")]


async def test_responses_reasoning_incomplete_and_failed():
    def ev(kind: str, **fields: object) -> bytes:
        return f"event: {kind}\ndata: {json.dumps({'type': kind, **fields})}\n\n".encode()

    body = (
        ev("response.created", response={"id": "r"})
        + ev("response.reasoning_summary_text.delta", delta="hmm")
        + ev("response.output_text.delta", delta="Hi")
        + ev(
            "response.incomplete",
            response={
                "incomplete_details": {"reason": "max_output_tokens"},
                "usage": {"input_tokens": 2, "output_tokens": 9},
            },
        )
    )
    with LoopbackServer({"/v1/responses": sse_reply(body)}) as srv:
        events = await collect(srv.url, wire="responses")
        sent = srv.seen[0].json()
    assert sent["input"] == [{"role": "user", "content": "hi"}] and sent["stream"] is True
    assert reasoning_of(events) == "hmm" and text_of(events) == "Hi"
    assert events[-2:] == [Usage(2, 9, None), Finished("length")]

    failed = ev("response.output_text.delta", delta="Hi") + ev(
        "response.failed", response={"error": {"code": "server_error", "message": "boom"}}
    )
    with LoopbackServer({"/v1/responses": sse_reply(failed)}) as srv:
        events = await collect(srv.url, wire="responses")
    assert text_of(events) == "Hi"
    assert isinstance(events[-1], StreamError) and "boom" in events[-1].message


async def test_responses_tool_call_and_error_event():
    def ev(kind: str, **fields: object) -> bytes:
        return f"event: {kind}\ndata: {json.dumps({'type': kind, **fields})}\n\n".encode()

    body = (
        ev("response.output_item.added", item={"type": "function_call", "name": "apply_patch"})
        + ev("response.function_call_arguments.delta", delta='{"input": "*** Begin Patch')
        + ev("error", code="rate_limit_exceeded", message="Slow down")
    )
    with LoopbackServer({"/v1/responses": sse_reply(body)}) as srv:
        events = await collect(srv.url, wire="responses", retry=RetryPolicy(0))
    assert text_of(events) == ""
    fragments = [e for e in events if isinstance(e, ToolCallDelta)]
    assert [(f.name, f.arguments) for f in fragments] == [
        ("apply_patch", ""),
        ("", '{"input": "*** Begin Patch'),
    ]
    assert not [e for e in events if isinstance(e, ToolCall)]  # cut short: never run
    err = events[-1]
    assert isinstance(err, StreamError) and err.kind == "rate_limit" and "Slow down" in err.message


async def test_content_parts_and_odd_chunks():
    parts = delta(content=[{"type": "text", "text": "Hel"}, {"type": "text", "text": "lo"}])
    events = await serve(sse(parts, finish()))
    assert text_of(events) == "Hello" and events[-1] == Finished("stop")

    odd = sse(delta(content="ok"), {"choices": ["not a dict"]}, delta(content="never"))
    events = await serve(odd)
    assert text_of(events) == "ok"
    err = events[-1]
    assert isinstance(err, StreamError) and err.kind == "protocol"
    assert "cannot read" in err.message
    assert sum(isinstance(e, (Finished, StreamError)) for e in events) == 1


async def test_done_without_a_finish_reason_is_a_cut_short_answer():
    # llama-cpp-python ends a running answer with a bare [DONE] when another request arrives.
    events = await serve(
        sse(delta(role="assistant"), delta(content="def rev"), delta(content="(s)"))
    )
    assert text_of(events) == "def rev(s)"
    err = events[-1]
    assert isinstance(err, StreamError) and err.kind == "server"
    assert "without a finish reason" in err.message and "partial answer was kept" in err.message
    assert not any(isinstance(e, Finished) for e in events)

    events = await serve(sse(delta(content="done"), finish("stop")))
    assert events[-1] == Finished("stop")
