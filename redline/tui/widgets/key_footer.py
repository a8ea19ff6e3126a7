"""The footer's keys, rebuilt only when they change.

Textual's ``Footer`` recomposes on every ``refresh_bindings``, whatever changed: all its keys
are removed and mounted again, each styled and laid out, 10-15 ms of the event loop each time
(measured in the full app). A turn calls it at its start and twice at its end, focus changes call
it, and most of those calls change nothing the footer shows. At a turn's start that work ran
just as a quick provider's first token came in, and the first text waited for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Footer

if TYPE_CHECKING:
    from textual.app import ComposeResult
    from textual.screen import Screen


class KeyFooter(Footer):
    """``Footer``, recomposed only when what it shows (keys, labels, enabled, tooltips) differs
    from what it last composed."""

    _shown: tuple[object, ...] | None = None

    def _keys(self, screen: Screen) -> tuple[object, ...]:
        palette = self.app.COMMAND_PALETTE_BINDING
        shown = tuple(
            (key, active.binding, active.enabled, active.tooltip)
            for key, active in screen.active_bindings.items()
            if active.binding.show or key == palette
        )
        return (shown, self.show_command_palette, self.combine_groups)

    def compose(self) -> ComposeResult:
        if self._bindings_ready:
            self._shown = self._keys(self.screen)
        yield from super().compose()

    def bindings_changed(self, screen: Screen) -> None:
        if (
            self._shown is not None
            and screen is self.screen
            and self.is_attached
            and self._keys(screen) == self._shown
        ):
            return  # the same keys: nothing to rebuild
        super().bindings_changed(screen)
