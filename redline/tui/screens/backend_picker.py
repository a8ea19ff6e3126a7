"""Pick a backend: every preset with its key status, and the local servers found so far."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from redline.safety.terminal import one_line
from redline.tui.screens.framed import FramedScreen


@dataclass(slots=True, frozen=True)
class BackendChoice:
    """One line of the picker. ``status`` never holds a key, only whether it is set."""

    name: str
    where: str  # base URL or "loopback"
    status: str  # "key set", "missing CEREBRAS_API_KEY", "no key needed", "running"
    ready: bool  # False: choosing it will fail until the person fixes ``status``
    current: bool = False
    speed: str = ""  # from the speed history: "TTFT 150 ms · 2,000 tok/s" (median)

    def with_speed(self, speed: str) -> BackendChoice:
        return dataclasses.replace(self, speed=speed)


LocalProbe = Callable[[], Awaitable[list[BackendChoice]]]


class BackendPickerScreen(FramedScreen[str | None]):
    """Dismissed with the picked name (None: closed); ``probe`` adds local servers as found."""

    BINDINGS = [
        Binding("enter", "choose", "Switch", priority=True),
        Binding("escape", "dismiss_none", "Close"),
    ]

    def __init__(self, choices: list[BackendChoice], probe: LocalProbe | None = None) -> None:
        super().__init__()
        self._choices = list(choices)
        self._probe = probe
        self._probing = probe is not None

    def frame_title(self) -> str:
        return "Pick a backend"

    def compose_body(self) -> ComposeResult:
        yield OptionList(*self._options(), id="backend-list")
        yield Static(self._footnote(), id="picker-note", classes="frame-note")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        current = next((i for i, c in enumerate(self._choices) if c.current), 0)
        options.highlighted = current
        options.focus()
        if self._probe is not None:
            self.detect_local_servers(self._probe)

    @work(exclusive=True, group="probe")
    async def detect_local_servers(self, probe: LocalProbe) -> None:
        found = await probe()
        if self.is_attached:
            self.add_local_servers(found)

    def add_local_servers(self, found: list[BackendChoice]) -> None:
        """Detected local servers arrive from a background probe."""
        known = {c.name for c in self._choices}
        self._choices.extend(c for c in found if c.name not in known)
        self._probing = False
        options = self.query_one(OptionList)
        highlighted = options.highlighted
        options.clear_options()
        options.add_options(self._options())
        options.highlighted = highlighted
        self.query_one("#picker-note", Static).update(self._footnote())

    def _options(self) -> list[Option]:
        width = max((len(c.name) for c in self._choices), default=8) + 2
        status_width = max((len(c.status) for c in self._choices), default=8) + 2
        options = []
        for choice in self._choices:  # a row longer than the list is cut with an ellipsis
            label = Text()
            label.append("● " if choice.current else "  ", style="bold")
            label.append(one_line(choice.name).ljust(width), style="bold")
            label.append(
                choice.status.ljust(status_width), style="green" if choice.ready else "red"
            )
            label.append(choice.speed.ljust(26) if choice.speed else "", style="cyan")
            label.append(one_line(choice.where), style="dim")
            options.append(Option(label, id=choice.name))
        return options

    def _footnote(self) -> Text:
        note = "the conversation is kept when you switch"
        if self._probing:
            note = "looking for local servers… · " + note
        return Text(note, style="dim")
