"""The footer changes its keys in place, shows what Textual's own Footer would, and does
nothing when its keys are unchanged."""

from __future__ import annotations

import random

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from redline.tui.widgets.key_footer import KeyFooter


class KeysApp(App[None]):
    BINDINGS = [
        Binding("escape", "stop", "Stop", tooltip="stop the answer"),
        Binding("ctrl+s", "save", "Save"),
        Binding("f2", "apply", "Apply edits", tooltip="apply them"),
        Binding("f3", "discard", "Discard"),
        Binding("ctrl+x", "hidden", "Hidden", show=False),
    ]

    def __init__(self, footer: type[Footer] = KeyFooter, palette: bool = False) -> None:
        self.ENABLE_COMMAND_PALETTE = palette
        super().__init__()
        self.footer_type = footer
        # per action: True shown, None shown greyed out, False hidden
        self.state: dict[str, bool | None] = {"stop": False, "apply": False, "discard": False}

    def compose(self) -> ComposeResult:
        yield self.footer_type()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.state.get(action, True)

    def action_stop(self) -> None: ...

    def action_save(self) -> None: ...

    def action_apply(self) -> None: ...

    def action_discard(self) -> None: ...

    def action_hidden(self) -> None: ...


def _keys(app: App[None]) -> list[FooterKey]:
    """The keys shown, in order (a key that went is kept hidden for when it comes back)."""
    return [key for key in app.query_one(Footer).query(FooterKey) if key.display]


def _footer_row(app: App[None]) -> list[tuple[str, object]]:
    """The bottom row as drawn: its text and styles, segment by segment."""
    row = app.screen._compositor.render_full_update().strips[-1]
    return [(segment.text, segment.style) for strip in row for segment in strip]


async def _settle(pilot) -> None:  # type: ignore[no-untyped-def]
    for _ in range(4):
        await pilot.pause()


async def test_unchanged_keys_are_left_alone() -> None:
    app = KeysApp()
    async with app.run_test(size=(80, 5)) as pilot:
        await _settle(pilot)
        before = _keys(app)
        assert [k.description for k in before] == ["Save"]
        for _ in range(3):  # nothing the footer shows changed
            app.refresh_bindings()
            await _settle(pilot)
        assert all(a is b for a, b in zip(_keys(app), before, strict=True))


async def test_changed_keys_are_changed_in_place_and_drawn_as_textuals_footer_draws_them() -> None:
    """Random changes of which keys show, greyed out or not, with and without the command
    palette's key: after each, the footer's row is the one Textual's Footer draws, and the
    keys that stayed are the same widgets (none rebuilt), and after the first round of changes
    nothing more is mounted."""
    rng = random.Random(7)
    for palette in (False, True):
        ours, theirs = KeysApp(KeyFooter, palette), KeysApp(Footer, palette)
        async with ours.run_test(size=(90, 5)) as pilot, theirs.run_test(size=(90, 5)) as twin:
            await _settle(pilot)
            await _settle(twin)
            ever: set[str] = set()
            for _ in range(12):
                state = {a: rng.choice([True, None, False]) for a in ("stop", "apply", "discard")}
                kept = _keys(ours)
                for app in (ours, theirs):
                    app.state = dict(state)
                    app.refresh_bindings()
                await _settle(pilot)
                await _settle(twin)
                assert _footer_row(ours) == _footer_row(theirs), state
                now = _keys(ours)
                before = {k.key: k for k in kept}
                assert all(before.get(k.key, k) is k for k in now)  # a key that stayed: its widget
                tooltips = [(k.key, k.tooltip) for k in now]
                assert tooltips == [(k.key, k.tooltip) for k in _keys(theirs)]
                ever |= {k.key for k in now}
                assert len(ours.query_one(Footer).children) == len(ever)  # each key mounted once


async def test_a_changed_key_runs_its_new_action_when_clicked() -> None:
    app = KeysApp()
    async with app.run_test(size=(80, 5)) as pilot:
        await _settle(pilot)
        pressed: list[str] = []
        app.action_stop = lambda: pressed.append("stop")  # type: ignore[method-assign]
        app.state["stop"] = True
        app.refresh_bindings()
        await _settle(pilot)
        first = _keys(app)[0]
        assert (first.key, first.description) == ("escape", "Stop")
        await pilot.click(first)
        await _settle(pilot)
        assert pressed == ["stop"]
