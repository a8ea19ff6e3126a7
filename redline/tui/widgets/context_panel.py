"""The context panel: docked at the right, exactly what the next request carries and its size.

Toggled with f5 or `/context`; refilled (in a thread) when it opens, when files are added or
dropped and when a turn ends. The content is the same as the `/context` summary: files sent
whole, `@` mentions, the repository map, the token estimate, then the text itself.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from redline.safety.terminal import for_terminal, one_line

if TYPE_CHECKING:
    from redline.tools.context import ContextBundle


class ContextPanel(VerticalScroll):
    DEFAULT_CSS = """
    ContextPanel {
        dock: right;
        width: 52;
        max-width: 45%;
        display: none;
        padding: 0 1;
        border-left: tall $primary 60%;
        background: $surface;
    }
    ContextPanel.-open {
        display: block;
    }
    ContextPanel #context-panel-title {
        color: $primary;
        text-style: bold;
        margin-bottom: 1;
    }
    ContextPanel #context-panel-summary {
        margin-bottom: 1;
    }
    """

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id, can_focus=False)
        self.bundle: ContextBundle | None = None

    def compose(self) -> ComposeResult:
        yield Static("Next request's context  (f5 closes)", id="context-panel-title")
        yield Static(Text("Reading the repository…", style="dim"), id="context-panel-summary")
        yield Static("", id="context-panel-text")

    @property
    def is_open(self) -> bool:
        return self.has_class("-open")

    def set_open(self, on: bool) -> None:
        self.set_class(on, "-open")

    def show(self, bundle: ContextBundle) -> None:
        self.bundle = bundle
        self.query_one("#context-panel-summary", Static).update(summary(bundle))
        text = Text(
            for_terminal(bundle.text) or "(nothing: no source files and nothing added)", style="dim"
        )
        self.query_one("#context-panel-text", Static).update(text)

    def preview(self, build: Callable[[], ContextBundle]) -> None:
        """Show what ``build`` returns, built off the UI loop (a preview: nothing is kept)."""

        async def fill() -> None:
            try:
                bundle = await asyncio.to_thread(build)
            except Exception as exc:  # tree-sitter, git or file errors: say so, never crash
                self.show_message(f"Could not build the context: {exc}")
                return
            self.show(bundle)

        self.run_worker(fill(), group="context-panel", exclusive=True)

    def show_message(self, message: str) -> None:
        self.bundle = None
        self.query_one("#context-panel-summary", Static).update(
            Text(for_terminal(message), style="bold")
        )
        self.query_one("#context-panel-text", Static).update("")


MAX_LISTED = 40


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
    table.add_row("whole", one_line(", ".join(bundle.files)) or "none (use /add or @path)")
    for mention in bundle.mentions:
        where = ", ".join(mention.paths[:5]) or ", ".join(mention.suggestions) or "-"
        table.add_row(one_line(f"@{mention.text}"), one_line(f"{mention.kind}: {where}"))
    listed = bundle.map_files[:MAX_LISTED]
    more = len(bundle.map_files) - len(listed)
    table.add_row(
        "map",
        one_line(", ".join(listed) + (f" and {more} more" if more else "")) or "empty",
    )
    parts: list[Text | Table] = [head, table]
    for warning in bundle.warnings:
        parts.append(Text(one_line(f"! {warning}"), style="yellow"))
    return Group(*parts)
