"""Model-facing layer: providers, the streaming client, the meter, the simulator.

Never imports ``redline.tui`` or Textual, nor ``redline.tools``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from redline._lazy import lazy_exports

if TYPE_CHECKING:
    from redline.backends.events import (
        Event,
        Finished,
        ProviderNotice,
        ReasoningDelta,
        ServerTiming,
        StreamError,
        TextDelta,
        TextSnapshot,
        ToolCall,
        ToolCallDelta,
        Usage,
    )
    from redline.backends.request import ChatRequest, Message, ToolSpec

# Loaded on first use: importing one backends module does not load the stream events.
__getattr__ = lazy_exports(
    __name__,
    {
        "events": (
            "Event",
            "Finished",
            "ProviderNotice",
            "ReasoningDelta",
            "ServerTiming",
            "StreamError",
            "TextDelta",
            "TextSnapshot",
            "ToolCall",
            "ToolCallDelta",
            "Usage",
        ),
        "request": (
            "ChatRequest",
            "Message",
            "ToolSpec",
        ),
    },
)

__all__ = [
    "ChatRequest",
    "Event",
    "Finished",
    "Message",
    "ProviderNotice",
    "ReasoningDelta",
    "ServerTiming",
    "StreamError",
    "TextDelta",
    "TextSnapshot",
    "ToolCall",
    "ToolCallDelta",
    "ToolSpec",
    "Usage",
]
