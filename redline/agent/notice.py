"""``Notice``: a sentence for the person that is not part of the answer.

Its own module (``redline.agent.messages`` re-exports it): the edit review, the slash
commands and the TUI's main screen return notices, and they load before the TUI's first
frame; the turn's messages load after it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["information", "warning", "error"]


@dataclass(slots=True, frozen=True)
class Notice:
    """Something to tell the person that is not part of the answer."""

    text: str
    severity: Severity = "information"
