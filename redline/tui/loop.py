"""The turn loop: conversation + context -> request -> stream -> meter/edits -> result.

Plain asyncio, no widget in it (DESIGN.md). The TUI, ``redline exec`` and race mode all
drive it. Owner: the client/backends work; the edits and context work add their hooks.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from contextlib import aclosing
from dataclasses import dataclass, field
from typing import Any, Protocol

from redline.backends.events import (
    Event,
    Finished,
    ReasoningDelta,
    StreamError,
    TextDelta,
    TextSnapshot,
)
from redline.backends.meter import MeterReading, SpeedMeter
from redline.backends.request import ChatRequest, Message
from redline.tools.prompts import default_edit_format, system_prompt

EventSink = Callable[[Event], None]


@dataclass(slots=True)
class Turn:
    """One prompt and the answer it got, from one backend."""

    prompt: str
    provider: str
    model: str
    text: str = ""
    reasoning: str = ""
    finish_reason: str | None = None
    error: StreamError | None = None
    interrupted: bool = False
    reading: MeterReading | None = None
    edit_format: str | None = None  # the format the turn asked for (None: not known)
    prompt_estimate: int = 0  # tokens the request carried, estimated (when usage has none)


@dataclass(slots=True)
class Conversation:
    """Every turn so far; re-sent, whatever the backend, as the message history."""

    turns: list[Turn] = field(default_factory=list)

    def history(self) -> list[Message]:
        messages: list[Message] = []
        for turn in self.turns:
            messages.append(Message("user", turn.prompt))
            if turn.text:
                messages.append(Message("assistant", turn.text))
        return messages


def estimate_prompt_tokens(request: ChatRequest) -> int:
    """About four characters a token, plus a few per message for the chat template."""
    return sum(len(m.content) // 4 + 4 for m in request.messages)


class ContextSource(Protocol):
    def build(self, prompt: str, conversation: Conversation) -> str: ...


class TurnLoop:
    """Runs one turn at a time against ``backend`` (settable: switching keeps the conversation)."""

    def __init__(
        self,
        backend: Any,
        conversation: Conversation,
        *,
        clock: Callable[[], float] = time.perf_counter,
        context: ContextSource | None = None,
        edit_format: str | None = None,
        max_tokens: int | None = None,
    ) -> None:
        self.backend = backend
        self.conversation = conversation
        self.context = context
        self._edit_format = edit_format
        self.max_tokens = max_tokens
        self.meter: SpeedMeter | None = None
        self.last_context = ""  # the context text the last turn sent
        self._clock = clock

    @property
    def edit_format(self) -> str:
        """The configured format, else redline's default for the backend's model."""
        return self._edit_format or default_edit_format(self.backend.model)

    @edit_format.setter
    def edit_format(self, value: str | None) -> None:
        self._edit_format = value

    def build_request(self, prompt: str, context_text: str = "") -> ChatRequest:
        """System prompt, the history re-sent, then this prompt with its context."""
        messages = [Message("system", system_prompt(self.edit_format))]
        messages += self.conversation.history()
        content = f"{context_text.rstrip()}\n\n{prompt}" if context_text.strip() else prompt
        messages.append(Message("user", content))
        return ChatRequest(
            model=self.backend.model, messages=tuple(messages), max_tokens=self.max_tokens
        )

    async def _context_text(self, prompt: str) -> str:
        if self.context is None:
            return ""
        # Parsing the repo is CPU work: keep it off the event loop.
        text = await asyncio.to_thread(self.context.build, prompt, self.conversation)
        return text if isinstance(text, str) else str(text)

    async def run(self, prompt: str, sink: EventSink | None = None) -> Turn:
        """Stream one answer; on cancellation the partial turn is kept, marked interrupted."""
        backend = self.backend
        context_text = await self._context_text(prompt)
        self.last_context = context_text
        request = self.build_request(prompt, context_text)
        turn = Turn(
            prompt, provider=backend.name, model=backend.model, edit_format=self.edit_format
        )
        turn.prompt_estimate = estimate_prompt_tokens(request)
        self.conversation.turns.append(turn)
        meter = SpeedMeter(self._clock)
        self.meter = meter
        text: list[str] = []
        reasoning: list[str] = []
        feed = meter.feed
        meter.request_sent()
        try:
            async with aclosing(backend.client.stream(request)) as events:
                async for event in events:
                    feed(event)
                    kind = type(event)
                    if kind is TextDelta:
                        text.append(event.text)  # type: ignore[union-attr]
                    elif kind is ReasoningDelta:
                        reasoning.append(event.text)  # type: ignore[union-attr]
                    elif kind is TextSnapshot:
                        text = [event.text]  # type: ignore[union-attr]
                    elif kind is Finished:
                        turn.finish_reason = event.reason  # type: ignore[union-attr]
                    elif kind is StreamError:
                        turn.error = event  # type: ignore[assignment]
                    if sink is not None:
                        sink(event)
        except asyncio.CancelledError:
            turn.interrupted = True
            raise
        except Exception as exc:  # a bug must not cost the partial answer or show a traceback
            turn.error = StreamError(
                "protocol",
                f"redline failed while reading the answer ({type(exc).__name__}: {exc}); "
                "the partial answer was kept.",
            )
            if sink is not None:
                sink(turn.error)
        finally:
            turn.text = "".join(text)
            turn.reasoning = "".join(reasoning)
            meter.finish()
            turn.reading = meter.reading()
        return turn
