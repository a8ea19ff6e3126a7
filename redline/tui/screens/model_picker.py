"""Pick a model from the backend's ``/v1/models``, filtered as you type."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, LoadingIndicator, OptionList, Static
from textual.widgets.option_list import Option

from redline.safety.terminal import one_line
from redline.tui.screens.framed import FramedScreen

ModelLoader = Callable[[], Awaitable[list[str]]]


class ModelPickerScreen(FramedScreen[str | None]):
    DEFAULT_CSS = """
    ModelPickerScreen #model-filter {
        border: none; height: 1; padding: 0 1; margin-bottom: 1; background: $boost;
    }
    ModelPickerScreen #model-loading { height: 1; }
    """
    BINDINGS = [
        Binding("enter", "choose", "Switch", priority=True),
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

    def frame_title(self) -> str:
        return f"Models on {self._backend_name}"

    def compose_body(self) -> ComposeResult:
        yield Input(placeholder="type to filter the models", id="model-filter")
        yield LoadingIndicator(id="model-loading")
        yield OptionList(id="model-list")
        yield Static("", id="picker-note", classes="frame-note")

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
        said = message.rstrip(".")
        self.note(f"Could not list models: {said}. Type a model id, then enter.", "bold red")

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
        self.note(f"{count} models")

    def on_input_changed(self, event: Input.Changed) -> None:
        if self._models:
            self._refill(event.value)

    def action_choose(self) -> None:
        typed = self.query_one(Input).value.strip()
        if self.highlighted_id() is not None:
            super().action_choose()
        elif typed and not self._models:
            self.dismiss(typed)  # listing failed: take the id as typed

    def action_cursor_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()
