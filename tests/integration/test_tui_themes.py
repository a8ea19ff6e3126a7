"""Themes switch at run time and are remembered in the user's config file."""

from __future__ import annotations

from pathlib import Path

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


class TestThemeProblems:
    async def test_an_unknown_theme_in_config_is_said_once_with_the_valid_ones(self, tmp_path):
        config_file = tmp_path / "config.toml"
        config_file.write_text('theme = "purple-haze"\n')
        config = load_config(None, user_path=config_file)
        app = make_app(open_backend=failing_opener, config=config)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert app.theme == "redline-dark"
            said = [str(n.message) for n in app._notifications if "purple-haze" in str(n.message)]
            assert len(said) == 1
            assert "redline-light" in said[0] and "nord" in said[0]

    async def test_theme_nope_lists_every_theme_that_works(self):
        app = make_app(open_backend=failing_opener)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press(*"/theme nope", "enter")
            await pilot.pause()
            [said] = [str(n.message) for n in app._notifications if "nope" in str(n.message)]
            for name in app.available_themes:
                assert name in said
            assert len(app.available_themes) > 20

    async def test_the_palettes_screenshot_saves_an_svg_and_says_where(self):
        app = make_app(open_backend=failing_opener)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("ctrl+p")
            await pilot.pause()
            await pilot.press(*"Screenshot")
            await pilot.pause(0.3)
            await pilot.press("enter")
            await pilot.pause(0.5)
            [said] = [str(n.message) for n in app._notifications if "Screenshot" in str(n.message)]
        path = Path(said.rsplit(" ", 1)[1])
        assert path.suffix == ".svg" and path.read_text().startswith("<svg")
        assert "redline" in path.parts and "screenshots" in path.parts
