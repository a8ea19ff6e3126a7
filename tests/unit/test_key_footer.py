"""The footer rebuilds its keys when they change, and only then."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets._footer import FooterKey

from redline.tui.widgets.key_footer import KeyFooter


class KeysApp(App[None]):
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [
        Binding("ctrl+s", "save", "Save"),
        Binding("escape", "stop", "Stop"),
        Binding("ctrl+x", "hidden", "Hidden", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.streaming = False
        self.composed = 0

    def compose(self) -> ComposeResult:
        yield KeyFooter()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "stop":
            return self.streaming  # False: hidden; shown only while streaming
        return True

    def action_save(self) -> None: ...

    def action_stop(self) -> None: ...

    def action_hidden(self) -> None: ...


def _keys(app: KeysApp) -> list[FooterKey]:
    return list(app.query_one(KeyFooter).query(FooterKey))


async def _settle(pilot) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        await pilot.pause()


async def test_unchanged_keys_are_not_rebuilt_and_changed_keys_are() -> None:
    app = KeysApp()
    async with app.run_test(size=(80, 5)) as pilot:
        await _settle(pilot)
        before = _keys(app)
        assert [k.description for k in before if k.description] == ["Save"]
        for _ in range(3):  # nothing the footer shows changed
            app.refresh_bindings()
            await _settle(pilot)
        assert _keys(app) == before and all(a is b for a, b in zip(_keys(app), before, strict=True))
        app.streaming = True  # esc appears
        app.refresh_bindings()
        await _settle(pilot)
        shown = [k.description for k in _keys(app) if k.description]
        assert shown == ["Save", "Stop"]
        app.streaming = False  # and goes again
        app.refresh_bindings()
        await _settle(pilot)
        assert [k.description for k in _keys(app) if k.description] == ["Save"]
        assert not any(k is b for k in _keys(app) for b in before)  # rebuilt twice since
