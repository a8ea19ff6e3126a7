"""Every key the footer and the help offer works while the prompt has the focus: none is taken
by the prompt (a TextArea has its own f5-f7, home/end, pageup/pagedown ... bindings)."""

from __future__ import annotations

from redline.tui.keys import APP_BINDINGS
from redline.tui.widgets.prompt import PromptInput
from tests.helpers_tui import make_app, settle


def _action(binding) -> str:
    return binding.action.split("(")[0]


async def test_every_app_key_reaches_the_app_from_the_prompt():
    keys = [b for b in APP_BINDINGS if b.key != "ctrl+q"]  # ctrl+q: the app would close
    app = make_app(provider="sim")
    ran: list[str] = []
    for binding in keys:  # each action only records that it ran
        name = _action(binding)
        setattr(app, f"action_{name}", lambda *args, name=name: ran.append(name))
    app.check_action = lambda action, parameters: True  # as when it would do something
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        prompt = app.query_one(PromptInput)
        for binding in keys:
            ran.clear()
            await pilot.press("a")  # the prompt holds text, its cursor at the end
            assert app.focused is prompt
            await pilot.press(binding.key)
            await pilot.pause()
            assert ran == [_action(binding)], binding.key
