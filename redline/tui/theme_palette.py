"""The theme picker: Textual's command palette over its themes, with a footer of its own keys.

Textual's palette has no footer, so the main screen's showed through below it, offering keys
(Backend, Model, Help...) that do nothing while the picker is open. This one docks a footer that
shows the palette's own bindings (a modal screen's footer stops at the modal)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.command import CommandPalette

from redline.tui.widgets.key_footer import KeyFooter


class ThemePalette(CommandPalette):
    def compose(self) -> ComposeResult:
        yield from super().compose()
        yield KeyFooter()
