"""The backend picker and the model list, driven by keys."""

from __future__ import annotations

import pytest
from textual.widgets import OptionList

from redline.tui.screens.backend_picker import BackendPickerScreen
from redline.tui.screens.model_picker import ModelPickerScreen
from redline.tui.widgets.status_bar import StatusBar
from tests.helpers_tui import SIZE, RecordingServer, make_app, settle, wait_until


class TestBackendPicker:
    async def test_keys_pick_another_backend_and_esc_keeps_the_current(self):
        app = make_app(provider="sim")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("ctrl+b")
            await pilot.pause()
            assert isinstance(app.screen, BackendPickerScreen)
            await pilot.press("escape")
            await pilot.pause()
            assert app.session.backend.name == "sim"
            await pilot.press("ctrl+b")
            await pilot.pause()
            options = app.screen.query_one(OptionList)
            current = options.get_option_at_index(options.highlighted).id
            assert current == "sim"  # the picker opens on the backend in use
            await pilot.press("down", "enter")  # sim:baseten
            await wait_until(pilot, lambda: app.session.backend.name == "sim:baseten")
            await settle(pilot)
            status = app.query_one(StatusBar).render_text().plain
            assert "picked with /backend" in status
            assert "--provider" not in status

    async def test_key_status_never_shows_a_key(self, monkeypatch: pytest.MonkeyPatch):
        monkeypatch.setenv("CEREBRAS_API_KEY", "test-key-not-real")
        app = make_app(provider="sim")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("ctrl+b")
            await pilot.pause()
            options = app.screen.query_one(OptionList)
            lines = [
                str(options.get_option_at_index(i).prompt) for i in range(options.option_count)
            ]
            cerebras = next(line for line in lines if "cerebras" in line)
            assert "CEREBRAS_API_KEY set" in cerebras
            assert "test-key-not-real" not in "".join(lines)
            assert any("missing BASETEN_API_KEY" in line for line in lines)

    async def test_local_servers_are_probed_in_the_background(
        self, monkeypatch: pytest.MonkeyPatch
    ):
        monkeypatch.setenv("REDLINE_NO_PROBE", "0")
        app = make_app(provider="sim")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("ctrl+b")
            await wait_until(pilot, lambda: app.local_servers is not None)
            await pilot.pause()
            note = str(app.screen.query_one("#picker-note").render())
            assert "looking for local servers" not in note


class TestModelList:
    async def test_filter_and_pick(self):
        server = RecordingServer(models=("alpha-small", "alpha-large", "beta"))
        url = await server.start()
        try:
            app = make_app(provider=None, base_url=url)
            async with app.run_test(size=SIZE) as pilot:
                await settle(pilot)
                await pilot.press("ctrl+o")
                await wait_until(pilot, lambda: isinstance(app.screen, ModelPickerScreen))
                await wait_until(pilot, lambda: app.screen.query_one(OptionList).option_count == 3)
                await pilot.press(*"alpha lar", "enter")
                await pilot.pause()
                assert app.session.backend.model == "alpha-large"
        finally:
            await server.stop()

    async def test_a_failing_list_says_why_and_the_id_can_be_typed(self):
        server = RecordingServer()
        url = await server.start()
        await server.stop()  # nothing answers any more
        app = make_app(provider=None, base_url=url)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("ctrl+o")
            await wait_until(pilot, lambda: isinstance(app.screen, ModelPickerScreen))
            note = app.screen.query_one("#picker-note")
            await wait_until(pilot, lambda: "Could not list models" in str(note.render()))
            await pilot.press(*"my-model", "enter")
            await pilot.pause()
            assert app.session.backend.model == "my-model"
