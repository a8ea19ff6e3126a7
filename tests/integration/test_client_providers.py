"""What each seed provider gets on the wire: knobs, headers, compressed bodies (over loopback)."""

from __future__ import annotations

import dataclasses
import gzip
import json

from redline.backends._body import GZIP_MIN_BYTES
from redline.backends.client import StreamClient
from redline.backends.events import Finished
from redline.backends.options import ModelKnobs
from redline.backends.presets import PRESETS
from redline.backends.request import ChatRequest, Message
from tests.helpers_client import LoopbackServer, Seen, sse_reply, stream_fixture


def body_of(seen: Seen) -> dict[str, object]:
    raw = seen.body
    if seen.headers.get("content-encoding") == "gzip":
        raw = gzip.decompress(raw)
    return json.loads(raw)  # type: ignore[no-any-return]


async def send(
    preset_name: str,
    fixture: str,
    request: ChatRequest,
    *,
    knobs: dict[str, ModelKnobs] | None = None,
) -> tuple[list[object], list[Seen]]:
    with LoopbackServer({"/v1/chat/completions": sse_reply(stream_fixture(fixture))}) as srv:
        preset = dataclasses.replace(PRESETS[preset_name], base_url=srv.url)
        client = StreamClient(preset, api_key="fake-key-for-tests", model_knobs=knobs)
        try:
            events = [e async for e in client.stream(request)]
            events += [e async for e in client.stream(request)]
        finally:
            await client.aclose()
        return events, list(srv.seen)


def ask(model: str, text: str = "hi", session: str | None = None) -> ChatRequest:
    return ChatRequest(
        model, (Message("system", "be brief"), Message("user", text)), session_id=session
    )


async def test_mercury_2_knobs_go_through_per_model_config():
    knobs = {
        "mercury-2": ModelKnobs(
            reasoning_effort="instant", realtime=True, reasoning_summary=True, max_tokens=90_000
        )
    }
    events, seen = await send(
        "inception", "mercury2_reasoning_summary.sse", ask("mercury-2"), knobs=knobs
    )
    body = body_of(seen[0])
    assert body["reasoning_effort"] == "instant"
    assert body["realtime"] is True
    assert body["reasoning_summary"] is True
    assert body["max_tokens"] == 50_000  # Mercury 2's ceiling
    assert [m["role"] for m in body["messages"]] == ["system", "user"]  # never "developer"
    assert Finished("stop") in events


async def test_mercury_2_sends_no_token_limit_unless_asked():
    _, seen = await send("inception", "mercury2_reasoning_summary.sse", ask("mercury-2"))
    body = body_of(seen[0])
    assert "max_tokens" not in body  # the server's default (16,384) applies
    assert "reasoning_summary" not in body  # opt-in
    assert PRESETS["inception"].default_model == "mercury-2"


async def test_baseten_session_affinity_is_one_id_per_session():
    fixture = "baseten_chat.sse"
    _, first = await send("baseten", fixture, ask("moonshotai/Kimi-K2.5", session="sess-a"))
    _, second = await send("baseten", fixture, ask("moonshotai/Kimi-K2.5", session="sess-b"))
    assert [s.headers.get("x-session-affinity") for s in first] == ["sess-a", "sess-a"]
    assert [s.headers.get("x-session-affinity") for s in second] == ["sess-b", "sess-b"]
    _, other = await send("cerebras", "cerebras_chat.sse", ask("gpt-oss-120b", session="sess-a"))
    assert "x-session-affinity" not in other[0].headers  # only where the provider routes by it


async def test_baseten_reasoning_switch_for_kimi_and_glm():
    knobs = {
        "moonshotai/Kimi-K2.5": ModelKnobs(reasoning=True),
        "zai-org/GLM-4.7": ModelKnobs(reasoning=False),
    }
    _, kimi = await send("baseten", "baseten_chat.sse", ask("moonshotai/Kimi-K2.5"), knobs=knobs)
    _, glm = await send("baseten", "baseten_chat.sse", ask("zai-org/GLM-4.7"), knobs=knobs)
    assert body_of(kimi[0])["chat_template_args"] == {"thinking": True}
    assert body_of(glm[0])["chat_template_args"] == {"enable_thinking": False}
    _, plain = await send("baseten", "baseten_chat.sse", ask("openai/gpt-oss-120b"))
    assert "chat_template_args" not in body_of(plain[0])


async def test_cerebras_gzips_large_bodies_only_and_pins_api_v2():
    big = "def f():\n    return 1\n" * (GZIP_MIN_BYTES // 10)
    events, seen = await send("cerebras", "cerebras_v2_cached.sse", ask("gpt-oss-120b", big))
    assert seen[0].headers.get("content-encoding") == "gzip"
    assert len(seen[0].body) < GZIP_MIN_BYTES
    assert body_of(seen[0])["messages"][1]["content"] == big  # type: ignore[index]
    assert seen[0].headers.get("x-cerebras-version-patch") == "2"
    assert Finished("stop") in events
    _, small = await send("cerebras", "cerebras_v2_cached.sse", ask("gpt-oss-120b", "hi"))
    assert "content-encoding" not in small[0].headers
    _, other = await send("baseten", "baseten_chat.sse", ask("openai/gpt-oss-120b", big))
    assert "content-encoding" not in other[0].headers  # only providers that document it


async def test_request_prefix_is_byte_stable_across_turns():
    # Cerebras caches prompt prefixes: the same system prompt and history must serialise to
    # the same leading bytes on the next turn.
    turn1 = ask("gpt-oss-120b", "first question")
    history = (*turn1.messages, Message("assistant", "answer one"), Message("user", "second"))
    turn2 = ChatRequest("gpt-oss-120b", history)
    _, s1 = await send("cerebras", "cerebras_v2_cached.sse", turn1)
    _, s2 = await send("cerebras", "cerebras_v2_cached.sse", turn2)
    head1, head2 = s1[0].body, s2[0].body
    cut = head1.index(b"first question")
    assert head2[:cut] == head1[:cut]


async def test_a_low_rate_limit_budget_becomes_a_notice():
    from redline.backends.events import ProviderNotice

    headers = {
        "x-ratelimit-limit-tokens-minute": "60000",
        "x-ratelimit-remaining-tokens-minute": "900",
        "x-ratelimit-reset-tokens-minute": "12",
    }
    reply = sse_reply(stream_fixture("cerebras_v2_cached.sse"), headers=headers)
    with LoopbackServer({"/v1/chat/completions": reply}) as srv:
        preset = dataclasses.replace(PRESETS["cerebras"], base_url=srv.url)
        client = StreamClient(preset, api_key="fake-key-for-tests")
        try:
            events = [e async for e in client.stream(ask("gpt-oss-120b"))]
        finally:
            await client.aclose()
    notices = [e.text for e in events if isinstance(e, ProviderNotice)]
    assert notices == [
        "cerebras rate limit running low: 900 of 60,000 tokens this minute left, refills in 12 s."
    ]
