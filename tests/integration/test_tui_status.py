"""The status bar as a person reads it (issue 14, item 13): nothing cut without an ellipsis,
nothing hidden under a toast, a git marker that follows outside changes, the approval mode."""

from __future__ import annotations

import pytest
from textual import events
from textual.widgets._toast import Toast

from redline.tui.git_state import GitState
from redline.tui.widgets.prompt import PromptInput
from redline.tui.widgets.status_bar import StatusBar, StatusInfo
from tests.helpers_tui import SIZE, failing_opener, make_app, wait_until

REASON = (
    "no provider key set and no local server found, so the built-in simulator answers "
    "(set CEREBRAS_API_KEY or start a local server to use a real model)"
)


def test_a_long_reason_is_cut_at_a_word_with_an_ellipsis():
    bar = StatusBar()
    bar.info = StatusInfo(
        backend="sim · gpt-oss-120b", reason=REASON, git=GitState("main"), context_tokens=1200
    )
    plain = bar.render_text(78).plain
    assert len(plain) <= 78
    assert plain.endswith("…")
    kept = plain.rsplit("│  ", 1)[1].removesuffix("…")
    assert REASON.startswith(kept) and REASON[len(kept)] in " ,("  # cut between words


async def test_the_approval_mode_is_always_shown():
    app = make_app(open_backend=failing_opener)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        bar = app.query_one(StatusBar)
        assert "⏵ ask" in bar.render_text().plain
        await pilot.press("shift+tab")
        assert "⏵ auto-edit" in bar.render_text().plain


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_toasts_never_cover_the_prompt_or_the_status_bar(size: tuple[int, int]):
    app = make_app(open_backend=failing_opener)
    async with app.run_test(size=size, notifications=True) as pilot:
        app.session.queue.append("later")
        prompt = app.query_one(PromptInput)
        for lines in (1, 4, 1):  # the prompt grows with what is typed, and shrinks back
            prompt.text = "\n".join(["a line"] * lines)
            app.notify("a toast " * 20)
            await wait_until(pilot, lambda: bool(app.screen.query(Toast)))
            await pilot.pause()
            await pilot.pause()
            assert prompt.region.height == lines + 2
            for toast in app.screen.query(Toast):
                assert toast.region.bottom <= prompt.region.y


async def test_the_git_marker_follows_outside_changes_on_focus_and_on_the_slow_timer():
    states = [GitState("main", dirty=False)]
    app = make_app(open_backend=failing_opener)
    app._read_git = lambda _root: states[-1]
    async with app.run_test(size=SIZE) as pilot:
        bar = app.query_one(StatusBar)
        await wait_until(pilot, lambda: bar.info.git == states[0])
        states.append(GitState("main", dirty=True, changed=3))  # edited in another window
        app.post_message(events.AppFocus())
        await wait_until(pilot, lambda: bar.info.git == states[-1])
        assert "● 3 changed" in bar.render_text().plain
        states.append(GitState("feature", dirty=False))
        app._git_tick()
        await wait_until(pilot, lambda: bar.info.git == states[-1])
