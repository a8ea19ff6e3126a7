"""The prompt as a person uses it: sending, new lines, history, slash completion."""

from __future__ import annotations

from textual import events

from redline.backends.sim import SimServer
from redline.tui.app import RedlineApp
from redline.tui.widgets.completion_menu import CompletionMenu
from redline.tui.widgets.prompt import PromptInput
from tests.helpers_tui import SIZE, failing_opener, make_app, settle, wait_until


class TestPromptKeys:
    async def test_ctrl_j_adds_a_line_and_enter_sends(self):
        app = make_app(open_backend=failing_opener)
        sent: list[str] = []
        app.handle_prompt = sent.append  # type: ignore[method-assign]
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press(*"one", "ctrl+j", *"two")
            prompt = app.query_one(PromptInput)
            assert prompt.text == "one\ntwo"
            await pilot.press("enter")
            await pilot.pause()
            assert sent == ["one\ntwo"]
            assert prompt.text == ""

    async def test_empty_prompt_is_not_sent(self):
        app = make_app(open_backend=failing_opener)
        sent: list[str] = []
        app.handle_prompt = sent.append  # type: ignore[method-assign]
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("space", "enter")
            await pilot.pause()
            assert sent == []


class TestHistory:
    async def test_up_and_down_recall_earlier_prompts(self):
        app = make_app(open_backend=failing_opener)
        app.handle_prompt = lambda text: None  # type: ignore[method-assign]
        async with app.run_test(size=SIZE) as pilot:
            prompt = app.query_one(PromptInput)
            for text in ("first", "second"):
                await pilot.press(*text, "enter")
            await pilot.press(*"draft")
            await pilot.press("up")
            assert prompt.text == "second"
            await pilot.press("up")
            assert prompt.text == "first"
            await pilot.press("up")  # the oldest stays
            assert prompt.text == "first"
            await pilot.press("down")
            assert prompt.text == "second"
            await pilot.press("down")
            assert prompt.text == "draft"  # back to what was being written
            assert app.prompt_history == ["first", "second"]

    async def test_up_inside_a_multi_line_prompt_moves_the_cursor(self):
        app = make_app(open_backend=failing_opener)
        app.handle_prompt = lambda text: None  # type: ignore[method-assign]
        async with app.run_test(size=SIZE) as pilot:
            prompt = app.query_one(PromptInput)
            await pilot.press(*"old", "enter")
            await pilot.press(*"a", "ctrl+j", *"b")
            await pilot.press("up")
            assert prompt.text == "a\nb"
            assert prompt.cursor_location[0] == 0
            await pilot.press("up")
            assert prompt.text == "old"


class TestSlashCompletion:
    async def test_typing_a_slash_offers_commands_and_tab_completes(self):
        app = make_app(open_backend=failing_opener)
        async with app.run_test(size=SIZE) as pilot:
            menu = app.query_one(CompletionMenu)
            prompt = app.query_one(PromptInput)
            await pilot.pause()  # the first frame; then every command module is loaded
            await app.workers.wait_for_complete()
            await pilot.press("/")
            assert menu.display
            assert menu.option_count == len(app.slash)
            await pilot.press("m", "o")
            assert menu.option_count == 1
            await pilot.press("tab")
            assert prompt.text == "/model "
            assert not menu.display

    async def test_enter_on_a_command_without_arguments_runs_it(self):
        app = make_app(open_backend=failing_opener)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("/", "h", "e", "l")
            await pilot.press("enter")
            await pilot.pause()
            assert app.screen.__class__.__name__ == "HelpScreen"
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen.__class__.__name__ == "MainScreen"

    async def test_escape_closes_the_menu_and_slash_mid_text_is_no_command(self):
        app = make_app(open_backend=failing_opener)
        async with app.run_test(size=SIZE) as pilot:
            menu = app.query_one(CompletionMenu)
            await pilot.press("/", "escape")
            assert not menu.display
            await pilot.press("backspace", *"see /", "t")
            assert not menu.display

    async def test_unknown_command_says_so(self):
        app = make_app(open_backend=failing_opener)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press(*"/nothing", "escape", "enter")
            await pilot.pause()
            assert any("No command /nothing" in str(n.message) for n in app._notifications)


