"""One step of a turn: stream one answer, collecting its text, reasoning and tool calls."""

from __future__ import annotations

import asyncio
from contextlib import aclosing
from dataclasses import dataclass, field

from redline.agent.backend import Backend
from redline.agent.edit_watch import EditWatch
from redline.agent.messages import Emit, Notice
from redline.backends.events import (
    Finished,
    ProviderNotice,
    ReasoningDelta,
    ReasoningItem,
    StreamError,
    TextDelta,
    TextSnapshot,
    ToolCall,
)
from redline.backends.meter import MeterReading, SpeedMeter
from redline.backends.request import ChatRequest


@dataclass(slots=True)
class StepAnswer:
    text: str = ""
    reasoning: str = ""
    calls: list[ToolCall] = field(default_factory=list)
    reasoning_items: list[ReasoningItem] = field(default_factory=list)  # Responses, opaque
    finish_reason: str | None = None
    error: StreamError | None = None
    refused_tools: bool = False  # the server said this model cannot call tools
    reading: MeterReading = field(default_factory=MeterReading)


async def stream_step(
    backend: Backend,
    request: ChatRequest,
    meter: SpeedMeter,
    watch: EditWatch,
    sink: Emit,
    answer: StepAnswer,
) -> StepAnswer:
    """Stream one answer into ``answer``; on cancellation or failure it holds what came."""
    text: list[str] = []
    reasoning: list[str] = []
    feed = meter.feed
    snapshots = False  # a diffusing answer: its edits are read from the last snapshot
    first_text = True
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
                    if first_text:  # its draw goes before the rest of this read is parsed
                        first_text = False
                        await asyncio.sleep(0)
                    continue
                if kind is ReasoningDelta:
                    reasoning.append(event.text)  # type: ignore[union-attr]
                elif kind is TextSnapshot:
                    text = [event.text]  # type: ignore[union-attr]
                    snapshots = True
                elif kind is ProviderNotice:
                    sink(Notice(event.text, "warning"))  # type: ignore[union-attr]
                    continue
                elif kind is ToolCall:
                    answer.calls.append(event)  # type: ignore[arg-type]
                elif kind is ReasoningItem:
                    answer.reasoning_items.append(event)  # type: ignore[arg-type]
                    continue  # opaque: kept for the next request, nothing to show
                elif kind is Finished:
                    answer.finish_reason = event.reason  # type: ignore[union-attr]
                elif kind is StreamError:
                    answer.error = event  # type: ignore[assignment]
                    if request.tools and not backend.client.supports_tools(request.model):
                        answer.refused_tools = True
                        continue  # the turn goes on without tools; said once, as a notice
                sink(event)
    finally:
        answer.text = "".join(text)
        if snapshots:  # the step's settled text, as if streamed: its cards come before the tools
            watch.feed(answer.text)
        answer.reasoning = "".join(reasoning)
        meter.finish()
        answer.reading = meter.reading()
    return answer
