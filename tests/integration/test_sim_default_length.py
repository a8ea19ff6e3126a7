"""The simulator's default reply is long enough to watch the meter (about 4 s at the profile's
rate), over a real loopback socket; the rest of the suite asks for short replies explicitly."""

from __future__ import annotations

import httpx
import pytest

from redline.backends.sim import PROFILES, SimServer
from redline.backends.sim.replies import TOKENS_ENV, default_reply_tokens

NO_LENGTH = {"model": "m", "messages": [{"role": "user", "content": "hi"}]}  # no max_tokens


@pytest.mark.parametrize(
    ("rate", "tokens"),
    [(2000.0, 8000), (1000.0, 4000), (340.0, 1360), (120.0, 480), (100.0, 400), (1e6, 20_000)],
)
def test_the_default_lasts_about_four_seconds_at_the_rate(rate: float, tokens: int) -> None:
    assert default_reply_tokens(rate, env={}) == tokens


def test_the_environment_sets_the_default_and_a_bad_value_is_a_sentence() -> None:
    assert default_reply_tokens(2000.0, env={TOKENS_ENV: "40"}) == 40
    for bad in ("abc", "0", "-5", "1.5"):
        with pytest.raises(ValueError, match="REDLINE_SIM_TOKENS must be a whole number"):
            default_reply_tokens(2000.0, env={TOKENS_ENV: bad})


def test_a_request_without_a_length_gets_the_default_on_the_wire(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(TOKENS_ENV)  # the suite's short default off: what a person gets
    with SimServer("cerebras") as sim:
        assert sim.answer_tokens == 8000 == PROFILES["cerebras"].rate * 4
        # Paced fast for this one request (the length still follows the server's rate).
        fast = {"x-redline-sim-rate": "1000000", "x-redline-sim-ttft": "0"}
        url = sim.base_url + "/chat/completions"
        reply = httpx.post(url, json=NO_LENGTH, headers=fast, timeout=30).json()
        asked = httpx.post(url, json={**NO_LENGTH, "max_tokens": 50}, headers=fast, timeout=30)
    assert reply["usage"]["completion_tokens"] == 8000
    assert reply["choices"][0]["finish_reason"] == "stop"
    assert asked.json()["usage"]["completion_tokens"] == 50  # a request's own length wins


def test_explicit_answer_tokens_and_a_bad_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(TOKENS_ENV)
    assert SimServer("openai", answer_tokens=12).answer_tokens == 12
    assert SimServer("openai").answer_tokens == 480
    with pytest.raises(ValueError, match="answer_tokens must be at least 1"):
        SimServer("openai", answer_tokens=0)
