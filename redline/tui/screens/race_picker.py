"""Pick 2-4 backends to race: space toggles one, enter starts the race, esc closes."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import SelectionList, Static
from textual.widgets.selection_list import Selection

from redline.agent.race import MAX_LANES, MIN_LANES
from redline.tui.screens.backend_picker import BackendChoice


class RacePickerScreen(ModalScreen[list[str] | None]):
    DEFAULT_CSS = """
    RacePickerScreen { align: center middle; }
    RacePickerScreen #race-picker {
        width: 100; max-width: 95%; height: auto; max-height: 80%;
        padding: 1 2; border: thick $primary; background: $surface;
    }
    RacePickerScreen #race-picker-title { margin-bottom: 1; color: $primary; }
    RacePickerScreen SelectionList { height: auto; max-height: 20; border: none; }
    RacePickerScreen #race-picker-note { margin-top: 1; }
    """
    BINDINGS = [
        Binding("escape", "dismiss_none", "Close"),
        Binding("enter", "race", "Race", priority=True),
    ]

    def __init__(self, choices: list[BackendChoice], prompt: str, preselected: list[str]) -> None:
        super().__init__()
        self._choices = [c for c in choices if c.ready]
        self._prompt = prompt
        self._preselected = preselected

    def compose(self) -> ComposeResult:
        width = max((len(c.name) for c in self._choices), default=8) + 2
        selections = []
        for choice in self._choices:
            label = Text(choice.name.ljust(width), style="bold")
            label.append(choice.speed.ljust(26) if choice.speed else " " * 26, style="cyan")
            label.append(choice.where, style="dim")
            selections.append(Selection(label, choice.name, choice.name in self._preselected))
        with Vertical(id="race-picker"):
            title = Text("Race: ", style="bold")
            title.append(self._prompt.splitlines()[0] if self._prompt.strip() else "")
            yield Static(title, id="race-picker-title")
            yield SelectionList[str](*selections, id="race-list")
            yield Static(self._note(), id="race-picker-note")

    def on_mount(self) -> None:
        self.query_one(SelectionList).focus()

    def _note(self, problem: str = "") -> Text:
        if problem:
            return Text(problem, style="bold yellow")
        return Text(
            f"space picks {MIN_LANES}-{MAX_LANES} backends · enter races them · esc closes",
            style="dim",
        )

    def on_selection_list_selected_changed(self) -> None:
        self.query_one("#race-picker-note", Static).update(self._note())

    def action_race(self) -> None:
        picked = list(self.query_one(SelectionList).selected)
        if not MIN_LANES <= len(picked) <= MAX_LANES:
            problem = f"Pick {MIN_LANES} to {MAX_LANES} backends (now {len(picked)})."
            self.query_one("#race-picker-note", Static).update(self._note(problem))
            return
        order = [c.name for c in self._choices if c.name in picked]
        self.dismiss(order)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
