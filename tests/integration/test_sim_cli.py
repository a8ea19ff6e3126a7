"""`redline sim` as a person runs it: prints its URL, answers, stops cleanly on Ctrl-C."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx

RunRedline = Callable[..., subprocess.CompletedProcess[str]]

ROOT = Path(__file__).resolve().parents[2]


def start(*args: str) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen(
        [sys.executable, "-m", "redline", "sim", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_sim_prints_its_url_answers_and_stops_on_ctrl_c() -> None:
    proc = start("--profile", "baseten", "--rate", "5000", "--ttft", "10", "--tokens", "40")
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        how_to = proc.stdout.readline()
        url = first.rsplit(" at ", 1)[1].strip()
        assert url.startswith("http://127.0.0.1:") and url.endswith("/v1")
        assert "profile baseten (5000 tok/s, TTFT 10 ms, replies of 40 tokens" in first
        assert url in how_to and "Ctrl-C" in how_to
        models = httpx.get(url + "/models", timeout=10).json()
        assert models["data"][0]["id"] == "moonshotai/Kimi-K2.5"
        body = {"model": "m", "messages": [{"role": "user", "content": "hi"}]}  # no max_tokens
        reply = httpx.post(url + "/chat/completions", json=body, timeout=10).json()
        assert reply["usage"]["completion_tokens"] == 40  # --tokens
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=10)
    assert proc.returncode == 0
    assert "Traceback" not in err
    assert "GET /v1/models" in err  # one log line a request


def test_unknown_profile_is_a_usage_error(run_redline: RunRedline) -> None:
    result = run_redline("sim", "--profile", "nope")
    assert result.returncode == 2
    assert "choose one of: cerebras, baseten, mercury, openai, llamacpp, agent" in result.stderr
    assert "Traceback" not in result.stderr


def test_port_in_use_is_a_clear_error(run_redline: RunRedline) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_redline("sim", "--port", str(port))
    assert result.returncode == 2
    assert "pick another --port" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_rate_is_a_usage_error(run_redline: RunRedline) -> None:
    result = run_redline("sim", "--rate", "0")
    assert result.returncode == 2
    assert "--rate: 0 must be a number above 0" in result.stderr
