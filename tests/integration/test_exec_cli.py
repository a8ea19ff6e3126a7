"""`redline exec` and `redline providers` as a person runs them, against a loopback server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from redline.config import user_config_path
from tests.helpers_client import LoopbackServer, json_reply, sse_reply, stream_fixture
from tests.helpers_local import dead_local_presets_toml

FAKE_KEY = "test-key-not-real-7f3a9c1e5b"
MODELS = json_reply(
    200, {"object": "list", "data": [{"id": "zai-glm-4.7"}, {"id": "gpt-oss-120b"}]}
)
STATS_FIELDS = {
    "ttft_ms",
    "output_tokens",
    "tokens_exact",
    "decode_tps",
    "e2e_tps",
    "server_tps",
    "duration_ms",
    "prompt_tokens",
    "cached_tokens",
    "reasoning_tokens",
    "cost_usd",
    "model_ms",
    "tool_ms",
    "overhead_ms",
}
TOP_FIELDS = {
    "provider",
    "model",
    "text",
    "reasoning",
    "finish_reason",
    "stats",
    "edits",
    "steps",
    "commit",
    "warnings",
    "error",
}


def server(name: str = "cerebras_chat.sse", **routes: object) -> LoopbackServer:
    return LoopbackServer(
        {
            "/v1/chat/completions": sse_reply(stream_fixture(name), split=64),
            "/v1/models": MODELS,
            **routes,  # type: ignore[dict-item]
        }
    )


def test_exec_json_has_exactly_the_documented_fields(run_redline, tmp_path: Path):
    with server() as srv:
        result = run_redline(
            "exec",
            "add two numbers",
            "--provider",
            "llamacpp",
            "--base-url",
            srv.url,
            "--model",
            "zai-glm-4.7",
            "--json",
            "--no-context",
            cwd=tmp_path,
        )
        sent = srv.seen[-1].json()
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    obj = json.loads(lines[0])
    assert set(obj) == TOP_FIELDS and set(obj["stats"]) == STATS_FIELDS
    assert obj["provider"] == "llamacpp" and obj["model"] == "zai-glm-4.7"
    assert obj["text"].startswith("Here is the fix:") and obj["text"].endswith("```\n")
    assert obj["reasoning"] == "The user wants an add function."
    assert obj["finish_reason"] == "stop"
    assert obj["edits"] == [] and obj["commit"] is None and obj["error"] is None
    stats = obj["stats"]
    assert stats["output_tokens"] == 27 and stats["tokens_exact"] is True
    assert stats["prompt_tokens"] == 22
    assert stats["cost_usd"] == 0.0  # a local server costs nothing
    assert stats["server_tps"] == pytest.approx(27 / 0.013694258, rel=1e-3)
    assert stats["ttft_ms"] is not None and stats["duration_ms"] > 0
    assert sent["messages"][-1] == {"role": "user", "content": "add two numbers"}
    assert (
        sent["messages"][0]["role"] == "system" and "apply_patch" in sent["messages"][0]["content"]
    )
    names = [t["function"]["name"] for t in sent["tools"]]  # the agent's tools are offered
    assert names == ["read_file", "list_files", "search", "apply_patch", "shell"]


def test_exec_streams_text_to_stdout_and_summary_to_stderr(run_redline, tmp_path: Path):
    with server() as srv:
        result = run_redline(
            "exec",
            "hi",
            "--provider",
            "llamacpp",
            "--base-url",
            srv.url,
            "--no-context",
            cwd=tmp_path,
        )
    assert result.returncode == 0, result.stderr
    assert (
        result.stdout == "Here is the fix:\n\n```python\ndef add(a, b):\n    return a + b\n```\n\n"
    )
    summary = result.stderr.strip().splitlines()[-1]
    assert "llamacpp" in summary and "tok/s" in summary and "27 tokens" in summary


def test_exec_provider_error_exits_3_keeping_partial_text(run_redline, tmp_path: Path):
    with server("cerebras_error_frame.sse") as srv:
        result = run_redline(
            "exec",
            "hi",
            "--provider",
            "llamacpp",
            "--base-url",
            srv.url,
            "--json",
            "--no-context",
            cwd=tmp_path,
        )
    assert result.returncode == 3
    obj = json.loads(result.stdout)
    assert obj["text"] == "Partial"
    assert obj["error"]["kind"] == "rate_limit"
    assert obj["error"]["message"] in result.stderr


def test_exec_missing_key_names_env_var(run_redline, tmp_path: Path):
    result = run_redline("exec", "hi", "--provider", "cerebras", "--no-context", cwd=tmp_path)
    assert result.returncode == 3
    assert "CEREBRAS_API_KEY is not set" in result.stderr
    assert "--provider" in result.stderr
    assert "Traceback" not in result.stderr


def test_fake_key_never_appears_in_any_output(run_redline, tmp_path: Path):
    reply = json_reply(401, {"error": {"message": f"Incorrect API key provided: {FAKE_KEY}"}})
    env = {"CEREBRAS_API_KEY": FAKE_KEY}
    with server(**{"/v1/chat/completions": reply}) as srv:
        results = [
            run_redline(
                "exec",
                "hi",
                "--provider",
                "cerebras",
                "--base-url",
                srv.url,
                *flags,
                "--no-context",
                cwd=tmp_path,
                env=env,
            )
            for flags in ([], ["--json"])
        ]
        assert srv.seen[-1].headers["authorization"] == f"Bearer {FAKE_KEY}"
    results.append(run_redline("providers", "--json", cwd=tmp_path, env=env))
    results.append(run_redline("providers", cwd=tmp_path, env=env))
    for result in results:
        assert FAKE_KEY not in result.stdout + result.stderr
        assert FAKE_KEY[:16] not in result.stdout + result.stderr
    assert results[0].returncode == 3
    error = json.loads(results[1].stdout)["error"]
    assert error["kind"] == "auth" and "CEREBRAS_API_KEY" in error["message"]


def test_exec_reads_prompt_from_stdin_and_honours_wire(run_redline, tmp_path: Path):
    routes = {"/v1/responses": sse_reply(stream_fixture("openai_responses.sse"))}
    with server(**routes) as srv:
        result = run_redline(
            "exec",
            "-",
            "--provider",
            "llamacpp",
            "--base-url",
            srv.url,
            "--wire",
            "responses",
            "--json",
            "--no-context",
            cwd=tmp_path,
            input="from stdin\n",
        )
        seen = srv.seen[-1]
    assert result.returncode == 0, result.stderr
    assert seen.path == "/v1/responses"
    assert seen.json()["input"][-1] == {"role": "user", "content": "from stdin\n"}
    assert json.loads(result.stdout)["text"] == "Oi!"


def test_exec_empty_prompt_and_unknown_provider_are_usage_errors(run_redline, tmp_path: Path):
    empty = run_redline("exec", "-", "--no-context", cwd=tmp_path, input="  \n")
    assert empty.returncode == 2 and "prompt is empty" in empty.stderr
    unknown = run_redline("exec", "hi", "--provider", "nosuch", cwd=tmp_path)
    assert unknown.returncode == 2 and "Unknown provider 'nosuch'" in unknown.stderr


def test_exec_config_error_names_file_and_line(run_redline, git_repo: Path):
    (git_repo / ".redline.toml").write_text('theme = "x"\nbogus = 1\n')
    result = run_redline("exec", "hi", cwd=git_repo)
    assert result.returncode == 2
    assert ".redline.toml line 2" in result.stderr and "bogus" in result.stderr


def test_exec_sends_mentioned_file_as_context(run_redline, git_repo: Path):
    with server() as srv:
        result = run_redline(
            "exec",
            "explain @README.md",
            "--provider",
            "llamacpp",
            "--base-url",
            srv.url,
            "--json",
            cwd=git_repo,
        )
        with_context = srv.seen[-1].json()["messages"][-1]["content"]
        run_redline(
            "exec",
            "explain @README.md",
            "--provider",
            "llamacpp",
            "--base-url",
            srv.url,
            "--json",
            "--no-context",
            cwd=git_repo,
        )
        without = srv.seen[-1].json()["messages"][-1]["content"]
    assert result.returncode == 0, result.stderr
    assert "README.md\n```" in with_context and "# demo" in with_context
    assert with_context.endswith("explain @README.md")
    assert without == "explain @README.md"


def test_providers_json(run_redline, tmp_path: Path):
    result = run_redline("providers", "--json", cwd=tmp_path, env={"BASETEN_API_KEY": FAKE_KEY})
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    rows = {row["name"]: row for row in report["providers"]}
    assert set(rows) >= {
        "cerebras",
        "baseten",
        "inception",
        "openai",
        "ollama",
        "lmstudio",
        "llamacpp",
        "vllm",
        "sim",
    }
    assert rows["baseten"]["key_set"] is True and rows["cerebras"]["key_set"] is False
    assert rows["cerebras"]["key_env"] == "CEREBRAS_API_KEY"
    assert rows["openai"]["wire"] == "responses"
    assert report["probed"] is False and report["local_servers"] == []
    assert report["default"] == {"name": "baseten", "reason": "BASETEN_API_KEY is set"}


def test_providers_finds_a_custom_local_server(run_redline, tmp_path: Path):
    with server() as srv:
        _user_config().write_text(
            f'[providers.mine]\nbase_url = "{srv.url}"\n' + dead_local_presets_toml()
        )
        result = run_redline(
            "providers",
            "--json",
            cwd=tmp_path,
            env={"REDLINE_NO_PROBE": "0", "REDLINE_PROBE_TIMEOUT_S": "5"},
        )
    report = json.loads(result.stdout)
    assert report["local_servers"] == [
        {"name": "mine", "base_url": srv.url, "models": ["zai-glm-4.7", "gpt-oss-120b"]}
    ]
    text = run_redline("providers", cwd=tmp_path).stdout
    assert "mine" in text and "default: sim" in text


def _git(repo: Path, *args: str) -> str:
    import subprocess

    return subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True
    ).stdout


def _with_file(repo: Path) -> Path:
    (repo / "hello.py").write_text("def hello():\n    return 'hi'\n")
    _git(repo, "add", "hello.py")
    _git(repo, "commit", "-qm", "add hello")
    return repo


def test_exec_proposes_then_applies_the_simulators_edit(run_redline, git_repo: Path):
    repo = _with_file(git_repo)
    head = _git(repo, "rev-parse", "HEAD").strip()
    proposed = run_redline(
        "exec", "tidy @hello.py", "--provider", "sim", "--json", "--no-tools", cwd=repo
    )
    assert proposed.returncode == 0, proposed.stderr
    obj = json.loads(proposed.stdout)
    assert [e["status"] for e in obj["edits"]] == ["proposed"] and obj["commit"] is None
    assert obj["edits"][0]["path"] == "hello.py"
    assert _git(repo, "rev-parse", "HEAD").strip() == head

    applied = run_redline(
        "exec",
        "tidy @hello.py",
        "--provider",
        "sim",
        "--json",
        "--apply",
        "--no-tools",
        "--edit-format",
        "apply-patch",
        cwd=repo,
    )
    assert applied.returncode == 0, applied.stderr
    obj = json.loads(applied.stdout)
    assert [e["status"] for e in obj["edits"]] == ["applied"]
    assert obj["commit"] and _git(repo, "rev-parse", "HEAD").strip() == obj["commit"]
    assert "*** Begin Patch" in obj["text"]
    assert "redline simulator" in (repo / "hello.py").read_text()


def test_exec_apply_failure_exits_4_and_leaves_head(run_redline, git_repo: Path):
    from tests.helpers_client import chat_chunk

    repo = _with_file(git_repo)
    head = _git(repo, "rev-parse", "HEAD").strip()
    reply = "hello.py\n```python\n<<<<<<< SEARCH\nnot in the file\n=======\nx = 1\n>>>>>>> REPLACE\n```\n"
    body = (
        chat_chunk(reply)
        + b'data: {"choices":[{"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n'
    )
    with server(**{"/v1/chat/completions": sse_reply(body)}) as srv:
        result = run_redline(
            "exec",
            "edit it",
            "--provider",
            "llamacpp",
            "--base-url",
            srv.url,
            "--json",
            "--apply",
            "--no-context",
            cwd=repo,
        )
    assert result.returncode == 4, result.stderr
    obj = json.loads(result.stdout)
    assert obj["error"]["kind"] == "edit" and obj["error"]["message"] in result.stderr
    assert obj["edits"][0]["status"] == "failed" and obj["commit"] is None
    assert _git(repo, "rev-parse", "HEAD").strip() == head
    assert (repo / "hello.py").read_text() == "def hello():\n    return 'hi'\n"


def test_exec_continues_a_saved_session(run_redline, tmp_path: Path):
    from redline.agent import Turn
    from redline.agent.store import SessionStore

    store = SessionStore()
    writer = store.create(tmp_path)
    writer.append(Turn("earlier question", "sim", "m", text="earlier answer"))
    session_id = store.list()[0].id
    with server() as srv:
        result = run_redline(
            "exec",
            "follow up",
            "--provider",
            "llamacpp",
            "--base-url",
            srv.url,
            "--json",
            "--no-context",
            "--session",
            session_id[:12],
            cwd=tmp_path,
        )
        messages = srv.seen[-1].json()["messages"]
    assert result.returncode == 0, result.stderr
    assert [m["content"] for m in messages[1:]] == [
        "earlier question",
        "earlier answer",
        "follow up",
    ]
    assert store.load(session_id).info.turns == 2
    missing = run_redline("exec", "x", "--session", "nosuch", "--no-context", cwd=tmp_path)
    assert missing.returncode == 0, missing.stderr  # created, as Codex does
    assert store.load("nosuch").info.turns == 1


def _user_config() -> Path:
    """The user's own config file (trusted, unlike a repository's .redline.toml)."""
    path = user_config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def test_exec_runs_the_agents_steps_and_denies_what_needs_approval(run_redline, git_repo: Path):
    repo = _with_file(git_repo)
    head = _git(repo, "rev-parse", "HEAD").strip()
    denied = run_redline("exec", "tidy @hello.py", "--provider", "sim:agent", "--json", cwd=repo)
    assert denied.returncode == 0, denied.stderr
    obj = json.loads(denied.stdout)
    assert [s["tool"] for s in obj["steps"]] == ["read_file", "search", "apply_patch"]
    assert [s["status"] for s in obj["steps"]] == ["ok", "ok", "denied"]
    assert obj["steps"][0]["args"] == {"path": "hello.py"}
    assert "--approval auto-edit" in denied.stderr and obj["commit"] is None
    assert _git(repo, "rev-parse", "HEAD").strip() == head
    stats = obj["stats"]
    assert stats["model_ms"] > 0 and stats["tool_ms"] > 0 and stats["overhead_ms"] >= 0

    allowed = run_redline(
        "exec", "tidy @hello.py", "--provider", "sim:agent", "--jsonl",
        "--approval", "auto-edit", cwd=repo,
    )  # fmt: skip
    assert allowed.returncode == 0, allowed.stderr
    events = [json.loads(line) for line in allowed.stdout.splitlines()]
    kinds = [e["type"] for e in events]
    assert kinds[0] == "turn.started" and kinds[-1] == "turn.finished"
    assert kinds.count("tool.started") == kinds.count("tool.finished") == 3
    final = events[-1]
    assert final["commit"] and _git(repo, "rev-parse", "HEAD").strip() == final["commit"]
    assert [e["path"] for e in final["edits"]] == ["hello.py"]
    assert final["edits"][0]["status"] == "applied"
