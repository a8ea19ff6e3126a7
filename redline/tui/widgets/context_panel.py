"""The context panel: docked at the right, exactly what the next request carries and its size.

Toggled with f5 or `/context`; refilled (in a thread) when it opens, when files are added or
dropped and when a turn ends. The content is the same as the `/context` summary: files sent
whole, `@` mentions, the repository map, the token estimate, then the text itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

if TYPE_CHECKING:
    from redline.tools.context import ContextBundle


class ContextPanel(VerticalScroll):
    DEFAULT_CSS = """
    ContextPanel {
        dock: right;
        width: 52;
        max-width: 45%;
        display: none;
        padding: 0 1;
        border-left: tall $primary 60%;
        background: $surface;
    }
    ContextPanel.-open {
        display: block;
    }
    ContextPanel #context-panel-title {
        color: $primary;
        text-style: bold;
        margin-bottom: 1;
    }
    ContextPanel #context-panel-summary {
        margin-bottom: 1;
    }
    """

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id, can_focus=False)
        self.bundle: ContextBundle | None = None

    def compose(self) -> ComposeResult:
        yield Static("Next request's context  (f5 closes)", id="context-panel-title")
        yield Static(Text("Reading the repository…", style="dim"), id="context-panel-summary")
        yield Static("", id="context-panel-text")

    @property
    def is_open(self) -> bool:
        return self.has_class("-open")

    def set_open(self, on: bool) -> None:
        self.set_class(on, "-open")

    def show(self, bundle: ContextBundle) -> None:
        from redline.tui.screens.context_view import summary

        self.bundle = bundle
        self.query_one("#context-panel-summary", Static).update(summary(bundle))
        text = Text(bundle.text or "(nothing: no source files and nothing added)", style="dim")
        self.query_one("#context-panel-text", Static).update(text)

    def show_message(self, message: str) -> None:
        self.bundle = None
        self.query_one("#context-panel-summary", Static).update(Text(message, style="bold"))
        self.query_one("#context-panel-text", Static).update("")
