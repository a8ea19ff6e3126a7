from __future__ import annotations

import re
import time

from redline.backends._ratelimit import buckets, exhausted_reset, low_budget

CEREBRAS = {
    "x-ratelimit-limit-requests-day": "14400",
    "x-ratelimit-remaining-requests-day": "14000",
    "x-ratelimit-reset-requests-day": "33011.38",
    "x-ratelimit-limit-tokens-minute": "60000",
    "x-ratelimit-remaining-tokens-minute": "1200",
    "x-ratelimit-reset-tokens-minute": "23.4",
}


def test_cerebras_buckets_are_read():
    found = {b.name: b for b in buckets(CEREBRAS)}
    assert found["tokens-minute"].remaining == 1200
    assert found["tokens-minute"].words == "tokens this minute"
    assert found["requests-day"].words == "requests today"


def test_only_a_low_bucket_is_mentioned():
    text = low_budget("cerebras", CEREBRAS)
    assert text == (
        "cerebras rate limit running low: 1,200 of 60,000 tokens this minute left, refills in 23 s."
    )
    plenty = dict(CEREBRAS, **{"x-ratelimit-remaining-tokens-minute": "50000"})
    assert low_budget("cerebras", plenty) is None
    assert low_budget("x", {}) is None


def test_openai_style_buckets_and_durations():
    headers = {
        "x-ratelimit-limit-tokens": "30000",
        "x-ratelimit-remaining-tokens": "0",
        "x-ratelimit-reset-tokens": "6m0s",
    }
    seconds, words = exhausted_reset(headers, clock=lambda: 0.0)  # type: ignore[misc]
    assert seconds == 360.0
    assert re.fullmatch(r"at \d\d:\d\d:\d\d \(in 6 min, when its tokens refill\)", words)


def test_a_429_names_the_exact_reset_time():
    from redline.backends._errors import http_error

    headers = dict(CEREBRAS, **{"x-ratelimit-remaining-tokens-minute": "0"})
    error = http_error(429, headers, b"", provider="cerebras", model="m", url="u", key_env="K")
    at = time.strftime("%H:%M", time.localtime(time.time() + 23.4))
    assert error.kind == "rate_limit"
    assert "retry at " in error.message and "when its tokens this minute refill" in error.message
    assert at in error.message or "in 23 s" in error.message
    assert error.retry_after_s is not None
