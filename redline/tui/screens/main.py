"""The main screen: transcript, completion menu, prompt, status bar, footer."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer

from redline.tui.widgets.completion_menu import CompletionMenu
from redline.tui.widgets.context_panel import ContextPanel
from redline.tui.widgets.meter import MeterBar
from redline.tui.widgets.prompt import PromptInput
from redline.tui.widgets.status_bar import StatusBar
from redline.tui.widgets.transcript import Transcript

if TYPE_CHECKING:
    from redline.tui.app import RedlineApp


class MainScreen(Screen[None]):
    CSS_PATH = "main.tcss"

    def compose(self) -> ComposeResult:
        app = cast("RedlineApp", self.app)
        yield Transcript(clock=app.display_clock, id="transcript")
        yield MeterBar(id="meter")
        yield CompletionMenu(id="completion")
        yield PromptInput(id="prompt", history=app.prompt_history, cursor_blink=app.cursor_blink)
        yield StatusBar(id="status")
        yield Footer()
        yield ContextPanel(id="context-panel")  # after the footer: it docks beside the rest

    def on_mount(self) -> None:
        prompt = self.query_one(PromptInput)
        prompt.menu = self.query_one(CompletionMenu)
        app = cast("RedlineApp", self.app)
        prompt.sources.update(app.completion_sources)
        prompt.focus()
        app.main_screen_ready()

    def on_prompt_input_submitted(self, message: PromptInput.Submitted) -> None:
        cast("RedlineApp", self.app).handle_prompt(message.text)
