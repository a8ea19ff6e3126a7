"""Every stream sample in tests/fixtures/streams, served over a real loopback socket."""

from __future__ import annotations

import pytest

from redline.backends.events import (
    Finished,
    ProviderNotice,
    ServerTiming,
    StreamError,
    TextDelta,
    TextSnapshot,
    Usage,
)
from tests.helpers_client import (
    STREAM_FIXTURES,
    LoopbackServer,
    collect,
    reasoning_of,
    sse_reply,
    stream_fixture,
    text_of,
)

# fixture -> (text, reasoning, last Usage, ServerTiming decode tps, ending)
EXPECTED: dict[str, tuple[str, str, Usage | None, float | None, object]] = {
    "baseten_chat.sse": ("Use a set.", "Let me think.", Usage(40, 8, None), None, Finished("stop")),
    "cerebras_chat.sse": (
        "Here is the fix:\n\n```python\ndef add(a, b):\n    return a + b\n```\n",
        "The user wants an add function.",
        Usage(22, 27, None, 0),
        27 / 0.013694258,
        Finished("stop"),
    ),
    "cerebras_error_frame.sse": ("Partial", "", None, None, "rate_limit"),
    "llamacpp_chat.sse": (
        "Sure, done.",
        "We need to answer",
        Usage(197, 18, None),
        129.34,
        Finished("stop"),
    ),
    "mercury_diffusing.sse": (
        "def fib(n):\n    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b\n    return a",
        "",
        Usage(30, 31, None),
        None,
        Finished("stop"),
    ),
    "mercury2_reasoning_summary.sse": (
        "Use a dict for O(1) lookups.",
        "The user wants fast membership tests; a dict gives constant time.",
        Usage(412, 8, 57, 384),
        None,
        Finished("stop"),
    ),
    "mercury2_diffusing_summary.sse": (
        "def area(r):\n    return 3.14159 * r * r",
        "Area of a circle is pi r squared.",
        Usage(96, 14, 21, 0),
        None,
        Finished("stop"),
    ),
    "cerebras_v2_cached.sse": (
        "Renamed `x` to `count`.",
        "Rename it.",
        Usage(2048, 9, None, 1792),
        9 / 0.0045,
        Finished("stop"),
    ),
    "openai_chat_midstream_error.sse": ("Working on", "", None, None, "server"),
    "openai_chat_usage.sse": (
        "Olá! How can I help?",
        "",
        Usage(19, 75, 64, 0),
        None,
        Finished("stop"),
    ),
    "openai_responses.sse": ("Oi!", "", Usage(19, 118, 64, 0), None, Finished("stop")),
    "openrouter_comments.sse": ("ok", "", None, None, Finished("stop")),
    "openai_chat_tool_calls.sse": ("", "", Usage(412, 38, 0, 0), None, Finished("tool_calls")),
    "cerebras_chat_tool_call.sse": (
        "",
        "I should read the file first.",
        Usage(388, 31, 8),
        31 / 0.015112,
        Finished("tool_calls"),
    ),
    "openai_responses_tool_call.sse": (
        "",
        "",
        Usage(512, 44, 0, 384),
        None,
        Finished("tool_calls"),
    ),
    "openai_responses_reasoning_tool_call.sse": (
        "",
        "**Reading the file first**\n\nI should look at app.py before changing it.",
        Usage(612, 58, 32, 0),
        None,
        Finished("tool_calls"),
    ),
    "openai_responses_reasoning_answer.sse": (
        "app.py defines total(); nothing to change.",
        "",
        Usage(700, 20, 8, 512),
        None,
        Finished("stop"),
    ),
    "baseten_kimi_tool_call.sse": (
        "",
        "I need to read app.py first.",
        Usage(300, 24, None),
        None,
        Finished("tool_calls"),
    ),
    "baseten_kimi_answer.sse": (
        "Nothing to change.",
        "The file is fine.",
        Usage(380, 12, None),
        None,
        Finished("stop"),
    ),
}


def test_every_fixture_has_expectations():
    missing = set(STREAM_FIXTURES) - set(EXPECTED) - {"llama_cpp_python_server.sse"}
    assert not missing


@pytest.mark.parametrize("split", [0, 5])
@pytest.mark.parametrize("name", sorted(EXPECTED))
async def test_fixture_stream(name: str, split: int):
    wire = "responses" if "responses" in name else "chat"
    route = "/v1/responses" if wire == "responses" else "/v1/chat/completions"
    with LoopbackServer({route: sse_reply(stream_fixture(name), split=split)}) as srv:
        events = await collect(srv.url, wire=wire, diffusing="diffusing" in name)
    text, reasoning, usage, decode, ending = EXPECTED[name]
    assert text_of(events) == text
    assert reasoning_of(events) == reasoning
    usages = [e for e in events if isinstance(e, Usage)]
    assert usages[-1:] == ([usage] if usage else [])
    assert len(usages) <= 1  # held back and sent once: cumulative usage is never summed
    timings = [e for e in events if isinstance(e, ServerTiming)]
    if decode is None:
        assert timings == []
    else:
        assert timings[-1].decode_tps == pytest.approx(decode)
    last = events[-1]
    if isinstance(ending, str):
        assert isinstance(last, StreamError) and last.kind == ending
    else:
        assert last == ending
    # Exactly one ending, and it is last.
    assert sum(isinstance(e, (Finished, StreamError)) for e in events) == 1


async def test_mercury_warning_becomes_one_notice():
    body = stream_fixture("mercury2_reasoning_summary.sse")
    with LoopbackServer({"/v1/chat/completions": sse_reply(body, split=7)}) as srv:
        events = await collect(srv.url)
    notices = [e for e in events if isinstance(e, ProviderNotice)]
    assert len(notices) == 1
    assert "temperature 1.8 is outside the supported range" in notices[0].text
    assert notices[0].text.startswith("testprov warned: temperature")


async def test_real_llama_cpp_python_capture():
    with LoopbackServer(
        {"/v1/chat/completions": sse_reply(stream_fixture("llama_cpp_python_server.sse"), split=11)}
    ) as srv:
        events = await collect(srv.url)
    assert text_of(events).startswith("Python code\ndef reverse(linked_list):")
    assert events[-1] == Finished("length")
    assert not any(isinstance(e, Usage) for e in events)


async def test_role_only_first_chunk_is_not_text():
    with LoopbackServer(
        {"/v1/chat/completions": sse_reply(stream_fixture("cerebras_chat.sse"))}
    ) as srv:
        events = await collect(srv.url)
    first = events[0]
    assert not (isinstance(first, TextDelta) and not first.text)
    assert all(e.text for e in events if isinstance(e, TextDelta))


async def test_mercury_snapshots_replace_and_can_be_switched_off():
    body = stream_fixture("mercury_diffusing.sse")
    with LoopbackServer({"/v1/chat/completions": sse_reply(body)}) as srv:
        on = await collect(srv.url, diffusing=True)
        off = await collect(srv.url, diffusing=False)
        assert srv.seen[0].json()["diffusing"] is True
        assert "diffusing" not in srv.seen[1].json()
    assert [type(e) for e in on].count(TextSnapshot) == 4
    assert not any(isinstance(e, TextDelta) for e in on)
    assert not any(isinstance(e, TextSnapshot) for e in off)
