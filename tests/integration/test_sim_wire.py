"""Each simulator profile's wire shape over a real loopback socket, read with raw httpx."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from redline.backends.sim import PROFILES, SimServer
from redline.backends.tokens import count_tokens
from tests.helpers_sim import chat_body, post_stream

FAST = {"rate": 20000.0, "ttft_ms": 5.0}


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10) as c:
        yield c


def serve(profile: str, **kwargs: object) -> SimServer:
    return SimServer(profile, **{**FAST, **kwargs})  # type: ignore[arg-type]


@pytest.mark.parametrize("profile", list(PROFILES))
def test_models_lists_the_profiles_model_ids(profile: str, client: httpx.Client) -> None:
    with serve(profile) as sim:
        assert sim.base_url.endswith("/v1")
        data = client.get(sim.base_url + "/models").json()
    assert [m["id"] for m in data["data"]] == list(PROFILES[profile].models)
    assert data["object"] == "list"


def test_cerebras_shape(client: httpx.Client) -> None:
    with serve("cerebras") as sim:
        raw = post_stream(client, sim.base_url + "/chat/completions", chat_body(max_tokens=300))
    assert raw.status == 200
    assert raw.headers["content-type"].startswith("text/event-stream")
    chunks = raw.chunks
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant"}
    assert raw.text("reasoning")  # reasoning in delta.reasoning
    assert raw.text().startswith("*Simulated reply")
    last = chunks[-1]
    assert last["choices"][0]["finish_reason"] == "stop"
    assert last["usage"]["completion_tokens"] == 300
    info = last["time_info"]
    assert last["usage"]["completion_tokens"] / info["completion_time"] == pytest.approx(20000)
    assert all(data != "[DONE]" for _, data in raw.frames)  # Cerebras sends no [DONE]
    assert count_tokens(raw.text()) + count_tokens(raw.text("reasoning")) == 300


def test_baseten_shape_cumulative_usage_on_every_chunk(client: httpx.Client) -> None:
    with serve("baseten") as sim:
        raw = post_stream(client, sim.base_url + "/chat/completions", chat_body(max_tokens=50))
    chunks = raw.chunks
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    assert all("usage" in c for c in chunks)
    counts = [c["usage"]["completion_tokens"] for c in chunks]
    assert counts == sorted(counts) and counts[-1] == 50
    assert raw.text("reasoning_content")
    assert raw.frames[-1][1] == "[DONE]"


def test_mercury_diffusing_sends_whole_text_snapshots(client: httpx.Client) -> None:
    with serve("mercury") as sim:
        url = sim.base_url + "/chat/completions"
        raw = post_stream(client, url, chat_body(max_tokens=120, diffusing=True))
        plain = post_stream(client, url, chat_body(max_tokens=120))
    snapshots = [
        c["choices"][0]["delta"]["content"] for c in raw.chunks if c["choices"][0]["delta"]
    ]
    assert len(snapshots) >= 2
    assert raw.chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    assert snapshots[-1] == plain.text()  # the last snapshot is the answer itself
    assert snapshots[0] != snapshots[-1]
    assert raw.chunks[-1]["usage"]["completion_tokens"] == 120
    assert raw.frames[-1][1] == "[DONE]"


def test_openai_usage_only_when_asked(client: httpx.Client) -> None:
    with serve("openai") as sim:
        url = sim.base_url + "/chat/completions"
        asked = post_stream(client, url, chat_body(stream_options={"include_usage": True}))
        silent = post_stream(client, url, chat_body())
    first = asked.chunks[0]["choices"][0]["delta"]
    assert first == {"role": "assistant", "content": ""}
    assert asked.chunks[-1]["choices"] == []
    assert asked.chunks[-1]["usage"]["completion_tokens"] == 60
    assert all("usage" not in c for c in silent.chunks)
    assert asked.frames[-1][1] == "[DONE]" == silent.frames[-1][1]


def test_llamacpp_shape_keepalive_and_timings(client: httpx.Client) -> None:
    with serve("llamacpp") as sim:
        raw = post_stream(client, sim.base_url + "/chat/completions", chat_body())
    assert raw.comments >= 1
    assert raw.chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": None}
    assert raw.text("reasoning_content")
    final = raw.chunks[-1]
    assert final["choices"] == []
    assert final["timings"]["predicted_per_second"] == pytest.approx(20000)
    assert final["usage"]["completion_tokens"] == 60


def test_responses_api_named_events(client: httpx.Client) -> None:
    with serve("openai") as sim:
        raw = post_stream(
            client,
            sim.base_url + "/responses",
            {"model": "gpt-5-codex", "stream": True, "input": "hi", "max_output_tokens": 200},
        )
    names = [name for name, _ in raw.frames]
    assert names[0] == "response.created"
    assert "response.output_text.delta" in names
    assert names[-1] == "response.completed"
    text = "".join(c["delta"] for c in raw.chunks if c["type"] == "response.output_text.delta")
    done = next(c for c in raw.chunks if c["type"] == "response.output_text.done")
    assert done["text"] == text
    assert raw.chunks[-1]["response"]["usage"]["output_tokens"] == 200
    assert all(data != "[DONE]" for _, data in raw.frames)


def test_keep_alive_serves_several_requests_on_one_connection(client: httpx.Client) -> None:
    with serve("cerebras") as sim:
        for _ in range(3):
            raw = post_stream(client, sim.base_url + "/chat/completions", chat_body(max_tokens=10))
            assert raw.chunks[-1]["usage"]["completion_tokens"] == 10
        assert client.get(sim.base_url + "/models").status_code == 200
        assert sim.requests == 4
    # httpx reused one connection: the pool holds exactly one.
    assert len(client._transport._pool.connections) == 1  # type: ignore[attr-defined]


def test_close_delimited_streams_end_with_the_connection(client: httpx.Client) -> None:
    with serve("openai", close_delimited=True) as sim:
        raw = post_stream(client, sim.base_url + "/chat/completions", chat_body(max_tokens=20))
    assert "transfer-encoding" not in raw.headers
    assert raw.headers["connection"] == "close"
    assert raw.frames[-1][1] == "[DONE]"


def test_replies_are_deterministic_and_seedable(client: httpx.Client) -> None:
    context = "a.py\n```python\nx = 1\n```\n\nb.py\n```python\ny = 2\n```\n"
    body = chat_body("add a comment", max_tokens=80)
    body["messages"].insert(0, {"role": "system", "content": context})
    with serve("openai") as sim:
        url = sim.base_url + "/chat/completions"
        one = post_stream(client, url, body).text()
        two = post_stream(client, url, body).text()
        seeded = post_stream(client, url, body, {"x-redline-sim-seed": "1"}).text()
    assert one == two
    assert "`a.py`" in one and "`b.py`" in seeded


def test_reasoning_can_be_turned_off(client: httpx.Client) -> None:
    with serve("baseten") as sim:
        raw = post_stream(
            client,
            sim.base_url + "/chat/completions",
            chat_body(chat_template_args={"enable_thinking": False}),
        )
    assert raw.text("reasoning_content") == ""


def test_non_streaming_request_gets_a_whole_completion(client: httpx.Client) -> None:
    with serve("cerebras") as sim:
        body = chat_body(max_tokens=30)
        body["stream"] = False
        data = client.post(sim.base_url + "/chat/completions", json=body).json()
    assert data["object"] == "chat.completion"
    assert data["usage"]["completion_tokens"] == 30
    assert data["choices"][0]["message"]["content"].startswith("*Simulated")


def test_per_request_overrides_and_unknown_routes(client: httpx.Client) -> None:
    with serve("cerebras") as sim:
        raw = post_stream(
            client,
            sim.base_url + "/chat/completions",
            chat_body(max_tokens=40),
            {"x-redline-sim-chunk": "10"},
        )
        missing = client.get(sim.base_url + "/nowhere")
        bad = client.post(sim.base_url + "/chat/completions", content=b"{not json")
    deltas = [c for c in raw.chunks if c["choices"] and c["choices"][0]["delta"].get("content")]
    assert len(deltas) <= 4 + 1
    assert missing.status_code == 404 and "/v1/chat/completions" in missing.text
    assert bad.status_code == 400 and "JSON" in bad.json()["error"]["message"]


async def test_async_api_start_and_stop() -> None:
    sim = SimServer("cerebras", **FAST)  # type: ignore[arg-type]
    url = await sim.start()
    async with httpx.AsyncClient() as client:
        response = await client.get(url + "/models")
    await sim.stop()
    assert response.status_code == 200
    with pytest.raises(httpx.ConnectError):
        async with httpx.AsyncClient() as client:
            await client.get(url + "/models")


def test_bad_parameters_are_clear_errors() -> None:
    with pytest.raises(ValueError, match="cerebras, baseten"):
        SimServer("nope")
    with pytest.raises(ValueError, match="rate"):
        SimServer("cerebras", rate=0)


def test_expect_100_continue_is_answered() -> None:
    import socket

    with serve("openai") as sim:
        body = b'{"model":"m","max_tokens":20,"messages":[{"role":"user","content":"hi"}]}'
        with socket.create_connection(("127.0.0.1", sim.port), timeout=5) as sock:
            sock.sendall(
                b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body)
            )
            assert sock.recv(100).startswith(b"HTTP/1.1 100 Continue\r\n\r\n")
            sock.sendall(body)
            answer = b""
            while b'"completion_tokens": 20' not in answer:
                chunk = sock.recv(65536)
                assert chunk
                answer += chunk
    assert answer.startswith(b"HTTP/1.1 200 OK")
