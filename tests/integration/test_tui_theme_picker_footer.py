"""The theme picker's footer shows the picker's own keys, not the main screen's."""

from __future__ import annotations

from textual.command import CommandPalette
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from tests.helpers_tui import SIZE, make_app, settle, wait_until


async def test_the_theme_picker_footer_shows_its_own_keys() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main_keys = {k.description for k in app.screen.query_one(Footer).query(FooterKey)}
        assert "Help" in main_keys
        app.pick_theme()
        await wait_until(
            pilot,
            lambda: (
                isinstance(app.screen, CommandPalette) and bool(app.screen.query("CommandList"))
            ),
        )
        await pilot.pause()
        palette = app.screen
        footers = palette.query(Footer)
        assert footers, "the picker has no footer: the main screen's shows through"
        footer = footers.first()
        await wait_until(pilot, lambda: bool(footer.query(FooterKey)))
        keys = {(k.key, k.description) for k in footer.query(FooterKey)}
        assert ("escape", "Exit the command palette") in keys
        assert not {d for _, d in keys} & main_keys  # Backend, Model, Help... are not its keys
        width, height = SIZE
        widget, _ = palette.get_widget_at(width // 2, height - 1)  # the bottom row is its footer
        assert widget is footer or footer in widget.ancestors
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, CommandPalette))
