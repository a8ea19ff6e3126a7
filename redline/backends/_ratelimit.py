"""Rate-limit budgets from ``x-ratelimit-*`` headers (Cerebras, OpenAI, most gateways).

Each bucket comes as ``x-ratelimit-limit-<bucket>``, ``x-ratelimit-remaining-<bucket>`` and
``x-ratelimit-reset-<bucket>`` (Cerebras: ``tokens-minute``, ``requests-day``; OpenAI:
``tokens``, ``requests``). A bucket running low becomes one sentence for the person; a 429
names the exact time the exhausted bucket resets.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from redline.backends._errors import parse_duration

LOW_SHARE = 0.10  # say so when less than this share of a bucket is left

_PERIOD = {
    "minute": "this minute",
    "hour": "this hour",
    "day": "today",
    "second": "this second",
}


@dataclass(slots=True, frozen=True)
class Bucket:
    name: str  # "tokens-minute"
    limit: int
    remaining: int
    reset_s: float | None  # seconds until it refills

    @property
    def words(self) -> str:
        """``tokens this minute``, ``requests today``, ``tokens``."""
        unit, _, period = self.name.partition("-")
        return f"{unit} {_PERIOD.get(period, period)}".strip()


def _number(text: str | None) -> int | None:
    if not text:
        return None
    try:
        return int(float(text.strip()))
    except ValueError:
        return None


def buckets(headers: Mapping[str, str]) -> list[Bucket]:
    """Every bucket the headers describe completely enough (limit and remaining)."""
    found: list[Bucket] = []
    prefix = "x-ratelimit-remaining-"
    for key in headers:
        name = key.lower()
        if not name.startswith(prefix):
            continue
        bucket = name[len(prefix) :]
        remaining = _number(headers.get(key))
        limit = _number(headers.get(f"x-ratelimit-limit-{bucket}"))
        if remaining is None or limit is None or limit <= 0:
            continue
        reset = headers.get(f"x-ratelimit-reset-{bucket}")
        found.append(Bucket(bucket, limit, remaining, parse_duration(reset) if reset else None))
    return found


def _in(seconds: float) -> str:
    if seconds < 1:
        return "in a moment"
    if seconds < 120:
        return f"in {seconds:.0f} s"
    if seconds < 7200:
        return f"in {seconds / 60:.0f} min"
    return f"in {seconds / 3600:.1f} h"


def low_budget(provider: str, headers: Mapping[str, str]) -> str | None:
    """One sentence when a bucket has less than ``LOW_SHARE`` left, else None."""
    low = [b for b in buckets(headers) if b.remaining < b.limit * LOW_SHARE]
    if not low:
        return None
    parts = []
    for b in sorted(low, key=lambda b: b.remaining / b.limit):
        reset = f", refills {_in(b.reset_s)}" if b.reset_s is not None else ""
        parts.append(f"{b.remaining:,} of {b.limit:,} {b.words} left{reset}")
    return f"{provider} rate limit running low: " + "; ".join(parts) + "."


def exhausted_reset(
    headers: Mapping[str, str], clock: Callable[[], float] = time.time
) -> tuple[float, str] | None:
    """(seconds, "at 20:41:07 (in 23 s), when its tokens this minute refill") for a 429."""
    spent = [b for b in buckets(headers) if b.remaining <= 0 and b.reset_s is not None]
    if not spent:
        return None
    worst = max(spent, key=lambda b: b.reset_s or 0.0)
    assert worst.reset_s is not None
    at = time.strftime("%H:%M:%S", time.localtime(clock() + worst.reset_s))
    return worst.reset_s, f"at {at} ({_in(worst.reset_s)}, when its {worst.words} refill)"
