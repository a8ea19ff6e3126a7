"""Keys and slash commands, from the bindings and the registry themselves (never out of date)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from redline.tui.screens.framed import SCROLL_BINDINGS, FramedScreen
from redline.tui.slash import SlashCommand

PROMPT_KEYS = (
    ("enter", "send the prompt (while a turn runs: to the model at its next step)"),
    ("tab", "while a turn runs: queue the prompt for after it"),
    ("shift+enter / ctrl+j", "new line in the prompt"),
    ("up / down", "earlier prompts (on the first / last line)"),
    ("ctrl+l", "clear the whole prompt, e.g. a recalled long paste (ctrl+z undoes)"),
    ("f7", "select the whole prompt (typing replaces it)"),
    ("/", "slash commands, completed as you type (tab or enter accepts)"),
    ("@", "mention a file or symbol (completed as you type)"),
    ("ctrl+p", "command palette: every command and theme, searchable"),
)


KEY_COLUMN = 20  # keys and commands line up; a longer one wraps in its column


class HelpScreen(FramedScreen[None]):
    DEFAULT_CSS = "HelpScreen #help-commands { margin-top: 1; }"
    SCROLLS = True
    BINDINGS = [
        *SCROLL_BINDINGS,
        Binding("escape", "dismiss", "Close"),
        Binding("q", "dismiss", "Close", show=False),
        Binding("f1", "dismiss", "Close", show=False),
    ]

    def __init__(self, bindings: Sequence[Binding], commands: Sequence[SlashCommand]) -> None:
        super().__init__()
        self._key_bindings = list(bindings)
        self._commands = list(commands)

    def frame_title(self) -> str:
        return "redline help"

    def compose_body(self) -> ComposeResult:
        yield Static(self._keys_table())
        yield Static(self._commands_table(), id="help-commands")
        yield Static(Text("Every command is also in the command palette (ctrl+p).", "dim"))

    def _keys_table(self) -> Table:
        table = Table(title="Keys", title_justify="left", show_header=False, box=None, expand=True)
        table.add_column("key", style="bold", width=KEY_COLUMN)
        table.add_column("does")
        for key, does in PROMPT_KEYS:
            table.add_row(key, does)
        for binding in self._key_bindings:
            table.add_row(
                binding.key_display or binding.key, binding.tooltip or binding.description
            )
        return table

    def _commands_table(self) -> Table:
        table = Table(
            title="Slash commands", title_justify="left", show_header=False, box=None, expand=True
        )
        table.add_column("command", style="bold", width=KEY_COLUMN)
        table.add_column("does")
        for command in self._commands:
            name = f"/{command.name}" + (f" {command.args}" if command.args else "")
            help_text = command.help + (f"  ({command.key})" if command.key else "")
            table.add_row(name, help_text)
        return table

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
