"""Local servers: exact counts from their tokenizer, an empty stream, no probe mid-answer."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from redline.backends.client import ProviderError, StreamClient
from redline.backends.events import StreamError, TextDelta
from redline.backends.model_cache import ModelListCache
from redline.backends.presets import ProviderPreset
from redline.backends.request import ChatRequest, Message
from tests.helpers_client import LoopbackServer, Reply, json_reply, sse_reply, stream_fixture


def local(url: str, **kwargs: object) -> StreamClient:
    return StreamClient(ProviderPreset("llamacpp", url, None, local=True), **kwargs)  # type: ignore[arg-type]


REQUEST = ChatRequest("gemma", (Message("system", "edit files"), Message("user", "x " * 3000)))


def llama_server_tokenize(body: dict[str, object]) -> Reply:
    # One token per character: a stand-in tokenizer that differs from redline's estimate.
    assert body.get("add_special") is False
    return json_reply(200, {"tokens": list(range(len(str(body["content"]))))})


def llama_cpp_python_count(body: dict[str, object]) -> Reply:
    # Counts with a BOS token, as llama-cpp-python's /extras/tokenize/count does.
    return json_reply(200, {"count": 1 + len(str(body["input"]))})


async def test_llama_server_counts_exactly_with_its_tokenize_endpoint():
    routes = {"/tokenize": llama_server_tokenize}
    with LoopbackServer(routes) as srv:  # type: ignore[arg-type]
        client = local(srv.url)
        try:
            assert await client.count_tokens(["héllo", "", "ab"]) == 7
            assert await client.count_tokens(["abc"]) == 3
        finally:
            await client.aclose()
        assert srv.attempts("/extras/tokenize/count") == 0


async def test_llama_cpp_python_counts_without_its_bos_token():
    routes = {"/extras/tokenize/count": llama_cpp_python_count}
    with LoopbackServer(routes) as srv:  # type: ignore[arg-type]
        client = local(srv.url)
        try:
            assert await client.count_tokens(["12345", "日本"]) == 7
            assert await client.count_tokens(["x"]) == 1
        finally:
            await client.aclose()
        assert srv.attempts("/tokenize") == 1  # tried once, then remembered


async def test_a_server_without_tokenize_is_asked_once():
    with LoopbackServer({}) as srv:
        client = local(srv.url)
        try:
            assert await client.count_tokens(["abc"]) is None
            assert await client.count_tokens(["abc"]) is None
        finally:
            await client.aclose()
        assert srv.attempts("/tokenize") == 1


async def test_remote_servers_are_never_asked_to_tokenize():
    client = StreamClient(ProviderPreset("cerebras", "https://api.cerebras.ai/v1", None))
    try:
        assert await client.count_tokens(["abc"]) is None
    finally:
        await client.aclose()


async def test_an_empty_200_stream_means_the_prompt_may_not_fit_and_is_not_retried():
    with LoopbackServer({"/v1/chat/completions": Reply(chunks=[])}) as srv:
        client = local(srv.url)
        try:
            events = [e async for e in client.stream(REQUEST)]
        finally:
            await client.aclose()
        assert srv.attempts() == 1
    assert len(events) == 1
    error = events[0]
    assert isinstance(error, StreamError) and error.kind == "config"
    assert "may exceed the model's context" in error.message
    assert "about 3," in error.message  # the prompt's size, estimated


async def test_no_model_list_request_while_a_local_server_streams(tmp_path: Path):
    body = stream_fixture("llama_cpp_python_server.sse")
    models = json_reply(200, {"data": [{"id": "gemma"}]})
    routes = {
        "/v1/chat/completions": sse_reply(body, split=4096, delay_s=0.01),
        "/v1/models": models,
    }
    with LoopbackServer(routes) as srv:  # type: ignore[arg-type]
        client = local(srv.url, model_cache=ModelListCache(tmp_path))
        try:
            asked: list[object] = []
            async for event in client.stream(REQUEST):
                if isinstance(event, TextDelta) and not asked:
                    assert client.busy
                    try:
                        asked.append(await client.list_models())
                    except ProviderError as exc:
                        asked.append(exc.error.message)
            assert not client.busy
            after = await client.list_models()
        finally:
            await client.aclose()
        assert srv.attempts("/v1/models") == 1  # only after the answer
    assert "busy answering" in str(asked[0])
    assert after == ["gemma"]


async def test_model_list_comes_from_the_disk_cache_and_works_offline(tmp_path: Path):
    cache = ModelListCache(tmp_path, ttl_s=600)
    models = json_reply(200, {"data": [{"id": "m1"}, {"id": "m2"}]})
    with LoopbackServer({"/v1/models": models}) as srv:
        url = srv.url
        client = local(url, model_cache=cache)
        try:
            assert await client.list_models() == ["m1", "m2"]
        finally:
            await client.aclose()
        fresh = local(url, model_cache=cache)  # a new session: no request needed
        try:
            assert await fresh.list_models() == ["m1", "m2"]
        finally:
            await fresh.aclose()
        assert srv.attempts("/v1/models") == 1
    stale = ModelListCache(tmp_path, ttl_s=0)
    offline = local(url, model_cache=stale)  # the server is gone now
    try:
        assert await asyncio.wait_for(offline.list_models(), 10) == ["m1", "m2"]
    finally:
        await offline.aclose()
    stored = json.loads(next(tmp_path.glob("*.json")).read_text())
    assert stored["ids"] == ["m1", "m2"] and set(stored) == {"saved", "ids"}
