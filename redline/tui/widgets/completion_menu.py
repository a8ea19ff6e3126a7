"""The dropdown of completions shown above the prompt while a ``/command`` or ``@mention`` is typed."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from redline.safety.terminal import one_line


@dataclass(slots=True, frozen=True)
class Completion:
    """One offer: ``value`` replaces the word being typed; ``submit`` sends it at once on Enter."""

    value: str
    label: str
    help: str = ""
    submit: bool = False


class CompletionMenu(OptionList):
    """Never focused: the prompt keeps focus and drives it."""

    can_focus = False

    DEFAULT_CSS = """
    CompletionMenu {
        display: none;
        height: auto;
        max-height: 8;
        border: none;
        padding: 0 1;
        background: $panel;
    }
    """

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self._items: list[Completion] = []

    def show(self, items: list[Completion]) -> None:
        self._items = list(items)
        self.clear_options()
        width = min(max((len(item.label) for item in self._items), default=0), 40) + 2
        for item in self._items:
            label = Text(one_line(item.label).ljust(width), style="bold")  # repo file names
            if item.help:
                label.append(one_line(item.help), style="dim")
            self.add_option(Option(label))
        self.highlighted = 0
        self.display = True

    def hide(self) -> None:
        self.display = False
        self._items = []

    def chosen(self) -> Completion | None:
        index = self.highlighted
        if index is None or not (0 <= index < len(self._items)):
            return None
        return self._items[index]
