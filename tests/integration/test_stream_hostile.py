"""Hostile streams: invalid Unicode never costs the answer; huge bodies are read only so far."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from redline.backends.client import ERROR_BODY_LIMIT, StreamClient
from redline.backends.presets import ProviderPreset
from redline.backends.request import ChatRequest, Message
from tests.helpers_client import LoopbackServer, Reply, json_reply, sse_reply

MODELS = json_reply(200, {"object": "list", "data": [{"id": "m"}]})
DONE = b'data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n'


def _content(raw_json_string: bytes) -> bytes:
    return b'data: {"choices":[{"index":0,"delta":{"content":%s}}]}\n\n' % raw_json_string


class Endless(Sequence[bytes]):
    """``count`` chunks of 64 KiB served lazily, counting how many were asked for."""

    def __init__(self, count: int, piece: bytes = b"x" * 65536) -> None:
        self.count, self.piece, self.served = count, piece, 0

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, i):  # type: ignore[no-untyped-def,override]
        if not isinstance(i, int) or i >= self.count:
            raise IndexError(i)
        self.served += 1
        return self.piece


def _exec_json(run_redline, url: str, cwd: Path, *extra: str) -> dict[str, object]:
    result = run_redline(
        "exec", "hi", "--provider", "llamacpp", "--base-url", url, "--no-context", "--json",
        *extra, cwd=cwd,
    )  # fmt: skip
    assert result.stdout.count("\n") == 1, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_a_lone_surrogate_becomes_replacement_and_the_answer_survives(run_redline, tmp_path):
    body = _content(b'"before "') + _content(b'"\\ud800 lone \\uDC00"') + _content(b'" after"')
    routes = {"/v1/chat/completions": sse_reply(body + DONE), "/v1/models": MODELS}
    with LoopbackServer(routes) as srv:  # type: ignore[arg-type]
        obj = _exec_json(run_redline, srv.url, tmp_path)
    assert obj["text"] == "before \ufffd lone \ufffd after" and obj["error"] is None


def test_a_surrogate_pair_escape_is_kept(run_redline, tmp_path):
    body = _content(b'"smile \\ud83d\\ude00"') + DONE
    routes = {"/v1/chat/completions": sse_reply(body), "/v1/models": MODELS}
    with LoopbackServer(routes) as srv:  # type: ignore[arg-type]
        assert _exec_json(run_redline, srv.url, tmp_path)["text"] == "smile \U0001f600"


def test_invalid_utf8_bytes_become_replacement(run_redline, tmp_path):
    body = _content(b'"ok \xff\xfe bad \xed\xa0\x80 end"') + DONE
    routes = {"/v1/chat/completions": sse_reply(body, split=5), "/v1/models": MODELS}
    with LoopbackServer(routes) as srv:  # type: ignore[arg-type]
        obj = _exec_json(run_redline, srv.url, tmp_path)
    assert str(obj["text"]).startswith("ok ") and str(obj["text"]).endswith(" end")
    assert "\ufffd" in str(obj["text"]) and obj["error"] is None


def test_a_lone_surrogate_in_an_error_body_is_a_sentence(run_redline, tmp_path):
    bad = Reply(
        status=400,
        chunks=[b'{"error": {"message": "nope \\ud800"}}'],
        content_type="application/json",
    )
    with LoopbackServer({"/v1/chat/completions": bad, "/v1/models": MODELS}) as srv:
        obj = _exec_json(run_redline, srv.url, tmp_path)
    error = obj["error"]
    assert isinstance(error, dict) and "nope \ufffd" in error["message"]


async def test_a_huge_error_body_is_cut_on_every_retry():
    endless = Endless(3200)  # 200 MB if read whole
    reply = Reply(status=500, chunks=endless, content_type="text/html")
    with LoopbackServer({"/v1/chat/completions": reply}) as srv:
        client = StreamClient(ProviderPreset("p", srv.url, None), sleep=_no_sleep)
        try:
            request = ChatRequest(model="m", messages=(Message("user", "hi"),))
            events = [e async for e in client.stream(request)]
        finally:
            await client.aclose()
        attempts = srv.attempts()
    assert attempts > 1  # a 500 is retried ...
    assert type(events[-1]).__name__ == "StreamError" and events[-1].kind == "server"
    # ... and no attempt read more than the cap plus what socket buffers hold
    assert endless.served * 65536 < attempts * (ERROR_BODY_LIMIT + 16 * 1024 * 1024)


async def test_a_huge_non_stream_body_is_cut():
    endless = Endless(3200)
    reply = Reply(status=200, chunks=endless, content_type="text/html")
    with LoopbackServer({"/v1/chat/completions": reply}) as srv:
        client = StreamClient(ProviderPreset("p", srv.url, None), sleep=_no_sleep)
        try:
            request = ChatRequest(model="m", messages=(Message("user", "hi"),))
            events = [e async for e in client.stream(request)]
        finally:
            await client.aclose()
    assert events[-1].kind == "protocol"  # type: ignore[union-attr]
    assert endless.served < 3200 // 4


async def _no_sleep(_: float) -> None:
    return None
