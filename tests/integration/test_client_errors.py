"""HTTP errors, retries, timeouts and cancellation over real loopback sockets."""

from __future__ import annotations

import asyncio
import socket
import time

import pytest

from redline.backends.client import RetryPolicy, StreamClient, Timeouts
from redline.backends.events import Finished, StreamError, TextDelta
from redline.backends.presets import ProviderPreset
from redline.backends.request import ChatRequest, Message
from tests.helpers_client import (
    LoopbackServer,
    Reply,
    chat_chunk,
    collect,
    json_reply,
    sse_reply,
    stream_fixture,
    text_of,
)

KEY = "test-key-not-real-0123456789"
OK = sse_reply(stream_fixture("openrouter_comments.sse"))


class Sleeps:
    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def err(status: int, message: str = "nope", **headers: str) -> Reply:
    return json_reply(status, {"error": {"message": message, "type": "x"}}, headers=headers)


async def test_401_names_the_env_var_and_never_the_key():
    with LoopbackServer(
        {"/v1/chat/completions": err(401, f"Incorrect API key provided: {KEY}")}
    ) as srv:
        events = await collect(srv.url, key_env="FAKE_API_KEY", api_key=KEY, sleep=Sleeps())
        assert srv.seen[0].headers["authorization"] == f"Bearer {KEY}"
        assert srv.attempts() == 1
    (error,) = events
    assert isinstance(error, StreamError) and error.kind == "auth"
    assert "FAKE_API_KEY" in error.message and "rejected" in error.message
    assert KEY not in error.message and KEY[:12] not in error.message


async def test_403():
    with LoopbackServer({"/v1/chat/completions": err(403, "no access")}) as srv:
        (error,) = await collect(srv.url, key_env="FAKE_API_KEY", api_key=KEY)
    assert isinstance(error, StreamError) and error.kind == "auth"
    assert "HTTP 403" in error.message and "FAKE_API_KEY" in error.message


async def test_missing_key_names_env_var_without_network():
    with LoopbackServer({"/v1/chat/completions": OK}) as srv:
        (error,) = await collect(srv.url, key_env="FAKE_API_KEY", api_key=None)
        assert srv.attempts() == 0
    assert isinstance(error, StreamError) and error.kind == "config"
    assert "FAKE_API_KEY is not set" in error.message and "--provider" in error.message


async def test_404_lists_the_models():
    models = json_reply(200, {"object": "list", "data": [{"id": "alpha"}, {"id": "beta"}]})
    with LoopbackServer(
        {"/v1/chat/completions": err(404, "model not found"), "/v1/models": models}
    ) as srv:
        (error,) = await collect(srv.url)
    assert isinstance(error, StreamError) and error.kind == "config"
    assert "'test-model' was not found" in error.message and "alpha, beta" in error.message


async def test_429_with_short_retry_after_is_retried():
    sleeps = Sleeps()
    routes = {"/v1/chat/completions": [err(429, "slow down", **{"retry-after": "2"}), OK]}
    with LoopbackServer(routes) as srv:
        events = await collect(srv.url, sleep=sleeps)
        assert srv.attempts() == 2
    assert sleeps.calls == [2.0]
    assert text_of(events) == "ok" and events[-1] == Finished("stop")


async def test_429_with_long_wait_is_reported_with_when():
    sleeps = Sleeps()
    routes = {
        "/v1/chat/completions": err(429, "slow down", **{"x-ratelimit-reset-tokens": "1m30s"})
    }
    with LoopbackServer(routes) as srv:
        (error,) = await collect(srv.url, sleep=sleeps)
        assert srv.attempts() == 1
    assert sleeps.calls == []
    assert isinstance(error, StreamError) and error.kind == "rate_limit"
    assert error.retry_after_s == 90 and "retry in 90 s" in error.message


@pytest.mark.parametrize("status", [500, 503])
async def test_5xx_retried_twice_then_reported(status: int):
    sleeps = Sleeps()
    with LoopbackServer({"/v1/chat/completions": err(status, "down")}) as srv:
        (error,) = await collect(srv.url, sleep=sleeps)
        assert srv.attempts() == 3
    assert len(sleeps.calls) == 2
    assert isinstance(error, StreamError) and error.kind == "server"
    assert f"HTTP {status}" in error.message


async def test_5xx_then_success():
    with LoopbackServer({"/v1/chat/completions": [err(500), err(502), OK]}) as srv:
        events = await collect(srv.url, sleep=Sleeps())
        assert srv.attempts() == 3
    assert text_of(events) == "ok"


async def test_never_retry_after_text():
    cut = Reply(chunks=[chat_chunk("partial")], cut=True)
    with LoopbackServer({"/v1/chat/completions": [cut, OK]}) as srv:
        events = await collect(srv.url, sleep=Sleeps())
        assert srv.attempts() == 1
    assert text_of(events) == "partial"
    assert isinstance(events[-1], StreamError) and events[-1].kind == "network"


async def test_disconnect_before_text_is_retried():
    cut = Reply(chunks=[b": hello\n\n"], cut=True)
    with LoopbackServer({"/v1/chat/completions": [cut, OK]}) as srv:
        events = await collect(srv.url, sleep=Sleeps())
        assert srv.attempts() == 2
    assert text_of(events) == "ok"


