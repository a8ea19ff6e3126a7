"""Themes switch at run time and are remembered in the user's config file."""

from __future__ import annotations

from redline.config import load_config, save_user_setting, user_config_path
from tests.helpers_tui import SIZE, failing_opener, make_app, settle


class TestThemes:
    async def test_theme_command_switches_and_persists_to_config(self):
        app = make_app(open_backend=failing_opener, save_setting=save_user_setting)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert app.theme == "redline-dark"
            await pilot.press(*"/theme redline-light", "enter")
            await pilot.pause()
            assert app.theme == "redline-light"
        assert 'theme = "redline-light"' in user_config_path().read_text()
        config = load_config(None)
        assert config.theme == "redline-light"
        again = make_app(open_backend=failing_opener, config=config)
        async with again.run_test(size=SIZE):
            assert again.theme == "redline-light"

    async def test_unknown_theme_is_refused_and_nothing_is_saved(self):
        app = make_app(open_backend=failing_opener, save_setting=save_user_setting)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press(*"/theme purple", "enter")
            await pilot.pause()
            assert app.theme == "redline-dark"
            assert any("No theme 'purple'" in str(n.message) for n in app._notifications)
        assert not user_config_path().exists()

    async def test_palette_lists_the_redline_themes(self):
        app = make_app(open_backend=failing_opener, save_setting=save_user_setting)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("ctrl+p")
            await pilot.pause()
            await pilot.press(*"Theme: redline-contrast")
            await pilot.pause(0.3)
            await pilot.press("enter")
            await pilot.pause()
            assert app.theme == "redline-contrast"
