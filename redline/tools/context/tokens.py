"""A cheap token estimate: about four characters per token for code and English."""

from __future__ import annotations

DEFAULT_BUDGET = 4096  # tokens of repository context per request, unless configured


def estimate_tokens(text: str) -> int:
    return (len(text) + 3) // 4
