"""`redline context` as a person runs it, in real repositories and plain folders."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers_context import SAMPLES, commit_all, write_files


def _repo(git_repo: Path) -> Path:
    write_files(git_repo, {s.path: s.source for s in SAMPLES})
    commit_all(git_repo)
    return git_repo


def test_json_has_the_contract_fields(git_repo: Path, run_redline) -> None:
    repo = _repo(git_repo)
    out = run_redline(
        "context",
        "--json",
        "--budget",
        "1500",
        "--mention",
        "@lookup",
        "--mention",
        "app.js",
        cwd=repo,
    )
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    for key in ("text", "tokens", "files", "symbols", "elapsed_ms", "skipped"):
        assert key in data
    assert data["tokens"] <= 1500
    assert data["files"] == ["web/app.js"]
    assert "web/app.js\n```javascript\n" in data["text"]
    assert {"name": "lookup", "kind": "function", "path": "src/lib.rs", "line": 19} in data[
        "symbols"
    ]
    for symbol in data["symbols"]:
        assert set(symbol) == {"name", "kind", "path", "line"}
    assert isinstance(data["elapsed_ms"], float)


def test_text_mode_prints_the_context_and_a_summary(git_repo: Path, run_redline) -> None:
    repo = _repo(git_repo)
    out = run_redline("context", "--budget", "800", cwd=repo)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("Repository map")
    assert "source files indexed" in out.stderr and "tokens of 800" in out.stderr


def test_unknown_mention_is_a_warning_with_suggestions(git_repo: Path, run_redline) -> None:
    repo = _repo(git_repo)
    out = run_redline("context", "--mention", "handlr", cwd=repo)
    assert out.returncode == 0
    assert "warning: @handlr: no such file or symbol; did you mean server/handler.go" in out.stderr
    assert "Traceback" not in out.stderr


def test_works_outside_a_git_repository(tmp_path: Path, run_redline) -> None:
    folder = tmp_path / "plain"
    write_files(folder, {"tool.py": "def run_tool():\n    pass\n", "main.py": "run_tool()\n"})
    out = run_redline("context", "--json", cwd=folder)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert any(s["name"] == "run_tool" for s in data["symbols"])


def test_negative_budget_is_a_usage_error(git_repo: Path, run_redline) -> None:
    out = run_redline("context", "--budget", "-5", cwd=git_repo)
    assert out.returncode == 2
    assert "--budget" in out.stderr
