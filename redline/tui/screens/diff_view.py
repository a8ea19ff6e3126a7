"""`/diff`: a unified diff, coloured by line, in a scrollable modal."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

MAX_LINES = 5000


def coloured(diff: str) -> Text:
    """Added lines green, removed red, hunk headers cyan, file headers bold."""
    out = Text()
    lines = diff.splitlines()
    for line in lines[:MAX_LINES]:
        if line.startswith(("+++", "---", "diff --git")):
            style = "bold"
        elif line.startswith("+"):
            style = "green"
        elif line.startswith("-"):
            style = "red"
        elif line.startswith("@@"):
            style = "cyan"
        else:
            style = ""
        out.append(line + "\n", style=style)
    if len(lines) > MAX_LINES:
        out.append(f"... {len(lines) - MAX_LINES} more lines\n", style="dim")
    return out


class DiffView(ModalScreen[None]):
    DEFAULT_CSS = """
    DiffView { align: center middle; }
    DiffView > VerticalScroll {
        width: 90%; height: 90%; border: round $accent; background: $surface; padding: 0 1;
    }
    """
    BINDINGS = [
        Binding("escape", "dismiss", "Close"),
        Binding("q", "dismiss", "Close", show=False),
    ]

    def __init__(self, title: str, diff: str) -> None:
        super().__init__()
        self.title_text = title
        self.diff = diff

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="diff-body"):
            yield Static(Text(self.title_text, style="bold"), id="diff-title")
            body = coloured(self.diff) if self.diff.strip() else Text("No changes.", style="dim")
            yield Static(body, id="diff-text")

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
