"""The footer's keys, changed in place.

Textual's ``Footer`` recomposes on every ``refresh_bindings``, whatever changed: all its keys
are removed and mounted again, each styled three times (mounted, then its ``compact`` watcher
twice) and laid out, twice for the keys that moved: about 16 ms of the event loop each time
(measured in the full app, headless). A turn calls it at its start and twice at its end, focus
changes call it, and most of those calls change nothing the footer shows. At a turn's start
that work ran while the request was being written and when a quick provider's first token came
in, and both waited for it.

``KeyFooter`` does nothing when the keys are unchanged. Otherwise each ``FooterKey`` keeps the
key it shows (its size unchanged, so one layout pass), a key that goes is hidden and kept for
when it comes back (esc, at each turn's start and end), and only a key never shown before is
mounted: about 4 ms. It falls back to Textual's recompose for grouped keys (a ``KeyGroup``),
which redline does not use. ``_plan`` follows ``Footer.compose`` (Textual 8.2): re-check it
after a Textual upgrade.
"""

from __future__ import annotations

from itertools import groupby
from typing import TYPE_CHECKING, NamedTuple

from textual.widgets import Footer
from textual.widgets._footer import FooterKey

if TYPE_CHECKING:
    from textual.app import ComposeResult
    from textual.binding import ActiveBinding, Binding
    from textual.screen import Screen


class _Key(NamedTuple):
    key: str
    display: str
    description: str
    action: str
    disabled: bool
    tooltip: str


