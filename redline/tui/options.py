"""What the command line asked of the TUI."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from redline.agent.approval import DEFAULT_MODE, ApprovalMode


@dataclass(slots=True, frozen=True)
class AppOptions:
    """What the command line asked for."""

    provider: str | None = None
    model: str | None = None
    base_url: str | None = None
    resume: str | None = None
    auto_apply: bool = False
    approval: ApprovalMode = DEFAULT_MODE
    tools: bool = True  # False: edit-block turns only (no tools offered)
    repo_root: Path = field(default_factory=Path.cwd)
