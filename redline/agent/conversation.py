"""The conversation: every turn so far, re-sent (whatever the backend) as the message history."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from redline.backends.events import ReasoningItem, StreamError
from redline.backends.meter import MeterReading
from redline.backends.request import Message

if TYPE_CHECKING:  # GitPython is a slow import: not before the TUI's first paint
    from redline.agent.steps import ToolStep
    from redline.agent.timing import TurnTiming
    from redline.tools.edits import EditBlock


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
    prompt_estimate: int = 0  # tokens the request carried, estimated (when usage has none)
    edit_format: str | None = None  # the edit format the turn asked for (None: not known)
    edits: list[EditBlock] = field(default_factory=list)  # as the loop's parser closed them
    # A turn of several steps: the model's tool calls and their results, and steered-in
    # prompts, in the neutral form every wire renders (``redline.backends.request.Message``).
    items: list[Message] = field(default_factory=list)
    steps: list[ToolStep] = field(default_factory=list)
    answer_start: int = 0  # where the final answer begins in ``text`` (earlier: step texts)
    # The final answer's own reasoning (and Responses reasoning items), echoed with it in the
    # history where the provider wants reasoning back.
    answer_reasoning: str = ""
    answer_items: tuple[ReasoningItem, ...] = ()
    commit: str | None = None  # the one commit of the turn's edits (tools, or applied later)
    # What became of the turn's edits: "applied", "discarded", "undone", "superseded" (a later
    # answer's edits took f2), or None (none yet: waiting, or no edits).
    edit_status: str | None = None
    timing: TurnTiming | None = None

    @property
    def finished(self) -> bool:
        """Ended normally: neither an error nor an interruption."""
        return self.error is None and not self.interrupted


SUMMARY_INTRO = (
    "A summary of our conversation so far (older turns were compacted with /compact):\n\n"
)
SUMMARY_ACK = "Understood. I will continue from this summary."


def new_session_id() -> str:
    return "redline-" + secrets.token_hex(8)


@dataclass(slots=True)
class Conversation:
    """Every turn so far; re-sent, whatever the backend, as the message history."""

    turns: list[Turn] = field(default_factory=list)
    # Sent as Baseten's x-session-affinity: every turn of this conversation on one replica.
    session_id: str = field(default_factory=lambda: new_session_id())
    # `/compact`: the first ``summarized`` turns are sent as ``summary`` (they stay in ``turns``
    # for the transcript and the session file); ``summary_at``: how many turns there were then.
    summary: str = ""
    summarized: int = 0
    summary_at: int = 0

    def history(self, upto: int | None = None) -> list[Message]:
        """What the model is sent for the turns so far (or the first ``upto``)."""
        messages: list[Message] = []
        start = 0
        if self.summary and self.summarized:
            messages.append(Message("user", SUMMARY_INTRO + self.summary))
            messages.append(Message("assistant", SUMMARY_ACK))
            start = self.summarized
        for turn in self.turns[start:upto]:
            messages.append(Message("user", turn.prompt))
            messages.extend(turn.items)
            answer = turn.text[turn.answer_start :]
            if answer:
                thought = bool(turn.answer_reasoning or turn.answer_items)
                messages.append(
                    Message(
                        "assistant",
                        answer,
                        reasoning=turn.answer_reasoning,
                        reasoning_provider=turn.provider if thought else "",
                        reasoning_items=turn.answer_items,
                        reasoning_model=turn.model if turn.answer_items else "",
                    )
                )
        return messages

    @property
    def last(self) -> Turn | None:
        return self.turns[-1] if self.turns else None
