"""How full the model's context window is: what the next request would carry, against it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from redline.agent.conversation import Conversation
from redline.backends.windows import context_window

WARN_SHARE = 0.8  # warn when the next request would fill this much of the window
REQUEST_OVERHEAD = 1_500  # system prompt and tool definitions, roughly, in tokens


@dataclass(slots=True, frozen=True)
class ContextUsage:
    tokens: int  # the next request, estimated (or measured by the server last time)
    window: int
    model: str

    @property
    def share(self) -> float:
        return self.tokens / self.window if self.window > 0 else 0.0

    @property
    def percent(self) -> int:
        return int(self.share * 100)

    @property
    def near_limit(self) -> bool:
        return self.share >= WARN_SHARE


def history_tokens(conversation: Conversation) -> int:
    """About four characters a token over what the model is sent (tool steps included)."""
    chars = 0
    for m in conversation.history():
        chars += len(m.content) + sum(len(c.arguments) + len(c.name) for c in m.tool_calls)
    return chars // 4


def context_usage(
    conversation: Conversation,
    provider: str,
    model: str,
    context_tokens: int,
    configured: Mapping[str, int] | None = None,
) -> ContextUsage:
    """The estimate, or the server's own count of the last request plus its answer when that
    is larger (and nothing was compacted since)."""
    tokens = history_tokens(conversation) + context_tokens + REQUEST_OVERHEAD
    last = conversation.last
    fresh = len(conversation.turns) > conversation.summary_at or not conversation.summary
    if last is not None and last.reading is not None and fresh:
        measured = last.reading.prompt_tokens
        if measured:
            answer = len(last.text[last.answer_start :]) // 4
            tokens = max(tokens, measured + answer)
    return ContextUsage(tokens, context_window(provider, model, configured).tokens, model)
