"""The queue (prompts typed with tab while a turn runs) is shown, and can be edited or dropped
(issue 14, item 21)."""

from __future__ import annotations

from redline.backends.sim import SimServer
from redline.tui.widgets.prompt import PromptInput
from redline.tui.widgets.queue_panel import QueuePanel
from tests.helpers_tui import SIZE, make_app, settle, wait_until


def _panel_text(app) -> str:
    return str(app.query_one(QueuePanel).render())


async def test_queued_prompts_are_listed_and_can_be_edited_or_dropped():
    sim = SimServer(rate=5, ttft_ms=0)  # slow: the turn outlasts the typing
    url = await sim.start()
    try:
        app = make_app(provider=None, base_url=url)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            panel = app.query_one(QueuePanel)
            prompt = app.query_one(PromptInput)
            await pilot.press(*"explain this", "enter")
            await wait_until(pilot, lambda: app.session.turn_running)
            assert not panel.display
            for text in ("second question", "third question", "fourth question"):
                prompt.load_text(text)
                await pilot.press("tab")
            await pilot.pause()
            assert panel.display
            shown = _panel_text(app)
            assert "queued (3)" in shown and "2. third question" in shown
            await pilot.press(*"/queue drop 1", "enter")
            await pilot.pause()
            assert app.session.queue == ["third question", "fourth question"], (
                [t.prompt for t in app.session.conversation.turns],
                app._notifications and [str(n.message) for n in app._notifications],
            )
            await pilot.press("alt+up")  # the last one back into the prompt
            await pilot.pause()
            assert prompt.text == "fourth question"
            assert app.session.queue == ["third question"]
            assert "queued (1)" in _panel_text(app)
            await pilot.press(*" again", "tab")
            await pilot.pause()
            assert app.session.queue == ["third question", "fourth question again"]
            await pilot.press("escape")
            await wait_until(pilot, lambda: len(app.session.conversation.turns) >= 2)
            assert app.session.conversation.turns[1].prompt == "third question"
            await pilot.press("escape")
            await wait_until(pilot, lambda: len(app.session.conversation.turns) >= 3)
            await pilot.press("escape")
            await settle(pilot)
            assert not panel.display
    finally:
        await sim.stop()
