"""Pick a saved session of this repository to continue (`/sessions`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from redline.agent.backend import short_model
from redline.agent.store import SessionInfo
from redline.safety.terminal import one_line
from redline.tui.screens.framed import FramedScreen

SessionLoader = Callable[[], Awaitable[list[SessionInfo]]]
BACKEND_CHARS = 28


def when(updated: str) -> str:
    """``2026-12-01 22:10`` in local time (the saved text as it is when it is not a date)."""
    try:
        return datetime.fromisoformat(updated).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return one_line(updated)[:16]


def session_row(info: SessionInfo, current: bool, width: int = 100) -> Text:
    """One line of ``width`` cells: date, first prompt, turns, backend (every part from a file:
    sanitised; the prompt gets what the others leave)."""
    turns = f"{info.turns} turn{'' if info.turns == 1 else 's'}"
    backend = one_line(f"{info.provider} · {short_model(info.model)}") if info.provider else ""
    fixed = 2 + 17 + 11  # mark, date, turns
    column = max(10, min(BACKEND_CHARS, (width - fixed) // 2))  # narrow: prompt and backend share
    if len(backend) > column:
        backend = backend[: column - 1] + "…"
    room = max(10, width - fixed - column)
    title = one_line(info.title) or "(no prompt)"
    if len(title) > room:
        title = title[: room - 1] + "…"
    row = Text("● " if current else "  ", style="bold")
    row.append(f"{when(info.updated):<17}", style="dim")
    row.append(f"{title:<{room}}")
    row.append(f"{turns:>9}  ", style="dim")
    row.append(backend, style="italic")
    if info.problem:
        row.append(f"  [{one_line(info.problem)}]", style="yellow")
    return row


class SessionPickerScreen(FramedScreen[str | None]):
    """Enter continues the highlighted session; esc closes (``None``)."""

    DEFAULT_CSS = "SessionPickerScreen > #frame { width: 110; }"
    BINDINGS = [
        Binding("enter", "choose", "Continue", priority=True),
        Binding("escape", "dismiss_none", "Close"),
    ]

    def __init__(self, repo: str, current: str | None, load: SessionLoader) -> None:
        super().__init__()
        self._repo = repo
        self._current = current
        self._load = load

    def frame_title(self) -> str:
        return f"Sessions in {self._repo}"

    def compose_body(self) -> ComposeResult:
        yield OptionList(id="session-list")
        note = Text("reading sessions…", style="dim")
        yield Static(note, id="picker-note", classes="frame-note")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self.load_sessions()

    @work(exclusive=True)
    async def load_sessions(self) -> None:
        try:
            sessions = await self._load()
        except Exception as exc:  # a sentence, never a traceback
            self.note(f"Could not read the sessions: {exc}", "bold red")
            return
        options = self.query_one(OptionList)
        options.clear_options()
        width = options.scrollable_content_region.width - 2  # a scrollbar may come
        for info in sessions:
            row = session_row(info, info.id == self._current, width)
            options.add_option(Option(row, id=info.id))
        if not sessions:
            self.note("No saved sessions for this repository yet.")
            return
        options.highlighted = 0
        count = f"{len(sessions)} session{'' if len(sessions) == 1 else 's'}"
        self.note(f"{count}, newest first")
