"""The turn loop: conversation + context -> request -> stream -> meter/edits -> result.

Plain asyncio, no widget in it (DESIGN.md). The TUI, ``redline exec`` and race mode all
drive it. Owner: the client/backends work; the edits and context work add their hooks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from redline.backends.events import Event, StreamError
from redline.backends.meter import MeterReading
from redline.backends.request import Message

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
