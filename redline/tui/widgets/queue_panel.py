"""The prompts waiting for the running turn to end, one line each, above the prompt."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import Static

from redline.safety.terminal import one_line
from redline.tui.prompt_text import one_line_prompt

SHOWN = 4  # rows before "+N more"


class QueuePanel(Static):
    DEFAULT_CSS = """
    QueuePanel {
        display: none;
        height: auto;
        max-height: 6;
        padding: 0 1;
        background: $panel;
    }
    """

    def show_queue(self, queue: Sequence[str]) -> None:
        """Redraw for ``queue`` (hidden when it is empty)."""
        if self.display != bool(queue):  # a first set is a change of style: a layout pass
            self.display = bool(queue)
        if not queue:
            return
        width = max((self.size.width or 80) - 8, 20)
        text = Text(f"queued ({len(queue)})", style="bold")
        text.append("  alt+up edits the last · /queue drop N · /queue edit N", style="dim")
        for number, prompt in enumerate(queue[:SHOWN], start=1):
            text.append(f"\n{number:>2}. ", style="bold")
            text.append(one_line(one_line_prompt(prompt, width)))
        if len(queue) > SHOWN:
            text.append(f"\n    +{len(queue) - SHOWN} more (/queue lists them)", style="dim")
        self.update(text)
