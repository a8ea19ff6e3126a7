"""A tool call of a turn as it ended: a value light enough to load with a saved session."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from redline.agent.messages import StepStatus

STEP_OUTPUT_CHARS = 4096  # what exec --json (and a session file) keeps of a step's output


@dataclass(slots=True, frozen=True)
class ToolStep:
    """One tool call of a turn, as ``exec --json`` reports it."""

    call_id: str
    tool: str
    arguments: str  # the JSON text the model sent
    status: StepStatus
    output: str  # what the model was told
    duration_ms: float

    def args(self) -> object:
        """The arguments as JSON values when they parse, else the text as the model sent it."""
        try:
            return json.loads(self.arguments) if self.arguments.strip() else {}
        except ValueError:
            return self.arguments
