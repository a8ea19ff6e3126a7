"""`/diff`: a unified diff, coloured by line, in a scrollable modal."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from redline.tui.screens.framed import SCROLL_BINDINGS, FramedScreen

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


class DiffView(FramedScreen[str | None]):
    """The whole screen but the footer; long lines wrap (nothing is cut off). ``review``: the
    diff is the edits waiting, and f2 / f3 close the view with "apply" / "discard"."""

    DEFAULT_CSS = "DiffView > #frame { width: 100%; }"
    SCROLLS = True
    BINDINGS = [
        *SCROLL_BINDINGS,
        Binding("f2", "decide('apply')", "Apply edits"),
        Binding("f3", "decide('discard')", "Discard"),
        Binding("escape", "dismiss_none", "Close"),
        Binding("q", "dismiss_none", "Close", show=False),
    ]

    def __init__(self, title: str, diff: str, review: bool = False) -> None:
        super().__init__()
        self.title_text = title
        self.diff = diff
        self.review = review

    def frame_title(self) -> str:
        return self.title_text

    def compose_body(self) -> ComposeResult:
        body = coloured(self.diff) if self.diff.strip() else Text("No changes.", style="dim")
        yield Static(body, id="diff-text")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.review if action == "decide" else True

    def action_decide(self, action: str) -> None:
        self.dismiss(action)