class TestFocusStaysInThePrompt:
    async def test_a_click_in_the_transcript_keeps_what_is_typed_next(self):
        app = make_app(open_backend=failing_opener)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.click("#transcript", offset=(10, 5))
            await pilot.press("a", "b", "c")
            assert app.query_one(PromptInput).text == "abc"

    async def test_end_goes_back_to_the_live_tail_from_the_prompt(self):
        from redline.agent import Turn

        app = make_app(open_backend=failing_opener)
        async with app.run_test(size=SIZE) as pilot:
            transcript = app.transcript
            handle = transcript.start_turn(1, "long", "sim", "m")
            text = "\n\n".join(f"paragraph {i}" for i in range(200))
            handle.finish(Turn(prompt="long", provider="sim", model="m", text=text))
            transcript.flush()
            await pilot.pause()
            transcript.scroll_home(animate=False)
            await pilot.pause()
            assert transcript.scroll_y < transcript.max_scroll_y
            await pilot.press("x", "left")  # the cursor is not at the end: `end` moves it
            await pilot.press("end")
            assert transcript.scroll_y < transcript.max_scroll_y
            assert app.query_one(PromptInput).cursor_location == (0, 1)
            await pilot.press("end")  # now at the end: back to the tail
            await pilot.pause()
            assert transcript.scroll_y == transcript.max_scroll_y


async def test_end_and_ctrl_end_go_back_to_the_tail_while_an_answer_streams():
    """Scrolled up mid-answer, the view stays put as text arrives; `end` (prompt empty, its
    cursor at the end) and `ctrl+end` (cursor anywhere) follow the tail again (at 80x24; in
    tmux at 80x24 and 120x40 too, where they arrive as \x1b[4~ and \x1b[1;5F)."""
    size = (80, 24)
    # Slow and long: the answer is still streaming when the keys are pressed (esc ends it).
    with SimServer("cerebras", rate=2000, ttft_ms=0, answer_tokens=200_000) as sim:
        app = make_app(provider=None, base_url=sim.base_url)
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            await pilot.press(*"go", "enter")
            transcript = app.transcript

            async def press(*keys: str) -> None:
                """As the terminal sends them (pilot.press waits for an idle screen: not while
                an answer streams)."""
                for key in keys:
                    app.simulate_key(key)
                await pilot.pause()

            async def scrolled_up_then_still() -> None:
                await wait_until(pilot, lambda: transcript.max_scroll_y > 2 * size[1])
                await press("pageup")
                held, grown = transcript.scroll_y, transcript.max_scroll_y
                assert held < grown
                await wait_until(pilot, lambda: transcript.max_scroll_y > grown + 5)
                assert transcript.scroll_y == held  # text arrived, the view did not move

            async def following() -> None:
                await wait_until(pilot, lambda: transcript.scroll_y == transcript.max_scroll_y)
                grown = transcript.max_scroll_y
                await wait_until(pilot, lambda: transcript.max_scroll_y > grown + 5)
                await pilot.pause()
                assert transcript.scroll_y == transcript.max_scroll_y  # and it keeps following

            await scrolled_up_then_still()
            await press("end")
            await following()
            await scrolled_up_then_still()
            await press("a", "b", "left", "ctrl+end")  # the cursor mid-line: ctrl+end
            await following()
            assert app.session.turn_running
            await press("escape")
            await wait_until(pilot, lambda: not app.session.turn_running)


class TypedAtStart(RedlineApp):
    """Keys that arrive while the app mounts, before the prompt has the focus (in a terminal:
    typed as soon as redline is launched, read once the driver starts)."""

    def on_mount(self) -> None:
        for key, char in [("h", "h"), ("i", "i"), ("space", " "), ("ctrl+j", "\n"), ("x", "x")]:
            self.post_message(events.Key(key, char))


async def test_keys_typed_before_the_first_paint_land_in_the_prompt_in_order():
    app = make_app(open_backend=failing_opener)
    app.__class__ = TypedAtStart  # the same app, with keys typed during its start
    async with app.run_test(size=SIZE) as pilot:
        prompt = app.query_one(PromptInput)
        await wait_until(pilot, lambda: prompt.text == "hi \nx")
        await pilot.press("y")  # and typing goes on after them
        assert prompt.text == "hi \nxy"
        assert app.focused is prompt


