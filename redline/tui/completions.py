"""What the prompt completes as you type: `/` commands and `@` files and symbols."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from redline.tui.slash import SlashRegistry
from redline.tui.widgets.completion_menu import Completion

if TYPE_CHECKING:
    from redline.tools.context import ContextSet

MAX_COMPLETIONS = 12


def slash_completions(registry: SlashRegistry) -> Callable[[str], list[Completion]]:
    def complete(word: str) -> list[Completion]:
        return [
            Completion(
                value=f"/{c.name} " if c.args else f"/{c.name}",
                label=f"/{c.name}" + (f" {c.args}" if c.args else ""),
                help=c.help,
                submit=not c.args,
            )
            for c in registry.complete(word[1:])
        ]

    return complete


def at_completions(context: ContextSet) -> Callable[[str], list[Completion]]:
    """Files first, then symbols, from the last index; never scans (fast per keystroke)."""

    def complete(word: str) -> list[Completion]:
        prefix = word[1:]
        if not prefix and not context.index.files:
            return []
        out = []
        for item in context.complete(prefix, MAX_COMPLETIONS):
            where = "file" if item.kind == "file" else f"{item.kind} in {item.path}:{item.line}"
            out.append(Completion(value=f"@{item.text} ", label=f"@{item.text}", help=where))
        return out

    return complete
