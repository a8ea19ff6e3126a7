"""`redline exec` records every run, `--session ID` creates or continues, and state or path
trouble is one sentence with the right exit code, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers_client import LoopbackServer, json_reply, sse_reply
from tests.helpers_hostile import chat_body

MODELS = json_reply(200, {"object": "list", "data": [{"id": "m"}]})


def _server(text: str = "an answer\n") -> LoopbackServer:
    return LoopbackServer(
        {"/v1/chat/completions": sse_reply(chat_body(text)), "/v1/models": MODELS}
    )


def _exec(run_redline, url: str, cwd: Path, *extra: str, env: dict[str, str] | None = None):
    return run_redline(
        "exec", *extra, "--provider", "llamacpp", "--base-url", url, "--no-context",
        cwd=cwd, env=env,
    )  # fmt: skip


def test_every_exec_run_is_recorded_as_a_session(run_redline, tmp_path: Path):
    with _server() as srv:
        result = _exec(run_redline, srv.url, tmp_path, "first question")
    assert result.returncode == 0, result.stderr
    assert "session " in result.stderr
    listed = json.loads(run_redline("sessions", "--json").stdout)["sessions"]
    assert [(s["title"], s["turns"]) for s in listed] == [("first question", 1)]


def test_session_id_is_created_when_missing_then_continued(run_redline, tmp_path: Path):
    with _server() as srv:
        one = _exec(run_redline, srv.url, tmp_path, "first", "--session", "ci-42")
        two = _exec(run_redline, srv.url, tmp_path, "second", "--session", "ci-42", "--json")
        chats = [s for s in srv.seen if s.path.endswith("/chat/completions")]
        sent = chats[-1].json()["messages"]  # (the count after the answer is a tokenize call)
    assert one.returncode == 0 and two.returncode == 0, one.stderr + two.stderr
    assert any("first" in str(m.get("content")) for m in sent)  # type: ignore[union-attr]
    listed = json.loads(run_redline("sessions", "--json").stdout)["sessions"]
    assert [(s["id"], s["turns"]) for s in listed] == [("ci-42", 2)]


def test_an_unwritable_state_dir_is_a_sentence(run_redline, tmp_path: Path):
    blocker = tmp_path / "state-is-a-file"
    blocker.write_text("not a folder")
    env = {"XDG_STATE_HOME": str(blocker)}
    with _server() as srv:
        asked = _exec(run_redline, srv.url, tmp_path, "hi", "--session", "s1", env=env)
        plain = _exec(run_redline, srv.url, tmp_path, "hi", env=env)
    assert asked.returncode == 2 and "Cannot write sessions in" in asked.stderr
    assert "Traceback" not in asked.stderr + plain.stderr
    assert plain.returncode == 0 and "Could not save the session" in plain.stderr
    assert "an answer" in plain.stdout


def test_a_bad_session_id_is_a_sentence(run_redline, tmp_path: Path):
    with _server() as srv:
        result = _exec(run_redline, srv.url, tmp_path, "hi", "--session", "../../etc/x")
    assert result.returncode == 2 and "cannot be a session id" in result.stderr


def test_a_path_longer_than_the_os_allows_is_refused_in_exec_and_apply(run_redline, git_repo: Path):
    long_path = "/".join(["d" * 200] * 30) + ".py"
    answer = f"{long_path}\n```python\nprint(1)\n```\n"
    with _server(answer) as srv:
        ran = _exec(run_redline, srv.url, git_repo, "hi", "--apply")
    (git_repo / "reply.md").write_text(answer)
    applied = run_redline("apply", "reply.md", cwd=git_repo)
    long_name = run_redline(
        "apply", "-", cwd=git_repo, input=answer.replace(long_path, "x" * 300 + ".py")
    )
    for result in (ran, applied, long_name):
        assert result.returncode == 4, result.stderr
        assert "Traceback" not in result.stderr and "the file system allows" in result.stderr


def test_bad_base_urls_are_a_sentence(run_redline, tmp_path: Path):
    for url in ("not a url", "http://[::1", "ftp://host/v1", "http://"):
        result = run_redline(
            "exec", "hi", "--provider", "llamacpp", "--base-url", url, cwd=tmp_path
        )
        assert result.returncode == 2, (url, result.stderr)
        assert "--base-url" in result.stderr and "Traceback" not in result.stderr
