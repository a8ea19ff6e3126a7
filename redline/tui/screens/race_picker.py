"""Pick 2-4 backends to race: space toggles one, enter starts the race, esc closes (the
keys are in its footer)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import SelectionList, Static
from textual.widgets.selection_list import Selection

from redline.agent.race import MAX_LANES, MIN_LANES
from redline.tui.screens.backend_picker import BackendChoice
from redline.tui.screens.framed import FramedScreen


class RacePickerScreen(FramedScreen[list[str] | None]):
    BINDINGS = [
        Binding("space", "pick", "Pick", priority=True),
        Binding("enter", "race", "Race", priority=True),
        Binding("escape", "dismiss_none", "Close"),
    ]

    def __init__(self, choices: list[BackendChoice], prompt: str, preselected: list[str]) -> None:
        super().__init__()
        self._choices = [c for c in choices if c.ready]
        self._prompt = prompt
        self._preselected = preselected

    def compose_body(self) -> ComposeResult:
        width = max((len(c.name) for c in self._choices), default=8) + 2
        speed = max((len(c.speed) for c in self._choices), default=0) + 2
        selections = []
        for choice in self._choices:  # a row longer than the list is cut with an ellipsis
            label = Text(choice.name.ljust(width), style="bold")
            label.append(choice.speed.ljust(speed), style="cyan")
            label.append(choice.where, style="dim")
            selections.append(Selection(label, choice.name, choice.name in self._preselected))
        yield SelectionList[str](*selections, id="race-list")
        yield Static(self._note(), id="race-picker-note", classes="frame-note")

    def frame_title(self) -> str:
        return "Race: " + (self._prompt.splitlines()[0] if self._prompt.strip() else "")

    def on_mount(self) -> None:
        self.query_one(SelectionList).focus()

    def _note(self, problem: str = "") -> Text:
        if problem:
            return Text(problem, style="bold yellow")
        return Text(f"pick {MIN_LANES}-{MAX_LANES} backends to race side by side", style="dim")

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

    def action_pick(self) -> None:
        self.query_one(SelectionList).action_select()
