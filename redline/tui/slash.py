"""Slash commands: one registry the prompt, its completion, /help and the command palette read.

Other work adds a command by registering a ``SlashCommand`` on ``app.slash`` (for example in a
module listed in ``redline.tui.slash_builtin.EXTRA_MODULES``). A handler receives the app and
the text after the command name, and may be sync or async.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from redline.tui.app import RedlineApp

SlashHandler = Callable[["RedlineApp", str], Awaitable[None] | None]


@dataclass(slots=True, frozen=True)
class SlashCommand:
    """``/name ARGS``: what it does in one line, and the key that does the same, if any."""

    name: str
    help: str
    run: SlashHandler
    args: str = ""  # shown in help and completion, e.g. "[NAME]"
    key: str | None = None  # display form of an equivalent key binding, e.g. "ctrl+b"
    in_palette: bool = True


@dataclass(slots=True, frozen=True)
class ParsedSlash:
    name: str
    arg: str


def parse_slash(text: str) -> ParsedSlash | None:
    """``"/model llama"`` -> ``ParsedSlash("model", "llama")``; ``None`` when not a command."""
    stripped = text.strip()
    if not stripped.startswith("/") or stripped.startswith("//") or len(stripped) < 2:
        return None
    name, _, arg = stripped[1:].partition(" ")
    if not name or "/" in name:
        return None  # a path such as /usr/bin is a prompt, not a command
    return ParsedSlash(name.lower(), arg.strip())


class SlashRegistry:
    """The commands, in the order they were registered."""

    def __init__(self, commands: list[SlashCommand] | None = None) -> None:
        self._commands: dict[str, SlashCommand] = {}
        for command in commands or []:
            self.register(command)

    def register(self, command: SlashCommand) -> None:
        """Add (or replace) a command."""
        self._commands[command.name] = command

    def get(self, name: str) -> SlashCommand | None:
        return self._commands.get(name)

    def complete(self, prefix: str) -> list[SlashCommand]:
        """Commands whose name starts with ``prefix`` (no slash), then those containing it."""
        prefix = prefix.lower()
        starts = [c for c in self._commands.values() if c.name.startswith(prefix)]
        inside = [
            c for c in self._commands.values() if prefix in c.name and not c.name.startswith(prefix)
        ]
        return starts + inside

    def __iter__(self) -> Iterator[SlashCommand]:
        return iter(self._commands.values())

    def __len__(self) -> int:
        return len(self._commands)

    def __contains__(self, name: Any) -> bool:
        return name in self._commands
