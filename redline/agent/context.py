"""The repository context each prompt carries: a narrow source the engine calls in a thread."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from redline.agent.conversation import Conversation

if TYPE_CHECKING:  # tree-sitter is a slow import: not before the TUI's first paint
    from redline.tools.context import ContextSet


@dataclass(slots=True, frozen=True)
class BuiltContext:
    text: str
    warnings: tuple[str, ...] = ()


class ContextSource(Protocol):
    def build(self, prompt: str, conversation: Conversation) -> BuiltContext: ...


class RepoContext:
    """A ``ContextSet``'s text for the prompt; a failure sends no context and says why."""

    def __init__(self, context: ContextSet) -> None:
        self.context = context

    def build(self, prompt: str, conversation: Conversation) -> BuiltContext:
        try:
            bundle = self.context.bundle(prompt)
        except Exception as exc:  # tree-sitter, git or file errors: never stop a turn
            return BuiltContext("", (f"No repository context sent: {exc}",))
        return BuiltContext(bundle.text, tuple(bundle.warnings))
