"""A yes/no question in a small modal: y or enter says yes, n or esc says no."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from redline.safety.terminal import for_terminal


class ConfirmScreen(ModalScreen[bool]):
    DEFAULT_CSS = """
    ConfirmScreen {
        align: center middle;
    }
    #confirm-body {
        width: 70;
        max-width: 100%;
        height: auto;
        padding: 1 2;
        border: thick $warning;
        background: $surface;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, question: str, detail: str = "") -> None:
        super().__init__()
        self._question = question
        self._detail = detail

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-body"):
            yield Static(Text(for_terminal(self._question), style="bold"))
            if self._detail:
                yield Static(Text(for_terminal(self._detail), style="dim"))
            yield Static(Text("y yes · n no", style="bold"))

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
