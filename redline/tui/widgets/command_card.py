"""The command card: the person's `!cmd` or `/test` as it runs (live tail) and how it ended.

Above the prompt; hidden until a command runs, and again once its output went with a message
(or `/clear`). Output is drawn at most ~15 times a second however fast it comes, and only its
last lines are kept; every byte goes through the terminal sanitiser, never through markup.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.console import RenderableType
from rich.panel import Panel
from rich.text import Text
from textual.widgets import Static

from redline.safety.terminal import for_terminal, one_line

if TYPE_CHECKING:  # the shell's modules load with the first command, not at start-up
    from redline.tools.shell import CommandResult, OutputChunk

SHOWN_LINES = 8
REFRESH_S = 1 / 15


class CommandCard(Static):
    DEFAULT_CSS = """
    CommandCard {
        display: none;
        height: auto;
        max-height: 14;
        padding: 0 0;
    }
    CommandCard.-shown { display: block; }
    """

    def __init__(self, *, clock: Callable[[], float] = time.monotonic, id: str | None = None):
        super().__init__("", id=id)
        self._clock = clock
        self._lines: deque[str] = deque(maxlen=SHOWN_LINES)
        self._partial = ""
        self._total_lines = 0
        self._command = ""
        self._label = ""
        self._started = 0.0
        self._result: CommandResult | None = None
        self._note = ""
        self._took_ms = 0.0

    def on_mount(self) -> None:
        self.set_interval(REFRESH_S, self._tick)

    @property
    def shown(self) -> bool:
        return self.has_class("-shown")

    def start(self, command: str, label: str = "") -> None:
        self._lines.clear()
        self._partial = ""
        self._total_lines = 0
        self._command, self._label = command, label
        self._started = self._clock()
        self._result = None
        self.set_class(True, "-shown")
        self._draw()

    def feed(self, chunk: OutputChunk) -> None:
        """Cheap: the text is only split into lines here; drawing waits for the next tick."""
        text = self._partial + chunk.text.replace("\r\n", "\n")
        *full, self._partial = text.split("\n")
        for line in full:
            self._lines.append(line.rsplit("\r", 1)[-1])
        self._total_lines += len(full)
        if len(self._partial) > 4000:  # a line with no end in sight: show it anyway
            self._lines.append(self._partial[-4000:])
            self._total_lines += 1
            self._partial = ""

    def finish(self, result: CommandResult, note: str = "") -> None:
        if self._partial:
            self._lines.append(self._partial)
            self._total_lines += 1
            self._partial = ""
        self._result = result
        self._note = note
        self._took_ms = (self._clock() - self._started) * 1000  # the card's clock: tests pin it
        self._draw()

    def hide(self) -> None:
        if not self.shown:
            return  # each turn's start hides it: no layout pass when there is nothing to hide
        self.set_class(False, "-shown")
        self.update("")

    def _tick(self) -> None:
        if self.shown and self._result is None:
            self._draw()  # the elapsed time moves too

    def _draw(self) -> None:
        self.update(self.card())

    def card(self) -> RenderableType:
        result = self._result
        title = Text()
        title.append("$ ", style="bold")
        title.append(one_line(self._command)[:80], style="bold")
        if self._label:
            title.append(f"  {self._label}", style="dim")
        if result is None:
            elapsed = self._clock() - self._started
            title.append(f"  running · {elapsed:.1f} s", style="yellow")
            border = "yellow"
        else:
            style = "green" if result.ok else "red"
            title.append(f"  {result.status}", style=f"bold {style}")
            title.append(f" · {self._took_ms:,.0f} ms", style="dim")
            border = style
        body = Text()
        hidden = self._total_lines - len(self._lines)
        if hidden > 0:
            body.append(f"… {hidden:,} lines above\n", style="dim")
        shown = list(self._lines) + ([self._partial] if self._partial else [])
        body.append(for_terminal("\n".join(shown)))
        if not shown:
            body.append("(no output yet)" if result is None else "(no output)", style="dim")
        if result is None:
            body.append("\nesc stops it", style="dim")
        elif self._note:
            body.append(f"\n{self._note}", style="dim")
        return Panel(body, title=title, title_align="left", border_style=border, padding=(0, 1))