class TestHistoryThroughCommands:
    async def test_up_goes_past_a_recalled_slash_command(self):
        app = make_app(open_backend=failing_opener)
        app.handle_prompt = lambda text: None  # type: ignore[method-assign]
        async with app.run_test(size=SIZE) as pilot:
            prompt = app.query_one(PromptInput)
            menu = app.query_one(CompletionMenu)
            for text in ("first", "/clear", "third"):
                prompt.load_text(text)
                await pilot.press("enter")
            await pilot.press("up")
            assert prompt.text == "third"
            await pilot.press("up")
            await pilot.pause()
            assert prompt.text == "/clear"
            assert not menu.display  # a recalled command offers no completion
            await pilot.press("up")
            assert prompt.text == "first"
            await pilot.press("down", "down")
            assert prompt.text == "third"

    async def test_editing_a_recalled_command_offers_completion_again(self):
        app = make_app(open_backend=failing_opener)
        app.handle_prompt = lambda text: None  # type: ignore[method-assign]
        async with app.run_test(size=SIZE) as pilot:
            prompt = app.query_one(PromptInput)
            prompt.load_text("/the")
            await pilot.press("escape", "enter")
            await pilot.press("up")
            await pilot.pause()
            assert not app.query_one(CompletionMenu).display
            await pilot.press("m")
            await pilot.pause()
            assert app.query_one(CompletionMenu).display


class TestOneEnter:
    async def _typed(self, text: str) -> list[str]:
        app = make_app(open_backend=failing_opener)
        ran: list[str] = []
        app.run_slash = lambda parsed: ran.append(parsed.name)  # type: ignore[method-assign]
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.press(*text, "enter")
            await pilot.pause()
        return ran

    async def test_a_command_typed_in_full_runs_on_one_enter(self):
        for name in ("model", "backend", "theme"):
            assert await self._typed(f"/{name}") == [name]

    async def test_a_partly_typed_command_with_arguments_completes_first(self):
        assert await self._typed("/mod") == []  # "/model " waits for an ID or the next Enter


class TestLongPaste:
    async def test_a_2000_line_paste_folds_in_the_header_and_goes_whole_to_the_model(self):
        from textual import events

        from tests.helpers_tui import RecordingServer, settle

        server = RecordingServer("ok")
        url = await server.start()
        pasted = "\n".join(f"log line {i}" for i in range(2000))
        try:
            app = make_app(provider=None, base_url=url)
            async with app.run_test(size=SIZE) as pilot:
                await settle(pilot)
                prompt = app.query_one(PromptInput)
                app.post_message(events.Paste(pasted))  # as the terminal delivers it
                await pilot.pause()
                assert prompt.text == pasted
                await pilot.press("enter")
                await settle(pilot)
                app.transcript.flush()
                await pilot.pause()
                shown = app.transcript.lines_text()
            assert any("[pasted 2,000 lines]" in line for line in shown)
            assert not any("log line 1999" in line for line in shown)
            assert len(shown) < 20
            [body] = server.bodies
            assert pasted in body["messages"][-1]["content"]
        finally:
            await server.stop()


class TestClearingThePrompt:
    async def test_ctrl_l_clears_a_recalled_long_prompt_and_ctrl_z_brings_it_back(self):
        app = make_app(open_backend=failing_opener)
        app.handle_prompt = lambda text: None  # type: ignore[method-assign]
        long = "\n".join(f"line {i}" for i in range(50))
        async with app.run_test(size=SIZE) as pilot:
            prompt = app.query_one(PromptInput)
            prompt.load_text(long)
            await pilot.press("enter", "up")
            assert prompt.text == long
            await pilot.press("ctrl+l")
            assert prompt.text == ""
            await pilot.press("ctrl+z")
            assert prompt.text == long

    async def test_f7_selects_everything_and_typing_replaces_it(self):
        app = make_app(open_backend=failing_opener)
        async with app.run_test(size=SIZE) as pilot:
            prompt = app.query_one(PromptInput)
            prompt.load_text("one\ntwo\nthree")
            await pilot.press("f7", "x")
            assert prompt.text == "x"

    async def test_the_footer_offers_clearing_only_for_a_prompt_of_several_lines(self):
        app = make_app(open_backend=failing_opener)
        async with app.run_test(size=SIZE) as pilot:
            prompt = app.query_one(PromptInput)
            assert "clear_prompt" not in _footer_actions(app)
            prompt.load_text("one\ntwo")
            await pilot.pause()
            assert "clear_prompt" in _footer_actions(app)


def _footer_actions(app) -> set[str]:
    return {
        binding.action
        for (_node, binding, enabled, _tip) in app.active_bindings.values()
        if binding.show and enabled
    }
