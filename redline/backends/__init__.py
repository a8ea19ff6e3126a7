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
    Usage,
)

__all__ = [
    "Event",
    "Finished",
    "ProviderNotice",
    "ReasoningDelta",
    "ServerTiming",
    "StreamError",
    "TextDelta",
    "TextSnapshot",
    "Usage",
]
