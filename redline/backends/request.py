"""What a turn asks a provider for: the conversation and the knobs, as values.

The conversation is kept in a neutral form (an assistant message carrying tool calls, a
``tool`` message answering one ``call_id``) and rendered per wire by ``redline.backends.wire``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from redline.backends.events import ReasoningItem, ToolCall

Role = Literal["system", "user", "assistant", "tool"]
ToolChoice = Literal["auto", "required", "none"]


@dataclass(slots=True, frozen=True)
class Message:
    """One conversation item.

    - ``assistant`` with ``tool_calls``: the model asked for those calls (``content`` may be "").
    - ``tool`` with ``call_id``: the result of that call, as text for the model.
    - ``reasoning`` on an assistant turn is what the model thought, tagged with the provider
      it came from (``reasoning_provider``); it is echoed only where that provider needs it.
    """

    role: Role
    content: str
    tool_calls: tuple[ToolCall, ...] = ()
    call_id: str | None = None
    reasoning: str = ""
    reasoning_provider: str = ""
    # Responses API reasoning items of this turn: opaque, encrypted for the model that made them,
    # so echoed only to the same provider and model (``reasoning_model``; another model of the
    # same provider refuses the request).
    reasoning_items: tuple[ReasoningItem, ...] = ()
    reasoning_model: str = ""


@dataclass(slots=True, frozen=True)
class ToolSpec:
    """A function tool offered to the model: its name, what it does, its JSON schema."""

    name: str
    description: str
    parameters: Mapping[str, object]


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
    tools: tuple[ToolSpec, ...] = ()
    # "auto" / "required" / "none", or a tool's name to force that tool; sent only with tools.
    tool_choice: ToolChoice | str | None = None
    # None: the provider's default; never sent where the provider refuses the field.
    parallel_tool_calls: bool | None = None
