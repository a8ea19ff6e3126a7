"""Copying an answer or its last code block to the clipboard (f9, /copy, the palette), never
with a model's escape sequences in it."""

from __future__ import annotations

from redline.agent import Turn
from tests.helpers_tui import SIZE, failing_opener, make_app, settle

ANSWER = (
    "Here is the fix \x1b]52;c;ZXZpbA==\x07for you:\n\n"
    "```python\ndef add(a, b):\n    return a + b\x1b[2J\n```\n\nDone."
)


def _app_with_answer():
    app = make_app(open_backend=failing_opener)
    app.session.conversation.turns.append(
        Turn(prompt="fix", provider="sim", model="m", text=ANSWER)
    )
    return app


async def test_f9_copies_the_last_answer_without_escape_sequences():
    app = _app_with_answer()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f9")
        await pilot.pause()
        assert app.clipboard.startswith("Here is the fix for you:")
        assert "\x1b" not in app.clipboard and "Done." in app.clipboard
        assert any("Copied the last answer" in str(n.message) for n in app._notifications)


async def test_copy_code_copies_the_last_code_block():
    app = _app_with_answer()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*"/copy code", "enter")
        await pilot.pause()
        assert app.clipboard == "def add(a, b):\n    return a + b\n"


async def test_the_palette_offers_copying_the_code_block():
    app = _app_with_answer()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Copy the last code block")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert app.clipboard == "def add(a, b):\n    return a + b\n"


async def test_nothing_to_copy_says_so():
    app = make_app(open_backend=failing_opener)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f9")
        await pilot.pause()
        assert any("No answer to copy" in str(n.message) for n in app._notifications)
