"""`/context`: exactly what the next request would carry, and its token estimate."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

if TYPE_CHECKING:
    from redline.tools.context import ContextBundle

MAX_LISTED = 40


class ContextView(ModalScreen[None]):
    CSS_PATH = "context_view.tcss"
    BINDINGS = [
        Binding("escape", "dismiss", "Close"),
        Binding("q", "dismiss", "Close", show=False),
    ]

    def __init__(self, prompt: str = "") -> None:
        super().__init__()
        self.prompt = prompt
        self.bundle: ContextBundle | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="context-body"):
            yield Static(Text("Context for the next request", style="bold"), id="context-title")
            yield Static(Text("Reading the repository…", style="dim"), id="context-summary")
            yield Static("", id="context-text")

    def show(self, bundle: ContextBundle) -> None:
        self.bundle = bundle
        self.query_one("#context-summary", Static).update(summary(bundle))
        text = Text(bundle.text or "(nothing: no source files and nothing added)", style="dim")
        self.query_one("#context-text", Static).update(text)

    def show_error(self, message: str) -> None:
        self.query_one("#context-summary", Static).update(
            Text(f"Could not build the context: {message}", style="bold red")
        )

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)


def summary(bundle: ContextBundle) -> Group:
    """Files, mentions and the map in a few rows, with the token estimate against the budget."""
    head = Text()
    head.append(f"~{bundle.tokens:,} tokens", style="bold")
    head.append(f" of a {bundle.budget:,}-token budget · {bundle.source_files:,} source files")
    head.append(f" indexed · built in {bundle.elapsed_ms:,.0f} ms")
    skipped = sum(bundle.skipped.values())
    if skipped:
        reasons = ", ".join(f"{n} {why.replace('_', ' ')}" for why, n in bundle.skipped.items())
        head.append(f" · skipped {reasons}")
    table = Table(show_header=False, box=None, expand=True, padding=(0, 1))
    table.add_column("what", style="bold", no_wrap=True, min_width=10)
    table.add_column("items")
    table.add_row("whole", ", ".join(bundle.files) or "none (use /add or @path)")
    for mention in bundle.mentions:
        where = ", ".join(mention.paths[:5]) or ", ".join(mention.suggestions) or "-"
        table.add_row(f"@{mention.text}", f"{mention.kind}: {where}")
    listed = bundle.map_files[:MAX_LISTED]
    more = len(bundle.map_files) - len(listed)
    table.add_row(
        "map",
        (", ".join(listed) + (f" and {more} more" if more else "")) or "empty",
    )
    parts: list[Text | Table] = [head, table]
    for warning in bundle.warnings:
        parts.append(Text(f"! {warning}", style="yellow"))
    return Group(*parts)
