"""`redline exec --json` with the seed providers' stream shapes, over loopback."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers_client import LoopbackServer, Reply, json_reply, sse_reply, stream_fixture

MODELS = json_reply(200, {"object": "list", "data": [{"id": "mercury-2"}]})


def exec_json(run_redline, url: str, tmp_path: Path, *extra: str) -> dict[str, object]:
    result = run_redline(
        "exec",
        "hi",
        "--provider",
        "llamacpp",
        "--base-url",
        url,
        "--json",
        "--no-context",
        *extra,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_mercury_warning_cached_and_reasoning_tokens(run_redline, tmp_path: Path):
    body = stream_fixture("mercury2_reasoning_summary.sse")
    routes = {"/v1/chat/completions": sse_reply(body, split=50), "/v1/models": MODELS}
    with LoopbackServer(routes) as srv:  # type: ignore[arg-type]
        obj = exec_json(run_redline, srv.url, tmp_path, "--model", "mercury-2")
    assert obj["warnings"] == [
        "llamacpp warned: temperature 1.8 is outside the supported range [0.5, 1.0]; "
        "it was reset to 0.75."
    ]
    assert obj["reasoning"] == "The user wants fast membership tests; a dict gives constant time."
    stats = obj["stats"]
    assert isinstance(stats, dict)
    assert stats["cached_tokens"] == 384 and stats["reasoning_tokens"] == 57
    assert stats["output_tokens"] == 8 and stats["tokens_exact"] is True
    assert stats["prompt_tokens"] == 412


def test_cerebras_v2_absent_fields_and_cached_tokens(run_redline, tmp_path: Path):
    body = stream_fixture("cerebras_v2_cached.sse")
    routes = {"/v1/chat/completions": sse_reply(body, split=33), "/v1/models": MODELS}
    with LoopbackServer(routes) as srv:  # type: ignore[arg-type]
        obj = exec_json(run_redline, srv.url, tmp_path)
    assert obj["text"] == "Renamed `x` to `count`." and obj["error"] is None
    assert obj["warnings"] == []
    stats = obj["stats"]
    assert isinstance(stats, dict)
    assert stats["cached_tokens"] == 1792 and stats["prompt_tokens"] == 2048


def test_llama_cpp_python_without_usage_is_counted_exactly(run_redline, tmp_path: Path):
    def count(body: dict[str, object]) -> Reply:
        return json_reply(200, {"count": 1 + len(str(body["input"]).split())})

    body = stream_fixture("llama_cpp_python_server.sse")
    routes = {
        "/v1/chat/completions": sse_reply(body, split=4096),
        "/v1/models": MODELS,
        "/extras/tokenize/count": count,
    }
    with LoopbackServer(routes) as srv:  # type: ignore[arg-type]
        obj = exec_json(run_redline, srv.url, tmp_path)
        counted = [s.json()["input"] for s in srv.seen if s.path == "/extras/tokenize/count"]
        chat_at = [i for i, s in enumerate(srv.seen) if s.path == "/v1/chat/completions"]
        count_at = [i for i, s in enumerate(srv.seen) if s.path == "/extras/tokenize/count"]
    stats = obj["stats"]
    assert isinstance(stats, dict)
    text = str(obj["text"])
    assert stats["tokens_exact"] is True
    assert stats["output_tokens"] == len(text.split())
    assert counted == ["", text]  # the BOS baseline, then the answer
    assert min(count_at) > max(chat_at)  # asked only after the answer had streamed