async def test_error_frame_before_text_is_retried():
    frame = sse_reply(b'data: {"error": {"message": "overloaded", "type": "server_error"}}\n\n')
    with LoopbackServer({"/v1/chat/completions": [frame, OK]}) as srv:
        events = await collect(srv.url, sleep=Sleeps())
        assert srv.attempts() == 2
    assert text_of(events) == "ok"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_connection_refused_names_url():
    url = f"http://127.0.0.1:{_free_port()}/v1"
    sleeps = Sleeps()
    (error,) = await collect(url, sleep=sleeps)
    assert isinstance(error, StreamError) and error.kind == "network"
    assert url in error.message and "connection refused" in error.message
    assert "start" in error.message
    assert sleeps.calls == []  # a local server that is not running is not worth retrying


async def test_stall_after_text_is_a_timeout_keeping_text():
    stall = Reply(chunks=[chat_chunk("so far")], stall_s=5)
    with LoopbackServer({"/v1/chat/completions": stall}) as srv:
        events = await collect(srv.url, timeouts=Timeouts(stall_s=0.3))
    assert text_of(events) == "so far"
    error = events[-1]
    assert isinstance(error, StreamError) and error.kind == "timeout"
    assert "stalled" in error.message


async def test_no_first_token_is_its_own_timeout():
    slow = Reply(chunks=[b": waiting\n\n"], stall_s=5)
    with LoopbackServer({"/v1/chat/completions": slow}) as srv:
        (error,) = await collect(
            srv.url, timeouts=Timeouts(first_token_s=0.3), retry=RetryPolicy(0)
        )
    assert isinstance(error, StreamError) and error.kind == "timeout"
    assert "no first token within 0.3 s" in error.message


async def test_slow_headers_hit_first_token_timeout():
    slow = Reply(chunks=[chat_chunk("late")], header_delay_s=5)
    with LoopbackServer({"/v1/chat/completions": slow}) as srv:
        (error,) = await collect(srv.url, timeouts=Timeouts(first_token_s=0.3))
    assert isinstance(error, StreamError) and error.kind == "timeout"


async def test_cancel_closes_the_connection_fast():
    stall = Reply(chunks=[chat_chunk("tick")] * 3, delay_s=0.01, stall_s=10)
    with LoopbackServer({"/v1/chat/completions": stall}) as srv:
        client = StreamClient(ProviderPreset("t", srv.url, None))
        got: list[object] = []
        seen_text = asyncio.Event()

        async def consume() -> None:
            async for event in client.stream(ChatRequest("m", (Message("user", "hi"),))):
                got.append(event)
                if isinstance(event, TextDelta):
                    seen_text.set()

        task = asyncio.create_task(consume())
        await asyncio.wait_for(seen_text.wait(), 5)
        await asyncio.sleep(0.1)
        cancelled_at = time.perf_counter()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        for _ in range(100):
            if srv.closed_at:
                break
            await asyncio.sleep(0.01)
        await client.aclose()
        assert srv.closed_at, "the server never saw the connection close"
        # Generous bound for a loaded CI machine; benchmarks/client.py reports the real figure.
        assert srv.closed_at[0] - cancelled_at < 1.0
    assert text_of(got) == "ticktickTick".lower()


async def test_connection_is_reused_after_warm():
    models = json_reply(200, {"data": [{"id": "m"}]})
    with LoopbackServer({"/v1/chat/completions": OK, "/v1/models": models}) as srv:
        client = StreamClient(ProviderPreset("t", srv.url, None))
        assert await client.warm()
        for _ in range(2):
            events = [e async for e in client.stream(ChatRequest("m", (Message("user", "hi"),)))]
            assert text_of(events) == "ok"
        await client.aclose()
        assert srv.connections == 1


async def test_cerebras_caps_max_completion_tokens():
    import dataclasses

    from redline.backends.presets import PRESETS

    with LoopbackServer({"/v1/chat/completions": OK}) as srv:
        preset = dataclasses.replace(PRESETS["cerebras"], base_url=srv.url)
        client = StreamClient(preset, api_key=KEY)
        for asked in (None, 100_000, 500):
            request = ChatRequest("gpt-oss-120b", (Message("user", "hi"),), max_tokens=asked)
            [e async for e in client.stream(request)]
        await client.aclose()
        sent = [s.json()["max_completion_tokens"] for s in srv.seen]
    assert sent == [16_384, 16_384, 500]


async def test_a_slow_consumer_is_not_a_stalled_server():
    chunks = [
        chat_chunk("a"),
        chat_chunk("b"),
        b'data: {"choices":[{"delta":{},"finish_reason":"stop"}]}\n\n',
    ]
    with LoopbackServer({"/v1/chat/completions": Reply(chunks=chunks)}) as srv:
        client = StreamClient(ProviderPreset("t", srv.url, None), timeouts=Timeouts(stall_s=0.25))
        events = []
        async for event in client.stream(ChatRequest("m", (Message("user", "hi"),))):
            events.append(event)
            await asyncio.sleep(0.6)  # the consumer, not the server, is slow
        await client.aclose()
    assert text_of(events) == "ab" and events[-1] == Finished("stop")
