"""The client's sentences for what went wrong (or changed) in a stream: one each, actionable."""

from __future__ import annotations

from redline.backends._errors import SWITCH
from redline.backends.events import ProviderNotice, StreamError
from redline.backends.tokens import count_tokens


def prompt_estimate(body: dict[str, object]) -> int:
    """About how many tokens a request body's messages hold (no tokenizer at run time)."""
    parts: list[str] = []
    for key in ("messages", "input"):
        items = body.get(key)
        if isinstance(items, list):
            parts += [str(m.get("content", "")) for m in items if isinstance(m, dict)]
    if isinstance(body.get("instructions"), str):
        parts.append(str(body["instructions"]))
    return count_tokens("\n".join(parts))


def speaks_chat(name: str, base_url: str) -> ProviderNotice:
    return ProviderNotice(
        f"{name} at {base_url} speaks Chat Completions, not the Responses API: "
        'using Chat Completions (set wire = "chat" for it, or pass --wire chat).'
    )


def nothing_sent(name: str, base_url: str, tokens: int) -> StreamError:
    return StreamError(
        "config",
        f"{name} at {base_url} accepted the request and closed the stream without "
        f"a word: the prompt (about {tokens:,} tokens) may exceed the model's context; "
        "shorten it (/clear, /drop, fewer @mentions, --no-context) or restart the server "
        "with a larger context size.",
    )


def odd_chunk(name: str, shown: str, exc: BaseException) -> StreamError:
    return StreamError(
        "protocol",
        f"{name} sent a stream chunk redline cannot read ({type(exc).__name__}: "
        f"{shown}); the partial answer was kept; try again, or {SWITCH}.",
    )


def first_token_timeout(name: str, seconds: float) -> StreamError:
    return StreamError(
        "timeout",
        f"{name} sent no first token within {seconds:g} s: it may "
        f"be overloaded or the prompt too long; try again, or {SWITCH}.",
    )


def stall_timeout(name: str, seconds: float) -> StreamError:
    return StreamError(
        "timeout",
        f"The stream from {name} stalled: nothing arrived for "
        f"{seconds:g} s; the partial answer was kept; try again, or {SWITCH}.",
    )
