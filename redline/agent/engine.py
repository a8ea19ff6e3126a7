"""The turn engine: conversation + context -> request -> stream -> meter and edits -> Turn.

Plain asyncio, no widget in it (DESIGN.md). The TUI, ``redline exec`` and race lanes all drive
it through a ``Session``. It feeds the edit parser itself, so every front end gets the same
``EditProposed`` messages while the answer streams and the same ``Turn.edits`` after.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from contextlib import aclosing

from redline.agent.backend import Backend
from redline.agent.context import BuiltContext, ContextSource
from redline.agent.conversation import Conversation, Turn
from redline.agent.edit_watch import EditWatch
from redline.agent.messages import Emit, Notice, ignore
from redline.backends.events import (
    Finished,
    ProviderNotice,
    ReasoningDelta,
    StreamError,
    TextDelta,
    TextSnapshot,
    Usage,
)
from redline.backends.meter import MeterReading, SpeedMeter
from redline.backends.request import ChatRequest, Message
from redline.tools.prompts import default_edit_format, system_prompt


def estimate_prompt_tokens(request: ChatRequest) -> int:
    """About four characters a token, plus a few per message for the chat template."""
    return sum(len(m.content) // 4 + 4 for m in request.messages)


class TurnLoop:
    """Runs one turn at a time against ``backend`` (settable: switching keeps the conversation)."""

    def __init__(
        self,
        backend: Backend,
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
            model=self.backend.model,
            messages=tuple(messages),
            max_tokens=self.max_tokens,
            session_id=self.conversation.session_id,
        )

    async def _context(self, prompt: str) -> BuiltContext:
        if self.context is None:
            return BuiltContext("")
        # Parsing the repo is CPU work: keep it off the event loop.
        return await asyncio.to_thread(self.context.build, prompt, self.conversation)

    def live_meter(self) -> LiveMeter:
        """The reading of the turn about to run (empty until its request is sent)."""
        return LiveMeter(self)

    async def run(self, prompt: str, sink: Emit = ignore) -> Turn:
        """Stream one answer; on cancellation the partial turn is kept, marked interrupted."""
        backend = self.backend
        built = await self._context(prompt)
        for warning in built.warnings:
            sink(Notice(warning, "warning"))
        self.last_context = built.text
        request = self.build_request(prompt, built.text)
        turn = Turn(prompt, provider=backend.name, model=backend.model)
        turn.prompt_estimate = estimate_prompt_tokens(request)
        self.conversation.turns.append(turn)
        meter = SpeedMeter(self._clock)
        self.meter = meter
        watch = EditWatch(sink)
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
                        sink(event)
                        watch.feed(event.text)  # type: ignore[union-attr]
                        continue
                    if kind is ReasoningDelta:
                        reasoning.append(event.text)  # type: ignore[union-attr]
                    elif kind is TextSnapshot:
                        text = [event.text]  # type: ignore[union-attr]
                    elif kind is Finished:
                        turn.finish_reason = event.reason  # type: ignore[union-attr]
                    elif kind is StreamError:
                        turn.error = event  # type: ignore[assignment]
                    elif kind is ProviderNotice:
                        turn.warnings.append(event.text)  # type: ignore[union-attr]
                        sink(Notice(event.text, "warning"))  # type: ignore[union-attr]
                        continue
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
            sink(turn.error)
        finally:
            turn.text = "".join(text)
            turn.reasoning = "".join(reasoning)
            meter.finish()
            turn.reading = meter.reading()
            turn.edits = watch.finish(turn.text)
        if turn.finished and turn.reading is not None and not turn.reading.tokens_exact:
            await self._count_exactly(turn, meter)
        return turn

    async def _count_exactly(self, turn: Turn, meter: SpeedMeter) -> None:
        """A local llama.cpp server sent no usage: count with its tokenizer, after the answer."""
        client = self.backend.client
        if not client.local:
            return
        answer = await client.count_tokens([turn.text])
        reasoning = await client.count_tokens([turn.reasoning]) if turn.reasoning else 0
        if answer is None or reasoning is None:
            return
        meter.feed(Usage(completion_tokens=answer + reasoning, reasoning_tokens=reasoning))
        turn.reading = meter.reading()


class LiveMeter:
    """The meter of the turn the loop runs next (it makes a new one per turn)."""

    def __init__(self, loop: TurnLoop) -> None:
        self._turn_loop = loop
        self._stale = loop.meter  # the previous turn's, until the loop replaces it

    def reading(self) -> MeterReading:
        meter = self._turn_loop.meter
        return MeterReading() if meter is None or meter is self._stale else meter.reading()
