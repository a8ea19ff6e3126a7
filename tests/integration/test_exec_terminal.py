"""`redline exec` on a real pseudo-terminal: a hostile answer never drives the terminal, and
`--json` carries the exact text with every dangerous range escaped."""

from __future__ import annotations

import json
import os
from pathlib import Path

from tests.conftest import ROOT
from tests.helpers_client import LoopbackServer, json_reply, sse_reply
from tests.helpers_hostile import HOSTILE_TEXT, VISIBLE_BIDI, chat_body, run_on_pty

MODELS = json_reply(200, {"object": "list", "data": [{"id": "m"}]})
DANGEROUS = (b"\x1b", b"\x07", b"\x08", b"\x7f", b"\xc2\x9b", b"\xc2\x9d", b"\xc2\x85", b"\x00")


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _server(body: bytes) -> LoopbackServer:
    return LoopbackServer({"/v1/chat/completions": sse_reply(body, split=50), "/v1/models": MODELS})


def test_exec_text_mode_on_a_terminal_writes_no_escape_from_the_answer(tmp_path: Path):
    with _server(chat_body(HOSTILE_TEXT)) as srv:
        args = ["exec", "hi", "--provider", "llamacpp", "--base-url", srv.url, "--no-context"]
        received = run_on_pty(args, tmp_path, _env())
    for byte in DANGEROUS:
        assert byte not in received, (byte, received)
    text = received.decode("utf-8")
    assert "start " in text and "end of answer" in text and "click" in text
    for visible in VISIBLE_BIDI:
        assert visible in text


def test_exec_server_error_body_on_a_terminal_is_sanitised(tmp_path: Path):
    hostile = json_reply(500, {"error": {"message": "boom \x1b]0;owned\x07\x1b[2J\u202e"}})
    with LoopbackServer({"/v1/chat/completions": hostile, "/v1/models": MODELS}) as srv:
        args = ["exec", "hi", "--provider", "llamacpp", "--base-url", srv.url, "--no-context"]
        received = run_on_pty(args, tmp_path, _env())
    assert b"\x1b" not in received and b"\x07" not in received
    assert b"boom" in received and b"<U+202E>" in received


def test_exec_json_is_exact_and_escapes_c1_bidi_and_format(run_redline, tmp_path: Path):
    text = HOSTILE_TEXT + "\x85\u2028"
    with _server(chat_body(text)) as srv:
        result = run_redline(
            "exec", "hi", "--provider", "llamacpp", "--base-url", srv.url, "--no-context",
            "--json", cwd=tmp_path,
        )  # fmt: skip
    assert result.returncode == 0, result.stderr
    line = result.stdout.strip()
    assert json.loads(line)["text"] == text
    for raw in ("\x1b", "\x85", "\u202e", "\u2066", "\u200b", "\ufeff", "\u2028", "\x7f"):
        assert raw not in line
    assert "\\u202e" in line and "\\u0085" in line


def test_exec_piped_text_mode_keeps_the_exact_answer(run_redline, tmp_path: Path):
    with _server(chat_body("plain \u202e text\n")) as srv:
        result = run_redline(
            "exec", "hi", "--provider", "llamacpp", "--base-url", srv.url, "--no-context",
            cwd=tmp_path,
        )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout == "plain \u202e text\n\n"
