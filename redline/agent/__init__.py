"""The conversation and the turn: session state, the turn engine, edits, speed history, and what
they emit.

Plain asyncio: imports ``redline.backends`` and ``redline.tools``, never ``redline.cli``,
``redline.tui`` or Textual. A front end talks to it only through ``Session`` and the typed
messages in ``redline.agent.messages``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from redline._lazy import lazy_exports

if TYPE_CHECKING:
    from redline.agent.backend import Backend, BackendOpener, ModelClient
    from redline.agent.context import BuiltContext, ContextSource, RepoContext
    from redline.agent.conversation import Conversation, Turn
    from redline.agent.engine import TurnLoop
    from redline.agent.messages import (
        AgentMessage,
        ApprovalRequest,
        ApprovalRequested,
        CommandOutput,
        CommandRunning,
        EditProposed,
        Emit,
        SteeringSent,
        ToolCallStarted,
        ToolFinished,
        TurnFinished,
        TurnStarted,
    )
    from redline.agent.notice import Notice
    from redline.agent.session import BackendChange, Session

# The TUI's first frame needs the session, not the turn engine, its messages or timing.
__getattr__ = lazy_exports(
    __name__,
    {
        "backend": (
            "Backend",
            "BackendOpener",
            "ModelClient",
        ),
        "context": (
            "BuiltContext",
            "ContextSource",
            "RepoContext",
        ),
        "conversation": (
            "Conversation",
            "Turn",
        ),
        "engine": ("TurnLoop",),
        "messages": (
            "AgentMessage",
            "ApprovalRequest",
            "ApprovalRequested",
            "CommandOutput",
            "CommandRunning",
            "EditProposed",
            "Emit",
            "SteeringSent",
            "ToolCallStarted",
            "ToolFinished",
            "TurnFinished",
            "TurnStarted",
        ),
        "notice": ("Notice",),
        "session": (
            "BackendChange",
            "Session",
        ),
    },
)

__all__ = [
    "AgentMessage",
    "ApprovalRequest",
    "ApprovalRequested",
    "Backend",
    "BackendChange",
    "BackendOpener",
    "BuiltContext",
    "CommandOutput",
    "CommandRunning",
    "ContextSource",
    "Conversation",
    "EditProposed",
    "Emit",
    "ModelClient",
    "Notice",
    "RepoContext",
    "Session",
    "SteeringSent",
    "ToolCallStarted",
    "ToolFinished",
    "Turn",
    "TurnFinished",
    "TurnLoop",
    "TurnStarted",
]
