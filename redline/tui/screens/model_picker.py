"""Pick a model from the backend's ``/v1/models``, filtered as you type."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, LoadingIndicator, OptionList, Static
from textual.widgets.option_list import Option

from redline.safety.terminal import for_terminal, one_line

ModelLoader = Callable[[], Awaitable[list[str]]]


class ModelPickerScreen(ModalScreen[str | None]):
    CSS_PATH = "model_picker.tcss"
    BINDINGS = [
        Binding("escape", "dismiss_none", "Close"),
        Binding("down", "cursor_down", show=False),
        Binding("up", "cursor_up", show=False),
    ]

    def __init__(self, backend_name: str, current: str | None, load: ModelLoader) -> None:
        super().__init__()
        self._backend_name = backend_name
        self._current = current
        self._load = load
        self._models: list[str] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Static(Text(f"Models on {self._backend_name}", style="bold"), id="picker-title")
            yield Input(placeholder="filter models", id="model-filter")
            yield LoadingIndicator(id="model-loading")
            yield OptionList(id="model-list")
            yield Static("", id="picker-note")

    def on_mount(self) -> None:
        self.query_one(OptionList).display = False
        self.query_one(Input).focus()
        self.load_models()

    @work(exclusive=True)
    async def load_models(self) -> None:
        try:
            models = await self._load()
        except Exception as exc:  # a sentence from the backend layer, never a traceback
            self._show_error(str(exc) or exc.__class__.__name__)
            return
        self._models = sorted(models)
        self.query_one(LoadingIndicator).display = False
        self.query_one(OptionList).display = True
        self._refill(self.query_one(Input).value)

    def _show_error(self, message: str) -> None:
        self.query_one(LoadingIndicator).display = False
        self._note(f"Could not list models: {message}", style="bold red")

    def _note(self, text: str, style: str = "dim") -> None:
        self.query_one("#picker-note", Static).update(Text(for_terminal(text), style=style))

    def _refill(self, query: str) -> None:
        words = query.lower().split()
        shown = [m for m in self._models if all(w in m.lower() for w in words)]
        options = self.query_one(OptionList)
        options.clear_options()
        for model in shown:
            mark = "● " if model == self._current else "  "
            options.add_option(
                Option(Text(mark + one_line(model)), id=model)
            )  # ids come from the server
        if shown:
            current = shown.index(self._current) if self._current in shown else 0
            options.highlighted = current
        count = f"{len(shown)} of {len(self._models)}" if words else f"{len(self._models)}"
        self._note(f"{count} models · enter switches · esc closes")

    def on_input_changed(self, event: Input.Changed) -> None:
        if self._models:
            self._refill(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is not None and options.option_count:
            self.dismiss(options.get_option_at_index(options.highlighted).id)
        elif event.value.strip() and not self._models:
            self.dismiss(event.value.strip())  # listing failed: take the id as typed

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cursor_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
