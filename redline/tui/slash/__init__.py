"""Slash commands: one registry the prompt, its completion, /help and the command palette read.

Other work adds a command by registering a ``SlashCommand`` on ``app.slash`` (for example in a
module listed in ``redline.tui.slash.builtin.EXTRA_MODULES``). A handler receives a
``SlashContext`` (the agent ``Session`` and the few things the screen can do, ``SlashUI``) and
the text after the command name, and may be sync or async.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from redline.agent.notice import Notice

if TYPE_CHECKING:
    from redline.agent.session import Session


class SlashUI(Protocol):
    """What a command may ask of the front end (the App implements it)."""

    def say(self, notice: Notice) -> None: ...
    def send_prompt(self, text: str) -> None: ...
    def pick_backend(self) -> None: ...
    def switch_backend(self, name: str) -> None: ...
    def pick_model(self) -> None: ...
    def switch_model(self, model: str) -> None: ...
    def clear_conversation(self) -> None: ...
    def pick_theme(self) -> None: ...
    def set_theme(self, name: str) -> None: ...
    def show_help(self) -> None: ...
    async def show_diff(self, title: str, text: str, review: bool = False) -> None: ...
    async def quit(self) -> None: ...
    def toggle_context(self, draft: str | None = None) -> None: ...
    def context_changed(self) -> None: ...
    def start_race(self, prompt: str) -> None: ...
    def show_stats(self) -> None: ...
    def pick_session(self) -> None: ...
    def compact(self) -> None: ...
    def run_own_command(self, command: str, kind: str = "command", label: str = "") -> None: ...
    def test_command(self) -> str | None: ...
    def offer_git_init(self) -> None: ...
    def copy_to_clipboard(self, text: str) -> None: ...
    def queue_changed(self) -> None: ...
    def edit_prompt(self, text: str) -> None: ...
    def merge_edits(self) -> None: ...


@dataclass(slots=True, frozen=True)
class SlashContext:
    session: Session
    ui: SlashUI


SlashHandler = Callable[[SlashContext, str], Awaitable[None] | None]


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
