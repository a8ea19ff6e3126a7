"""Model-facing layer: providers, the streaming client, the meter, the simulator.

Never imports ``redline.tui`` or Textual, nor ``redline.tools``.
"""

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