class KeyFooter(Footer):
    """``Footer``, with what it shows changed in place rather than rebuilt."""

    _shown: tuple[object, ...] | None = None  # the bindings last shown
    _rebuilding = False  # a recompose is on its way: leave the keys to it

    def _keys(self, active: dict[str, ActiveBinding]) -> tuple[object, ...]:
        palette = self.app.COMMAND_PALETTE_BINDING
        shown = tuple(
            (key, found.binding, found.enabled, found.tooltip)
            for key, found in active.items()
            if found.binding.show or key == palette
        )
        return (shown, self.show_command_palette)

    def compose(self) -> ComposeResult:
        self._rebuilding = False
        if self._bindings_ready:
            self._shown = self._keys(self.screen.active_bindings)
        for widget in super().compose():
            if isinstance(widget, FooterKey) and not widget.has_class("-command-palette"):
                self._set_compact(widget)  # bound to ours: its watcher then restyles nothing
            yield widget

    def watch_compact(self, compact: bool) -> None:
        for key in self.query_children(FooterKey):  # as Textual binds them: not the palette's
            if not key.has_class("-command-palette"):
                key.compact = compact

    def bindings_changed(self, screen: Screen) -> None:
        if (
            self._shown is None
            or self._rebuilding
            or screen is not self.screen
            or not self.is_attached
            or not screen.app.app_focus
        ):
            self._rebuild(screen)
            return
        active = screen.active_bindings  # each binding's check_action: once a refresh
        keys = self._keys(active)
        if keys == self._shown:
            return  # the same keys: nothing to do
        if self._update(active):
            self._shown = keys
        else:
            self._rebuild(screen)

    def _rebuild(self, screen: Screen) -> None:
        """Textual's own way: recompose after the next refresh."""
        if self.is_attached and screen is self.screen and screen.app.app_focus:
            self._rebuilding = True
        super().bindings_changed(screen)

    def _plan(self, active: dict[str, ActiveBinding]) -> tuple[list[_Key], _Key | None] | None:
        """The keys ``Footer.compose`` would yield, and its command palette key; None when it
        would yield a group of keys."""
        app = self.app
        by_action: dict[str, list[tuple[Binding, bool, str]]] = {}
        for _node, binding, enabled, tooltip in active.values():
            if binding.show:
                by_action.setdefault(binding.action, []).append((binding, enabled, tooltip))
        keys: list[_Key] = []
        for group, each in groupby(by_action.values(), lambda found: found[0][0].group):
            actions = list(each)
            if group is not None and len(actions) > 1:
                return None
            for found in actions:
                binding, enabled, tooltip = found[0]
                display = app.get_key_display(binding)
                keys.append(
                    _Key(
                        binding.key,
                        display,
                        binding.description,
                        binding.action,
                        not enabled,
                        tooltip,
                    )
                )
        palette = None
        if self.show_command_palette and app.ENABLE_COMMAND_PALETTE:
            found_palette = active.get(app.COMMAND_PALETTE_BINDING)
            if found_palette is not None:
                _node, binding, enabled, _tooltip = found_palette
                palette = _Key(
                    binding.key,
                    app.get_key_display(binding),
                    binding.description,
                    binding.action,
                    not enabled,
                    binding.tooltip or binding.description,
                )
        return keys, palette

    def _update(self, active: dict[str, ActiveBinding]) -> bool:
        """The new keys in the mounted ``FooterKey`` widgets; False if that cannot be done.

        Each widget keeps the key it shows, so a key that stays keeps its size (a widget that
        changes size is laid out twice by Textual); a key that goes is hidden and kept for when
        it comes back (esc at each turn's start and end), so nothing is mounted after the first
        time. One layout pass in all."""
        plan = self._plan(active)
        if plan is None:
            return False
        keys, palette = plan
        children = [child for child in self.children if isinstance(child, FooterKey)]
        if len(children) != len(self.children):  # a group of keys, a label
            return False
        palettes = [child for child in children if child.has_class("-command-palette")]
        if len(palettes) != (palette is not None) or (palettes and children[-1] is not palettes[0]):
            return False
        spare: dict[str, FooterKey] = {}
        for child in children:
            if not child.has_class("-command-palette"):
                spare.setdefault(child.key, child)
        order: list[FooterKey] = []
        added: list[FooterKey] = []
        for key in keys:
            widget = spare.pop(key.key, None)
            if widget is None:
                widget = self._new_key(key)
                added.append(widget)
            else:
                _show(widget, key)
                if not widget.display:  # set only if not: a first set is a change of style
                    widget.display = True
            order.append(widget)
        for widget in spare.values():
            if widget.display:
                widget.display = False
        if palette is not None:
            _show(palettes[0], palette)
        end = palettes[0] if palettes else None
        for widget in added:
            self.mount(widget, before=end)  # at the end, then moved into its place below
        mounted = [child for child in self.children if child in order or child in added]
        if added or mounted != order:
            self._reorder(order, end)
        return True

    def _reorder(self, order: list[FooterKey], end: FooterKey | None) -> None:
        """The shown keys in ``order``, just before the palette key (hidden ones stay where
        they are): what ``Widget.move_child`` does, in one layout request."""
        nodes = self._nodes
        for widget in order:
            nodes._remove(widget)
        at = nodes.index(end) if end is not None else len(nodes)
        for offset, widget in enumerate(order):
            nodes._insert(at + offset, widget)
        self.refresh(layout=True)

    def _new_key(self, key: _Key) -> FooterKey:
        widget = FooterKey(
            key.key,
            key.display,
            key.description,
            key.action,
            disabled=key.disabled,
            tooltip=key.tooltip,
        )
        self._set_compact(widget)
        return widget

    def _set_compact(self, widget: FooterKey) -> None:
        widget.set_reactive(FooterKey.compact, self.compact)
        widget.set_class(self.compact, "-compact", update=False)


def _show(widget: FooterKey, key: _Key) -> None:
    """``widget`` shows ``key``: repainted if it changed, laid out again only if its width may."""
    tooltip = key.tooltip or None
    shown = (widget.key, widget.key_display, widget.description, widget.action)
    if shown == key[:4] and widget._disabled == key.disabled and widget.tooltip == tooltip:
        return
    wider = (widget.key_display, widget.description) != (key.display, key.description)
    widget.key = key.key
    widget.key_display = key.display
    widget.description = key.description
    widget.action = key.action
    widget._disabled = key.disabled
    widget.set_class(key.disabled, "-disabled")
    widget.tooltip = tooltip
    widget.refresh(layout=wider)
