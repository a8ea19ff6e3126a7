"""The one event model every provider's wire format is turned into (DESIGN.md, "The stream")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ErrorKind = Literal[
    "auth", "rate_limit", "network", "timeout", "server", "protocol", "config", "edit"
]


@dataclass(slots=True, frozen=True)
class TextDelta:
    """Visible answer text to append."""

    text: str


@dataclass(slots=True, frozen=True)
class ReasoningDelta:
    """Reasoning text (``reasoning``, ``reasoning_content`` or inline ``<think>``)."""

    text: str


@dataclass(slots=True, frozen=True)
class TextSnapshot:
    """The whole answer so far, replacing what came before (Mercury ``diffusing``)."""

    text: str


@dataclass(slots=True, frozen=True)
class Usage:
    """Exact token counts from the server; keep the last one, never sum."""

    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    reasoning_tokens: int | None = None
    cached_tokens: int | None = None  # prompt tokens served from the provider's prompt cache


@dataclass(slots=True, frozen=True)
class ServerTiming:
    """What the server measured itself (Cerebras ``time_info``, llama.cpp ``timings``)."""

    decode_tps: float | None = None
    prefill_ms: float | None = None
    queue_ms: float | None = None


@dataclass(slots=True, frozen=True)
class ToolCallDelta:
    """A tool call as it streams: ``name`` on its first fragment ("" after), then arguments.

    ``index`` orders the calls of one answer (parallel calls stream interleaved); ``arguments``
    is this fragment of the JSON text, not the whole of it.
    """

    index: int
    call_id: str
    name: str
    arguments: str


@dataclass(slots=True, frozen=True)
class ToolCall:
    """A complete tool call; ``arguments`` is the full JSON text, as the model wrote it."""

    call_id: str
    name: str
    arguments: str


@dataclass(slots=True, frozen=True)
class ReasoningItem:
    """A Responses API reasoning item as it came (its id, its summary, its encrypted content
    when the request asked for it): opaque, echoed back unchanged before the calls it led to,
    so the model keeps its reasoning across tool calls."""

    item_id: str
    summary: tuple[str, ...] = ()
    encrypted_content: str | None = None


@dataclass(slots=True, frozen=True)
class ProviderNotice:
    """Something the provider said the person should know (Mercury's ``warning``, a low
    rate-limit budget, a wire switch): shown once as a notice, listed in ``exec --json``."""

    text: str


@dataclass(slots=True, frozen=True)
class Finished:
    """Normal end of the stream; ``reason`` is the finish reason when one was sent."""

    reason: str | None = None


@dataclass(slots=True, frozen=True)
class StreamError:
    """Anything that went wrong, before or during the stream, as one actionable sentence."""

    kind: ErrorKind
    message: str
    retry_after_s: float | None = None


Event = (
    TextDelta
    | ReasoningDelta
    | TextSnapshot
    | Usage
    | ServerTiming
    | ToolCallDelta
    | ToolCall
    | ReasoningItem
    | ProviderNotice
    | Finished
    | StreamError
)
