"""What a turn asks a provider for: the conversation and the knobs, as values."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Role = Literal["system", "user", "assistant"]


@dataclass(slots=True, frozen=True)
class Message:
    role: Role
    content: str


@dataclass(slots=True, frozen=True)
class ChatRequest:
    """One streamed completion request, independent of wire format."""

    model: str
    messages: tuple[Message, ...]
    max_tokens: int | None = None
    temperature: float | None = None
    # Mercury diffusion: None means "the provider/model default".
    diffusing: bool | None = None
    # One id per conversation: providers that route by it (Baseten x-session-affinity) keep
    # every turn of a session on the replica that holds its KV cache.
    session_id: str | None = None
    # Extra JSON merged into the request body (e.g. chat_template_args); never holds secrets.
    extra: dict[str, object] = field(default_factory=dict)
