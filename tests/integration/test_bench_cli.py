"""`redline bench` against the built-in simulator."""

from __future__ import annotations

import json
from pathlib import Path

from redline.config import user_config_path


def test_bench_json_over_two_simulated_providers(run_redline, tmp_path: Path):
    result = run_redline(
        "bench",
        "--provider",
        "sim",
        "--provider",
        "sim:mercury",
        "--runs",
        "2",
        "--json",
        "--prompt",
        "hello",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert [s["provider"] for s in report["summary"]] == ["sim", "sim:mercury"]
    for row in report["summary"]:
        assert row["ok_runs"] == row["runs"] == 2
        assert row["ttft_ms"] > 0 and row["decode_tps"] > 0 and row["tokens_exact"] is True
        assert row["output_tokens"] == 512
    assert len(report["runs"]) == 4 and report["prompt"] == "hello"


def test_bench_table_and_errors(run_redline, tmp_path: Path):
    table = run_redline("bench", "--provider", "sim", "--runs", "1", cwd=tmp_path)
    assert table.returncode == 0, table.stderr
    assert "sim" in table.stdout and "tok/s" in table.stdout
    missing = run_redline("bench", "--provider", "cerebras", "--runs", "1", cwd=tmp_path)
    assert missing.returncode == 3 and "CEREBRAS_API_KEY is not set" in missing.stderr
    assert run_redline("bench", "--runs", "0", cwd=tmp_path).returncode == 2
    assert run_redline("bench", "--provider", "nosuch", cwd=tmp_path).returncode == 2


def test_bench_table_names_a_model_whose_id_is_a_file_path(run_redline, tmp_path: Path):
    # llama-cpp-python lists its model as the GGUF file's full path; the table shows its name.
    from tests.helpers_client import LoopbackServer, json_reply, sse_reply, stream_fixture

    model_id = "/home/someone/.cache/models/gemma-3-270m-q4_k_m.gguf"
    routes = {
        "/v1/models": json_reply(200, {"object": "list", "data": [{"id": model_id}]}),
        "/v1/chat/completions": sse_reply(stream_fixture("llama_cpp_python_server.sse")),
    }
    with LoopbackServer(routes) as srv:  # type: ignore[arg-type]
        _user_config().write_text(f'[providers.local]\nbase_url = "{srv.url}"\n')
        table = run_redline("bench", "--provider", "local", "--runs", "1", cwd=tmp_path)
        as_json = run_redline("bench", "--provider", "local", "--runs", "1", "--json", cwd=tmp_path)
    assert table.returncode == 0, table.stderr
    row = table.stdout.splitlines()[1]
    assert row.split()[:2] == ["local", "gemma-3-270m-q4_k_m.gguf"]
    assert json.loads(as_json.stdout)["summary"][0]["model"] == model_id  # JSON keeps the id


def test_model_label_fits_long_ids():
    from redline.cli.bench import model_label

    assert model_label("gpt-oss-120b", 26) == "gpt-oss-120b"
    assert model_label("/a/b/gemma-3-270m-q4_k_m.gguf", 26) == "gemma-3-270m-q4_k_m.gguf"
    label = model_label("/models/" + "x" * 40 + "-tail.gguf", 26)
    assert len(label) == 26 and label.startswith("…") and label.endswith("-tail.gguf")


def _user_config() -> Path:
    """The user's own config file (trusted, unlike a repository's .redline.toml)."""
    path = user_config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    return path
