"""The OpenAI preset at a custom base URL finds the wire the server speaks (over loopback)."""

from __future__ import annotations

import dataclasses

from redline.backends.client import StreamClient
from redline.backends.events import Finished, ProviderNotice, StreamError
from redline.backends.presets import PRESETS
from redline.backends.request import ChatRequest, Message
from tests.helpers_client import LoopbackServer, json_reply, sse_reply, stream_fixture, text_of


def openai_at(url: str, wire: str | None = None) -> StreamClient:
    return StreamClient(PRESETS["openai"], base_url=url, api_key="fake-key-for-tests", wire=wire)


REQUEST = ChatRequest("local-model", (Message("system", "be brief"), Message("user", "hi")))


async def run(client: StreamClient) -> list[object]:
    return [e async for e in client.stream(REQUEST)]


async def test_404_on_responses_switches_to_chat_and_says_so_once():
    chat = sse_reply(stream_fixture("openai_chat_usage.sse"))
    with LoopbackServer({"/v1/chat/completions": chat}) as srv:
        client = openai_at(srv.url)
        try:
            first = await run(client)
            second = await run(client)
        finally:
            await client.aclose()
        paths = [s.path for s in srv.seen]
    assert paths == ["/v1/responses", "/v1/chat/completions", "/v1/chat/completions"]
    assert text_of(first) == text_of(second) == "Olá! How can I help?"
    notices = [e for e in first + second if isinstance(e, ProviderNotice)]
    assert len(notices) == 1 and "speaks Chat Completions" in notices[0].text
    assert first[-1] == Finished("stop")
    assert "messages" in srv.seen[1].json()  # the retry is a real Chat Completions body


async def test_chat_chunks_where_responses_events_were_expected():
    chat = sse_reply(stream_fixture("openai_chat_usage.sse"), split=9)
    with LoopbackServer({"/v1/responses": chat}) as srv:
        client = openai_at(srv.url)
        try:
            events = await run(client)
        finally:
            await client.aclose()
    assert text_of(events) == "Olá! How can I help?"
    assert events[-1] == Finished("stop")
    assert sum(isinstance(e, ProviderNotice) for e in events) == 1
    assert not any(isinstance(e, StreamError) for e in events)
    assert client.wire == "chat"


async def test_explicit_wire_responses_on_a_chat_only_server_suggests_wire_chat():
    with LoopbackServer({"/v1/models": json_reply(200, {"data": [{"id": "local-model"}]})}) as srv:
        client = openai_at(srv.url, wire="responses")
        try:
            events = await run(client)
        finally:
            await client.aclose()
        assert srv.attempts("/v1/chat/completions") == 0
    error = events[-1]
    assert isinstance(error, StreamError) and error.kind == "config"
    assert "--wire chat" in error.message


async def test_the_real_openai_url_is_not_second_guessed():
    client = StreamClient(
        dataclasses.replace(PRESETS["openai"], base_url="http://127.0.0.1:9/v1"),
        api_key="fake-key-for-tests",
    )
    try:
        assert client.wire == "responses"
        assert not client._detect_wire  # the preset's own URL: a 404 is a real 404
    finally:
        await client.aclose()
