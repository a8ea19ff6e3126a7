"""Every slash command (and every redline theme) in Textual's command palette."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Protocol, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from redline.tui.slash import SlashRegistry


class PaletteHost(Protocol):
    """What the palette lists from the app."""

    slash: SlashRegistry

    def run_slash_text(self, text: str) -> None: ...
    def set_theme(self, name: str) -> None: ...
    def redline_theme_names(self) -> list[str]: ...


class RedlineCommands(Provider):
    def _entries(self) -> list[tuple[str, str, Callable[[], object]]]:
        app = cast(PaletteHost, self.app)
        entries: list[tuple[str, str, Callable[[], object]]] = []
        for command in app.slash:
            if command.in_palette:
                label = f"/{command.name}"
                entries.append((label, command.help, partial(app.run_slash_text, label)))
        entries.append(
            (
                "Copy the last code block",
                "to the clipboard",
                partial(app.run_slash_text, "/copy code"),
            )
        )
        for name in app.redline_theme_names():
            entries.append((f"Theme: {name}", "switch theme", partial(app.set_theme, name)))
        return entries

    async def discover(self) -> Hits:
        for label, help_text, callback in self._entries():
            yield DiscoveryHit(label, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for label, help_text, callback in self._entries():
            score = max(matcher.match(label), matcher.match(help_text) * 0.8)
            if score > 0:
                yield Hit(score, matcher.highlight(label), callback, help=help_text)
