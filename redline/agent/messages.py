"""What the agent tells a front end, as typed values (DESIGN.md "Layout and layers").

A front end gets every message through one callback (``Emit``); stream events from
``redline.backends.events`` (``TextDelta``, ``ReasoningDelta``, ``TextSnapshot``, ``Usage``,
``Finished``, ``StreamError``...) travel as they are. A question for the person
(``ApprovalRequested``) carries a future the front end resolves; the turn awaits it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol

from redline.agent.conversation import Turn
from redline.agent.notice import Notice
from redline.backends.events import Event

StepStatus = Literal["ok", "error", "denied"]

if TYPE_CHECKING:  # GitPython is a slow import: not before the TUI's first paint
    from redline.agent.timing import SplitReading
    from redline.backends.meter import MeterReading
    from redline.tools.edits import EditBlock


class MeterSource(Protocol):
    """The live reading of the turn in flight."""

    def reading(self) -> MeterReading: ...


class SplitSource(Protocol):
    """Where the turn in flight's time went so far (None before it starts)."""

    def reading(self) -> SplitReading | None: ...


@dataclass(slots=True, frozen=True)
class TurnStarted:
    turn_id: int
    prompt: str
    provider: str
    model: str
    meter: MeterSource | None  # None: no backend, nothing to measure
    split: SplitSource | None = None  # the live model / tools / redline time split


@dataclass(slots=True, frozen=True)
class EditProposed:
    """An edit block closed in the streaming answer (``block.error``: it could not be read).

    ``at``: where the block ends in the turn's answer text (None: not from the text, e.g. a
    patch tool call), so a front end can place its card after that text.
    """

    block: EditBlock
    at: int | None = None


@dataclass(slots=True, frozen=True)
class ToolCallStarted:
    call_id: str
    name: str
    arguments: str  # the JSON text as the model wrote it


@dataclass(slots=True, frozen=True)
class ToolFinished:
    call_id: str
    name: str
    status: StepStatus
    output: str
    duration_ms: float


@dataclass(slots=True, frozen=True)
class CommandRunning:
    """A model's command started (after any approval); ``CommandOutput`` follows as it comes."""

    call_id: str
    command: str
    sandboxed: bool


@dataclass(slots=True, frozen=True)
class CommandOutput:
    """A chunk of a running command's output, raw: sanitise it before showing it."""

    call_id: str
    stream: Literal["stdout", "stderr"]
    text: str


@dataclass(slots=True, frozen=True)
class ApprovalRequest:
    """A tool call that needs a yes from the person before it runs."""

    call_id: str
    tool: str
    summary: str  # what it would do, in one line
    detail: str = ""  # the patch or command in full
    always: str = ""  # a command prefix the person may allow from now on ("a"); "" none


# True: yes; False: no; "always": yes, and remember `ApprovalRequest.always` for this repository
ApprovalAnswer = bool | Literal["always"]


@dataclass(slots=True, frozen=True, eq=False)
class ApprovalRequested:
    request: ApprovalRequest
    future: asyncio.Future[ApprovalAnswer]


@dataclass(slots=True, frozen=True)
class SteeringSent:
    """A prompt sent while the turn ran went to the model at a step boundary."""

    text: str


@dataclass(slots=True, frozen=True, eq=False)
class TurnFinished:
    turn: Turn


AgentMessage = (
    TurnStarted
    | Event
    | EditProposed
    | ToolCallStarted
    | ToolFinished
    | CommandRunning
    | CommandOutput
    | ApprovalRequested
    | SteeringSent
    | TurnFinished
    | Notice
)
Emit = Callable[[AgentMessage], None]


def ignore(message: AgentMessage) -> None:
    """An ``Emit`` for callers that only want the result."""
