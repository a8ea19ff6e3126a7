"""The transcript in a real (headless) app: what a person sees while a turn streams."""

from __future__ import annotations

import asyncio

import pytest
from rich.panel import Panel

from redline.agent import Turn
from redline.backends.events import Finished, ReasoningDelta, StreamError, TextDelta, TextSnapshot
from redline.tui.widgets._parts import BlockPart
from tests.helpers_render import ANSWER, FINAL_READING, LIVE_READING, FixedMeter, TranscriptApp


def _screen_text(app: TranscriptApp) -> str:
    return "\n".join(app.transcript.lines_text())


async def _drawn(pilot, transcript) -> None:  # type: ignore[no-untyped-def]
    """Until the repaints asked for are drawn: the screen's update comes at its next frame slot,
    which a loaded machine reaches after ``pilot.pause()`` has returned. (While one waits, the
    transcript rightly never asks the terminal to move rows it has not drawn yet.)"""
    from tests.helpers_tui import wait_until

    await wait_until(
        pilot,
        lambda: not (transcript._repaint_regions or transcript.vertical_scrollbar._repaint_regions),
    )


async def test_partial_line_is_visible_before_its_newline() -> None:
    app = TranscriptApp()
    async with app.run_test(size=(80, 24)) as pilot:
        handle = app.transcript.start_turn(1, "hi", "sim", "m")
        for char in "Hello, wor":
            handle.push(TextDelta(char))
        app.transcript.flush()
        await pilot.pause()
        assert "Hello, wor" in _screen_text(app)


async def test_timer_drains_the_buffer_without_flush() -> None:
    app = TranscriptApp(tick_hz=60)
    async with app.run_test(size=(80, 24)) as pilot:
        handle = app.transcript.start_turn(1, "hi", "sim", "m")
        handle.push(TextDelta("streamed by the timer"))
        for _ in range(50):
            await pilot.pause(0.02)
            if "streamed by the timer" in _screen_text(app):
                break
        assert "streamed by the timer" in _screen_text(app)


async def test_code_fence_is_plain_while_open_and_highlighted_once_closed() -> None:
    app = TranscriptApp()
    async with app.run_test(size=(80, 24)):
        transcript = app.transcript
        handle = transcript.start_turn(1, "code", "sim", "m")
        handle.push(TextDelta("```python\ndef f():\n    return 1\n"))
        transcript.flush()
        assert "def f():" in _screen_text(app)
        view = transcript._turns[0]
        assert view.blocks == []  # still the live tail
        handle.push(TextDelta("```\nafter\n"))
        transcript.flush()
        (code,) = [p for p in view.blocks if isinstance(p, BlockPart)]
        assert code.block.lang == "python"
        assert code.polished
        assert "def f():" in _screen_text(app)


async def test_snapshot_replaces_the_text_in_place() -> None:
    app = TranscriptApp()
    async with app.run_test(size=(80, 24)):
        transcript = app.transcript
        handle = transcript.start_turn(1, "mercury", "inception", "mercury-coder")
        handle.push(TextSnapshot("The qxick brwn fox\n\nstill noisy"))
        transcript.flush()
        assert "qxick" in _screen_text(app)
        handle.push(TextSnapshot("The quick brown fox\n\njumps over"))
        transcript.flush()
        text = _screen_text(app)
        assert "The quick brown fox" in text
        assert "jumps over" in text
        assert "qxick" not in text and "noisy" not in text


async def test_reasoning_is_collapsed_and_toggles_by_key_and_click() -> None:
    app = TranscriptApp()
    async with app.run_test(size=(80, 24)) as pilot:
        transcript = app.transcript
        handle = transcript.start_turn(1, "think", "baseten", "m")
        handle.push(ReasoningDelta("First I consider the options carefully."))
        handle.push(TextDelta("Answer."))
        transcript.flush()
        assert "▸ reasoning (~10 tokens)" in _screen_text(app)
        assert "consider the options" not in _screen_text(app)
        transcript.action_toggle_reasoning()  # ctrl+r in the app
        assert "▾ reasoning (~10 tokens)" in _screen_text(app)
        assert "consider the options" in _screen_text(app)
        await pilot.click(transcript, offset=(3, 1))
        assert "consider the options" not in _screen_text(app)


async def test_error_and_interrupt_show_inside_the_turn() -> None:
    app = TranscriptApp()
    async with app.run_test(size=(80, 24)):
        transcript = app.transcript
        handle = transcript.start_turn(1, "hi", "cerebras", "llama")
        message = "CEREBRAS_API_KEY is not set: export it, or pick another backend with /backend."
        handle.push(StreamError("auth", message))
        turn = Turn("hi", "cerebras", "llama", error=StreamError("auth", message))
        handle.finish(turn)
        transcript.flush()
        assert f"✗ {message}" in _screen_text(app).replace("\n", " ")
        second = transcript.start_turn(2, "again", "sim", "m")
        second.attach_meter(FixedMeter(LIVE_READING))
        second.push(TextDelta("partial answ"))
        second.finish(Turn("again", "sim", "m", text="partial answ", interrupted=True))
        transcript.flush()
        text = _screen_text(app)
        assert "partial answ" in text
        assert "⏸ interrupted" in text


async def test_meter_is_live_in_the_bar_and_final_in_the_footer() -> None:
    app = TranscriptApp()
    async with app.run_test(size=(100, 24)):
        transcript = app.transcript
        handle = transcript.start_turn(1, "hi", "sim", "m")
        meter = FixedMeter(LIVE_READING)
        handle.attach_meter(meter)
        handle.push(TextDelta("some text"))
        transcript.flush()
        assert "2,013 tok/s" in str(app.meter_bar.render())
        assert "~1,234 tok" not in _screen_text(app)  # the bar has it while streaming
        handle.finish(Turn("hi", "sim", "m", text="some text", reading=FINAL_READING))
        transcript.flush()
        text = _screen_text(app)
        assert "1,502 tok" in text and "~1,234" not in text
        assert "1,502 tok" in str(app.meter_bar.render())


async def test_added_blocks_follow_the_text_so_far() -> None:
    app = TranscriptApp()
    async with app.run_test(size=(80, 24)):
        transcript = app.transcript
        handle = transcript.start_turn(1, "edit", "sim", "m")
        handle.push(TextDelta("Before the card.\n\n"))
        transcript.flush()
        handle.add_block(Panel("diff card for app.py"))
        handle.push(TextDelta("After the card.\n"))
        transcript.flush()
        text = _screen_text(app)
        assert text.index("Before the card") < text.index("diff card for app.py")
        assert text.index("diff card for app.py") < text.index("After the card")


async def test_strip_cache_stays_bounded_over_a_long_session() -> None:
    app = TranscriptApp(max_cached_lines=300)
    async with app.run_test(size=(80, 24)) as pilot:
        transcript = app.transcript
        for turn_id in range(40):
            handle = transcript.start_turn(turn_id, f"prompt {turn_id}", "sim", "m")
            handle.push(TextDelta(ANSWER * 3))
            handle.finish(Turn(f"prompt {turn_id}", "sim", "m", text=ANSWER * 3))
            transcript.flush()
        assert transcript.cached_lines <= 300
        assert transcript.virtual_size.height > 1000
        await pilot.pause()
        transcript.scroll_home(animate=False, immediate=True)
        await pilot.pause()
        assert "prompt 0" in transcript.render_line(0).text
        assert transcript.cached_lines <= 300 + 24 * 2


async def test_follows_the_tail_unless_scrolled_up() -> None:
    app = TranscriptApp()
    async with app.run_test(size=(80, 24)) as pilot:
        transcript = app.transcript
        handle = transcript.start_turn(1, "long", "sim", "m")
        handle.push(TextDelta("".join(f"line {i}\n" for i in range(100))))
        transcript.flush()
        await pilot.pause()
        assert transcript.scroll_y == transcript.max_scroll_y > 0
        transcript.scroll_to(y=10, animate=False, immediate=True)
        handle.push(TextDelta("".join(f"more {i}\n" for i in range(50))))
        transcript.flush()
        await pilot.pause()
        assert transcript.scroll_y == 10
        transcript.scroll_end(animate=False, immediate=True)
        handle.push(TextDelta("the end\n"))
        transcript.flush()
        await pilot.pause()
        assert transcript.scroll_y == transcript.max_scroll_y


async def test_big_code_block_is_highlighted_in_chunks_without_changing_height() -> None:
    from redline.tui.widgets._parts import CODE_CHUNK

    app = TranscriptApp()
    async with app.run_test(size=(80, 24)):
        transcript = app.transcript
        handle = transcript.start_turn(1, "code", "sim", "m")
        code = "".join(f"x_{i} = {i}\n" for i in range(CODE_CHUNK * 3))
        handle.push(TextDelta(f"```python\n{code}```\n"))
        transcript._tick(polish_budget=0.0)
        transcript._polish_slice(0.0)  # one chunk per slice at most
        (part,) = [p for p in transcript._turns[0].blocks if isinstance(p, BlockPart)]
        assert not part.polished
        height = part.height
        transcript._polish_slice(0.0)
        transcript._polish_slice(0.0)
        assert part.polished
        assert part.height == height == CODE_CHUNK * 3 + 1
        assert f"x_{CODE_CHUNK * 2} = {CODE_CHUNK * 2}" in _screen_text(app)


async def test_a_finished_turn_with_nothing_streamed_shows_its_own_text() -> None:
    app = TranscriptApp()
    async with app.run_test(size=(80, 24)):
        transcript = app.transcript
        handle = transcript.start_turn(1, "resumed prompt", "sim", "m")
        turn = Turn(
            "resumed prompt", "sim", "m", text=ANSWER, reasoning="why", reading=FINAL_READING
        )
        handle.finish(turn)
        transcript.flush()
        text = _screen_text(app)
        assert "Here is the change you asked for" in text
        assert "def greet" in text
        assert "▸ reasoning (~1 tokens)" in text
        assert "1,502 tok" in text


async def test_cyclic_gc_pauses_while_streaming_and_resumes_after() -> None:
    import gc

    app = TranscriptApp()
    async with app.run_test(size=(80, 24)):
        transcript = app.transcript
        handle = transcript.start_turn(1, "hi", "sim", "m")
        assert not gc.isenabled()
        handle.finish(Turn("hi", "sim", "m", text="done"))
        for _ in range(12):
            transcript.flush()
        assert gc.isenabled()
        transcript.start_turn(2, "again", "sim", "m")
        assert not gc.isenabled()
    assert gc.isenabled()  # unmounting gives it back


async def test_width_change_rewraps_at_once_and_polishes_again() -> None:
    app = TranscriptApp()
    async with app.run_test(size=(100, 24)) as pilot:
        transcript = app.transcript
        handle = transcript.start_turn(1, "wrap", "sim", "m")
        words = " ".join(f"word{i}" for i in range(60))
        handle.push(TextDelta(f"{words}\n\n```python\nx = 1\n```\n"))
        transcript.flush()
        code = next(p for p in transcript._turns[0].blocks if p.block.kind == "code")
        assert code.polished
        await pilot.resize_terminal(50, 24)
        await pilot.pause()
        assert transcript.scrollable_content_region.width < 50
        lines = transcript.lines_text()
        assert all(len(line) <= transcript.scrollable_content_region.width for line in lines)
        assert "word59" in "\n".join(lines)
        transcript.flush()
        assert code.polished


async def test_clear_forgets_every_turn() -> None:
    app = TranscriptApp()
    async with app.run_test(size=(80, 24)):
        transcript = app.transcript
        handle = transcript.start_turn(1, "one", "sim", "m")
        handle.attach_meter(FixedMeter(LIVE_READING))
        handle.push(TextDelta("text"))
        transcript.flush()
        transcript.clear()
        transcript.flush()
        assert transcript.turn_count == 0
        assert transcript.lines_text() == []
        assert str(app.meter_bar.render()) == ""


async def test_first_text_and_the_end_are_drawn_without_waiting_for_the_timer() -> None:
    # A steady tick of once a minute: only the event-driven draw can show the text.
    app = TranscriptApp(tick_hz=1 / 60)
    async with app.run_test(size=(80, 24)) as pilot:
        handle = app.transcript.start_turn(1, "hi", "sim", "m")
        await pilot.pause()
        handle.push(TextDelta("first words"))
        for _ in range(20):
            await pilot.pause(0.02)
            if "first words" in _screen_text(app):
                break
        assert "first words" in _screen_text(app)
        handle.push(TextDelta(" and the last"))
        handle.finish(Turn(prompt="hi", provider="sim", model="m", text="first words and the last"))
        for _ in range(20):
            await pilot.pause(0.02)
            if not app.transcript._turns[0].live:
                break
        assert not app.transcript._turns[0].live
        assert "first words and the last" in _screen_text(app)


async def test_the_first_text_is_scheduled_now_even_right_after_a_tick() -> None:
    """A tick a moment ago (the meter's, while waiting) must not push the first text a frame
    later; later text waits for the frame time."""
    from redline.tui.widgets.transcript import FRAME_S

    app = TranscriptApp(tick_hz=1 / 60)
    async with app.run_test(size=(80, 24)) as pilot:
        transcript = app.transcript
        handle = transcript.start_turn(1, "hi", "sim", "m")
        await pilot.pause()
        transcript._tick()  # a frame just now
        handle.push(TextDelta("first"))
        assert transcript._frame.handle is not None
        # Scheduled for now, not held for the frame time (now, not "before ticked + FRAME_S": a
        # slow machine may take longer than a frame between the two lines above).
        assert transcript._frame.at <= asyncio.get_running_loop().time()
        transcript._frame.handle.cancel()  # drawn here instead
        transcript._frame.handle = None
        transcript._tick()
        ticked = transcript._frame.last
        handle.push(TextDelta(" second"))
        assert transcript._frame.handle is not None
        assert transcript._frame.at >= ticked + FRAME_S


@pytest.mark.parametrize(
    "end", [Finished("stop"), StreamError("network", "the connection dropped")], ids=str
)
async def test_the_streams_end_draws_its_last_text_now_not_a_frame_on(end: object) -> None:
    """The model's last event (Finished, or an error) comes with its last text: that text is
    drawn at once, before the turn has wound up (the turn's finish comes a few ms later)."""
    from redline.tui.widgets.transcript import FRAME_S

    app = TranscriptApp(tick_hz=1 / 60)
    async with app.run_test(size=(80, 24)) as pilot:
        transcript = app.transcript
        handle = transcript.start_turn(1, "hi", "sim", "m")
        await pilot.pause()
        handle.push(TextDelta("the first words"))  # (drawn at once: the turn's first text)
        transcript._tick()
        ticked = transcript._frame.last
        handle.push(TextDelta(" the last words"))
        assert transcript._frame.at >= ticked + FRAME_S  # text alone: a frame on
        handle.push(end)
        assert transcript._frame.handle is not None
        assert transcript._frame.at <= asyncio.get_running_loop().time()


def _spy_refreshes(transcript: object) -> list[tuple[tuple[object, ...], dict[str, object]]]:
    """Every ``refresh`` the transcript asks for (a reactive's too: it calls the instance's)."""
    calls: list[tuple[tuple[object, ...], dict[str, object]]] = []
    refresh = transcript.refresh  # type: ignore[attr-defined]

    def spy(*regions: object, **kwargs: object) -> object:
        calls.append((regions, kwargs))
        return refresh(*regions, **kwargs)

    transcript.refresh = spy  # type: ignore[attr-defined]
    return calls


async def test_the_first_text_of_a_turn_asks_for_no_layout() -> None:
    """A layout pass reflows the whole screen: the turn's first line (and every line until the
    view is full) only grows the transcript, with no scrollbar to show."""
    app = TranscriptApp()
    async with app.run_test(size=(80, 24)) as pilot:
        transcript = app.transcript
        handle = transcript.start_turn(1, "hi", "sim", "m")
        transcript.flush()
        await pilot.pause()
        calls = _spy_refreshes(transcript)
        handle.push(TextDelta("first words"))
        transcript._tick()
        handle.push(TextDelta("\n\nand a second paragraph\n\nand a third"))
        transcript._tick()
        assert calls
        assert not [kwargs for _, kwargs in calls if kwargs.get("layout")]
        assert "and a third" in _screen_text(app)


async def test_only_the_rows_that_changed_are_repainted_while_nothing_scrolls() -> None:
    app = TranscriptApp()
    async with app.run_test(size=(80, 24)) as pilot:
        transcript = app.transcript
        handle = transcript.start_turn(1, "hi", "sim", "m")
        handle.push(TextDelta("one paragraph\n\nthe line being written"))
        transcript.flush()
        await pilot.pause()
        row = _screen_text(app).split("\n").index("the line being written")
        calls = _spy_refreshes(transcript)
        handle.push(TextDelta(" grows"))
        transcript._tick()
        regions = [region for args, _ in calls for region in args]
        assert regions, "a whole-widget refresh instead of the changed rows"
        assert {(r.y, r.height) for r in regions} == {(row, 1)}  # type: ignore[attr-defined]
        await pilot.pause()
        assert "the line being written grows" in _screen_text(app)


async def test_everything_in_view_is_repainted_when_the_tail_scrolls() -> None:
    app = TranscriptApp()
    async with app.run_test(size=(80, 24)) as pilot:
        transcript = app.transcript
        handle = transcript.start_turn(1, "hi", "sim", "m")
        handle.push(TextDelta("".join(f"line {i}\n\n" for i in range(40))))
        transcript.flush()
        await pilot.pause()
        top = transcript.scroll_offset.y
        calls = _spy_refreshes(transcript)
        handle.push(TextDelta("one more line\n\n"))
        transcript._tick()
        assert transcript.scroll_offset.y > top  # it follows the tail
        assert [args for args, _ in calls if not args]  # the whole view: every row moved


async def test_the_scrollbar_shows_where_the_view_is_when_it_first_appears() -> None:
    """The view follows the tail before the layout that shows its scrollbar: the bar must not
    appear with its thumb at the top of a view scrolled to the end."""
    app = TranscriptApp()
    async with app.run_test(size=(80, 24)) as pilot:
        transcript = app.transcript
        handle = transcript.start_turn(1, "hi", "sim", "m")
        handle.push(TextDelta("".join(f"line {i}\n\n" for i in range(40))))
        transcript.flush()
        await pilot.pause()
        assert transcript.show_vertical_scrollbar and transcript.scroll_y > 0
        assert transcript.vertical_scrollbar.position == transcript.scroll_y


async def test_polishing_gives_way_to_a_draw_that_is_due() -> None:
    app = TranscriptApp()
    async with app.run_test(size=(80, 24)):
        transcript = app.transcript
        handle = transcript.start_turn(1, "code", "sim", "m")
        handle.push(TextDelta("```python\nx = 1\n```\n\n"))
        transcript._tick(polish_budget=0.0)
        (part,) = [p for p in transcript._turns[0].blocks if isinstance(p, BlockPart)]
        handle.push(TextDelta("more text"))  # a frame after the last tick: not due yet
        assert transcript._frame.handle is not None
        transcript._frame.handle.cancel()  # the test draws when it says
        transcript._frame.handle = None
        transcript.start_turn(2, "next", "sim", "m").push(TextDelta("first"))  # due now
        transcript._polish_slice(1.0)
        assert not part.polished
        transcript._tick(polish_budget=0.0)  # drawn
        transcript._polish_slice(1.0)
        assert part.polished


async def test_polishing_goes_on_while_a_steady_stream_is_buffered() -> None:
    """Text pushed since the last draw waits for its frame time; polishing must not wait with
    it, or at 2,000 tokens/s every block stays plain until the stream ends."""
    app = TranscriptApp()
    async with app.run_test(size=(80, 24)):
        transcript = app.transcript
        handle = transcript.start_turn(1, "code", "sim", "m")
        handle.push(TextDelta("```python\nx = 1\n```\n\n"))
        transcript._tick(polish_budget=0.0)
        (part,) = [p for p in transcript._turns[0].blocks if isinstance(p, BlockPart)]
        handle.push(TextDelta("more text"))  # buffered, its draw a frame away
        assert transcript._frame.handle is not None
        transcript._frame.handle.cancel()  # never due here, however slow the machine
        transcript._frame.handle = None
        transcript._polish_slice(1.0)
        assert part.polished


async def _pouring(app: TranscriptApp, chars_per_s: float):  # type: ignore[no-untyped-def]
    """A turn whose text arrives at ``chars_per_s`` (by the app's clock, one tick a frame),
    with one finished code block waiting to be polished; returns the handle and the block."""
    transcript, clock = app.transcript, app.clock
    handle = transcript.start_turn(1, "code", "sim", "m")
    frame = 1 / 60
    step = max(1, round(chars_per_s * frame))
    handle.push(TextDelta("x" * step + "\n\n"))
    transcript._tick(polish_budget=0.0)
    clock.now += frame
    handle.push(TextDelta("```python\nx = 1\n```\n\n" + "y" * step))
    transcript._tick(polish_budget=0.0)
    (part,) = [p for p in transcript._turns[0].blocks if p.block.kind == "code"]
    assert not part.polished
    return handle, part


async def test_a_block_stays_plain_while_text_pours_in_and_is_polished_in_a_lull() -> None:
    """At 2,000 tok/s and more a polish step would hold up the stream's reads and frames."""
    app = TranscriptApp()
    async with app.run_test(size=(80, 24)):
        transcript, clock = app.transcript, app.clock
        handle, part = await _pouring(app, 8000)  # about 2,000 tok/s
        for _ in range(5):  # more text, a frame apart: still pouring
            clock.now += 1 / 60
            handle.push(TextDelta("z" * 133))
            transcript._tick(polish_budget=0.0)
            transcript._polish_slice(1.0)
            assert not part.polished
        clock.now += 0.06  # a lull: no new text for longer than POLISH_LULL_S
        transcript._polish_slice(1.0)
        assert part.polished


async def test_a_slow_stream_is_polished_as_it_goes() -> None:
    app = TranscriptApp()
    async with app.run_test(size=(80, 24)):
        _, part = await _pouring(app, 600)  # about 150 tok/s
        app.transcript._polish_slice(1.0)
        assert part.polished


async def test_the_end_of_a_pouring_stream_polishes_at_once() -> None:
    app = TranscriptApp()
    async with app.run_test(size=(80, 24)):
        transcript = app.transcript
        handle, part = await _pouring(app, 80_000)  # 20,000 tok/s
        transcript._polish_slice(1.0)
        assert not part.polished
        handle.finish(Turn(prompt="code", provider="sim", model="m", text="..."))
        transcript._tick(polish_budget=0.0)
        transcript._polish_slice(1.0)
        assert part.polished


async def test_a_block_waits_for_a_lull_no_longer_than_the_hold() -> None:
    from redline.tui.widgets.transcript import POLISH_HOLD_MAX_S

    app = TranscriptApp()
    async with app.run_test(size=(80, 24)):
        transcript, clock = app.transcript, app.clock
        handle, part = await _pouring(app, 8000)
        waited = 0.0
        while not part.polished:
            assert waited < POLISH_HOLD_MAX_S + 0.1, "the block stayed plain"
            clock.now += 1 / 60
            waited += 1 / 60
            handle.push(TextDelta("z" * 133))  # never a lull
            transcript._tick(polish_budget=0.0)
            transcript._polish_slice(1.0)
        assert waited >= POLISH_HOLD_MAX_S - 0.05


async def test_a_turns_first_text_takes_its_reserved_row_without_scrolling() -> None:
    """In a transcript longer than the view, a new line scrolls (every row is repainted); the
    waiting turn keeps a row for its first text, so that frame repaints that row alone."""
    app = TranscriptApp()
    async with app.run_test(size=(80, 24)) as pilot:
        transcript = app.transcript
        first = transcript.start_turn(1, "long", "sim", "m")
        first.push(TextDelta("".join(f"line {i}\n\n" for i in range(40))))
        first.finish(Turn(prompt="long", provider="sim", model="m", text="..."))
        handle = transcript.start_turn(2, "next", "sim", "m")
        transcript.flush()
        await pilot.pause()
        top = transcript.scroll_offset.y
        calls = _spy_refreshes(transcript)
        handle.push(TextDelta("the first words"))
        transcript._tick()
        assert transcript.scroll_offset.y == top
        regions = [region for args, _ in calls for region in args]
        assert regions and all(r.height == 1 for r in regions)  # type: ignore[attr-defined]
        await pilot.pause()
        assert _screen_text(app).rstrip().endswith("the first words")


async def test_following_the_tail_scrolls_the_terminal_and_repaints_only_the_new_rows() -> None:
    """Where the terminal can move the rows itself (a full-width view with nothing over it), a
    new line at the tail costs the rows that came in, not every row in view: the scroll is
    written to the terminal, and the rows that moved are neither composited nor written."""
    app = TranscriptApp()
    async with app.run_test(size=(80, 24)) as pilot:
        transcript = app.transcript
        handle = transcript.start_turn(1, "hi", "sim", "m")
        handle.push(TextDelta("".join(f"line {i}\n\n" for i in range(40))))
        transcript.flush()
        await pilot.pause()
        await _drawn(pilot, transcript)
        scrolled: list[int] = []
        transcript._terminal_scroll = lambda: scrolled.append  # type: ignore[method-assign]
        bar_calls = _spy_refreshes(transcript.vertical_scrollbar)
        calls = _spy_refreshes(transcript)
        top, height = transcript.scroll_offset.y, transcript.scrollable_content_region.height
        handle.push(TextDelta("one more line\n\n"))
        transcript._tick()
        moved = transcript.scroll_offset.y - top
        assert scrolled == [moved] and 0 < moved < height
        assert transcript.terminal_scrolls == 1
        regions = [region for args, _ in calls for region in args]
        assert calls and all(args for args, _ in calls), "a whole-widget refresh"
        repainted = sum(r.height for r in regions)  # type: ignore[attr-defined]
        assert repainted <= moved + 1  # the rows that came in (and the tail line, if it grew)
        bar_rows = [r.height for args, _ in bar_calls for r in args]  # type: ignore[attr-defined]
        assert bar_calls and all(args for args, _ in bar_calls), "the whole scrollbar"
        assert sum(bar_rows) < height
        await pilot.pause()
        assert _screen_text(app).rstrip().endswith("one more line")


async def test_a_scroll_by_a_person_repaints_everything_and_is_not_sent_to_the_terminal() -> None:
    app = TranscriptApp()
    async with app.run_test(size=(80, 24)) as pilot:
        transcript = app.transcript
        handle = transcript.start_turn(1, "hi", "sim", "m")
        handle.push(TextDelta("".join(f"line {i}\n\n" for i in range(40))))
        transcript.flush()
        await pilot.pause()
        scrolled: list[int] = []
        transcript._terminal_scroll = lambda: scrolled.append  # type: ignore[method-assign]
        transcript.scroll_to(y=transcript.scroll_offset.y - 5, animate=False, immediate=True)
        transcript.scroll_end(animate=False, immediate=True)  # back to the tail, by hand
        calls = _spy_refreshes(transcript)
        handle.push(TextDelta("one more line\n\n"))
        transcript._tick()
        assert scrolled == []  # what is on screen is not what the last comparison saw
        assert [args for args, _ in calls if not args]


async def test_the_terminal_is_not_scrolled_headless() -> None:
    app = TranscriptApp()
    async with app.run_test(size=(80, 24)):
        assert app.transcript._terminal_scroll() is None


async def test_no_terminal_scroll_while_a_repaint_is_not_yet_drawn() -> None:
    """Two draws before a frame (a tick, then a polish step): the first's rows are not on the
    terminal yet, so moving the terminal's rows would carry the old ones; repaint everything."""
    app = TranscriptApp()
    async with app.run_test(size=(80, 24)) as pilot:
        transcript = app.transcript
        handle = transcript.start_turn(1, "hi", "sim", "m")
        handle.push(TextDelta("".join(f"line {i}\n\n" for i in range(40))))
        transcript.flush()
        await pilot.pause()
        scrolled: list[int] = []
        transcript._terminal_scroll = lambda: scrolled.append  # type: ignore[method-assign]
        handle.push(TextDelta("grows"))
        transcript._tick()  # its new row is repainted (the terminal may move the rows); no frame
        before = len(scrolled)
        handle.push(TextDelta("\n\none more line\n\n"))
        transcript._tick()
        assert len(scrolled) == before
        await pilot.pause()
        handle.push(TextDelta("and another\n\n"))
        transcript._tick()  # drawn since: the terminal moves the rows again
        assert len(scrolled) == before + 1


def _frames_handed(app: TranscriptApp) -> list[object]:
    """Every frame the app hands to its driver from now on."""
    shown: list[object] = []
    display = app._display
    app._display = lambda screen, update: (shown.append(update), display(screen, update))  # type: ignore[method-assign]
    return shown


async def _turn_at_once(app: TranscriptApp, pilot):  # type: ignore[no-untyped-def]
    """A turn begun, the transcript drawing in its ticks as on a terminal (run_test is
    headless); returns the turn's handle."""
    transcript = app.transcript
    transcript.present_at_once = True
    handle = transcript.start_turn(1, "hi", "sim", "m")
    transcript.flush()
    await pilot.pause()
    return handle


async def test_a_tick_draws_its_rows_at_once_not_at_the_screens_next_update() -> None:
    """On a real terminal the screen's update runs in the tick itself: the frame is handed to
    the driver before the tick returns (Textual's own path waits for the widget's idle and
    then for its update timer's next slot)."""
    app = TranscriptApp()
    async with app.run_test(size=(80, 24)) as pilot:
        transcript = app.transcript
        handle = await _turn_at_once(app, pilot)
        shown = _frames_handed(app)
        presented = transcript.presented
        handle.push(TextDelta("drawn in the tick"))
        transcript._tick()
        assert shown, "no frame handed over during the tick"
        assert transcript.presented == presented + 1
        assert transcript not in app.screen._dirty_widgets
        await pilot.pause()
        assert "drawn in the tick" in _screen_text(app)


async def test_a_tick_while_the_screen_waits_for_a_layout_lays_it_out_and_draws_at_once() -> None:
    """Another widget's layout request (the footer's new keys at a turn's start) is done in
    the tick's own update: the first text does not wait for Textual's next update slot."""
    app = TranscriptApp()
    async with app.run_test(size=(80, 24)) as pilot:
        transcript = app.transcript
        handle = await _turn_at_once(app, pilot)
        shown = _frames_handed(app)
        app.screen._layout_required = True  # the screen took another widget's layout request
        presented = transcript.presented
        handle.push(TextDelta("laid out and drawn"))
        transcript._tick()
        assert shown, "the frame waited for Textual's next update"
        assert transcript.presented == presented + 1
        assert not app.screen._layout_required
        await pilot.pause()
        assert "laid out and drawn" in _screen_text(app)


async def test_a_tick_while_frames_are_held_leaves_the_frame_to_textual() -> None:
    app = TranscriptApp()
    async with app.run_test(size=(80, 24)) as pilot:
        transcript = app.transcript
        handle = await _turn_at_once(app, pilot)
        presented = transcript.presented
        with app.batch_update():  # frames held: nothing may reach the terminal in between
            handle.push(TextDelta("after the batch"))
            transcript._tick()
            assert transcript.presented == presented
        await pilot.pause()
        assert "after the batch" in _screen_text(app)


async def test_the_scrollbars_arrival_is_laid_out_and_drawn_in_the_tick() -> None:
    """Text that first overflows the view brings the scrollbar: a layout pass. Left to
    Textual it came a message round and an update slot later, a layout pass of the bar's own
    after that, and every frame waited for both (30-40 ms at 20,000 tok/s)."""
    app = TranscriptApp()
    async with app.run_test(size=(80, 24)) as pilot:
        transcript = app.transcript
        handle = await _turn_at_once(app, pilot)
        assert not transcript.show_vertical_scrollbar
        shown = _frames_handed(app)
        handle.push(TextDelta("".join(f"line {i}\n\n" for i in range(40))))
        transcript._tick()
        bar = transcript.vertical_scrollbar
        assert shown, "the frame waited for Textual's layout"
        assert transcript.show_vertical_scrollbar and bar.region.height > 0
        assert not (transcript._layout_required or bar._layout_required)
        assert not app.screen._layout_required
        assert transcript.scroll_y == transcript.max_scroll_y > 0
        assert "line 39" in _screen_text(app)
        await pilot.pause()  # (a tick asked for by the text above may run here)
        presented = transcript.presented
        handle.push(TextDelta("one more\n\n"))
        transcript._tick()  # no layout left over: the next tick draws at once, in one pass
        assert transcript.presented == presented + 1


async def test_a_block_that_closes_keeps_the_rows_the_live_tail_drew() -> None:
    """A 30-line list streams in the live tail; when the blank line after it closes it, its
    rows are the same strips (nothing to repaint but the new text), and they read the same."""
    app = TranscriptApp()
    async with app.run_test(size=(80, 40)) as pilot:
        transcript = app.transcript
        handle = transcript.start_turn(1, "list", "sim", "m")
        items = "".join(f"- item {i}: a point about the change\n" for i in range(30))
        handle.push(TextDelta(items + "- the last item, still being written"))
        transcript._tick(polish_budget=0.0)
        await pilot.pause()
        (top, before) = transcript._shown  # type: ignore[misc]
        handle.push(TextDelta("\n\nAfter the list."))
        transcript._tick(polish_budget=0.0)
        (after_top, after) = transcript._shown  # type: ignore[misc]
        moved = after_top - top
        kept = [y for y in range(len(after) - moved) if after[y] is before[y + moved]]
        listed = [y for y, s in enumerate(after) if "item" in getattr(s, "text", "")]
        assert len(listed) >= 25 and set(listed) <= set(kept)
        (part,) = [p for p in transcript._turns[0].blocks if isinstance(p, BlockPart)]
        assert not part.polished
        fresh = BlockPart(part.block)
        ctx = transcript._render_context()
        assert ctx is not None
        drawn = [part.line(i, ctx) for i in range(part.height)]
        assert [s.text for s in drawn] == [s.text for s in fresh.render(ctx)]  # type: ignore[union-attr]
        assert "the last item, still being written" in _screen_text(app)


async def test_closed_blocks_read_as_if_drawn_fresh_however_the_text_arrived() -> None:
    """Text, code (with a wrapping line) and a list, fed in pieces of every size: each closed
    block, started from the tail's strips, draws what a block drawn from scratch draws."""
    import random

    answer = (
        "Some prose that runs on for a while\nand a second line.\n\n"
        "```python\ndef f(x):\n\n    return x  # "
        + "long " * 30
        + "\n```\n\n"
        + "".join(f"- item {i}\n" for i in range(12))
        + "\nThe end."
    )
    app = TranscriptApp()
    async with app.run_test(size=(60, 30)):
        transcript = app.transcript
        rng = random.Random(7)
        for turn in range(12):
            handle = transcript.start_turn(turn, "t", "sim", "m")
            at = 0
            while at < len(answer):
                step = rng.randint(1, 40)
                handle.push(TextDelta(answer[at : at + step]))
                at += step
                transcript._tick(polish_budget=0.0)
            handle.finish(Turn(prompt="t", provider="sim", model="m", text=answer))
            transcript._tick(polish_budget=0.0)
            ctx = transcript._render_context()
            assert ctx is not None
            view = transcript._turns[-1]
            for part in [p for p in view.blocks if isinstance(p, BlockPart)]:
                if part.polished:
                    continue
                strips = [part.line(i, ctx) for i in range(part.height)]
                drawn = [(s.text, [seg.style for seg in s]) for s in strips]  # type: ignore[union-attr]
                fresh = [
                    (s.text, [seg.style for seg in s]) for s in BlockPart(part.block).render(ctx)
                ]
                assert drawn == fresh


async def _overflowing(app: TranscriptApp, pilot, lines: int):  # type: ignore[no-untyped-def]
    """A turn of ``lines`` paragraphs (more than the view holds), drawn, the transcript drawing
    in its ticks as on a terminal; returns the turn's handle."""
    transcript = app.transcript
    handle = await _turn_at_once(app, pilot)
    handle.push(TextDelta("".join(f"line {i}\n\n" for i in range(lines))))
    transcript.flush()
    await pilot.pause()
    await _drawn(pilot, transcript)
    return handle


async def test_what_the_terminal_shows_after_its_scrolls_is_what_a_full_repaint_draws() -> None:
    """A model terminal applies each frame's terminal scroll and the rows written after it;
    after a stream of every kind of text it must read as the whole screen drawn afresh
    (rows the terminal moved, and the lines Textual kept for them, are not stale)."""
    import random

    from textual._compositor import ChopsUpdate, LayoutUpdate

    app = TranscriptApp()
    async with app.run_test(size=(60, 20)) as pilot:
        transcript = app.transcript
        handle = await _overflowing(app, pilot, 30)
        width = app.size.width
        model = [list(s.text.ljust(width)) for s in app.screen._compositor.render_strips()]

        def write(x: int, y: int, text: str, x1: int = 0, x2: int = width) -> None:
            for i, char in enumerate(text):
                if x1 <= x + i < x2:
                    model[y][x + i] = char

        def apply(update: object) -> None:
            if isinstance(update, ChopsUpdate):
                for y, x1, x2 in update.spans:
                    for end, (x, strip) in zip(
                        update.chop_ends[y], update.chops[y].items(), strict=False
                    ):
                        if strip is not None and x <= x2 and end > x1:
                            write(x, y, strip.text, x1, x2 + 1)
            elif isinstance(update, LayoutUpdate):
                for y, line in enumerate(update.strips, update.region.y):
                    write(update.region.x, y, "".join(s.text for s in line))

        display = app._display
        app._display = lambda screen, update: (apply(update), display(screen, update))  # type: ignore[method-assign]
        region = transcript.region

        def scroll(lines: int) -> None:
            top, bottom = region.y, region.y + region.height
            rows = model[top:bottom]
            model[top:bottom] = rows[lines:] + [[" "] * width for _ in range(lines)]

        transcript._terminal_scroll = lambda: scroll  # type: ignore[method-assign]
        rng = random.Random(3)
        pieces = ["word ", "more text ", "\n", "a line\n\n", "- item\n", "```py\nx = 1\n```\n\n"]
        for step in range(80):
            handle.push(TextDelta(rng.choice(pieces) * rng.randint(1, 4)))
            transcript._tick(polish_budget=0.0)
            if step % 5 == 0:
                await pilot.pause()
        await pilot.pause()
        await _drawn(pilot, transcript)
        full = [s.text.rstrip() for s in app.screen._compositor.render_strips()]
        shown = ["".join(row).rstrip() for row in model]
        assert transcript.terminal_scrolls > 10
        assert shown[region.y : region.bottom] == full[region.y : region.bottom]


async def test_a_terminal_scroll_frame_draws_only_the_rows_that_came_in() -> None:
    """The compositor renders a widget whole when any of it is repainted; the lines Textual
    keeps per row move with the rows, so only the new ones are drawn again."""
    app = TranscriptApp()
    async with app.run_test(size=(80, 24)) as pilot:
        transcript = app.transcript
        handle = await _overflowing(app, pilot, 40)
        transcript._terminal_scroll = lambda: lambda lines: None  # type: ignore[method-assign]
        drawn: list[int] = []
        render_line = transcript.render_line
        transcript.render_line = lambda y: (drawn.append(y), render_line(y))[1]  # type: ignore[method-assign]
        top, height = transcript.scroll_offset.y, transcript.scrollable_content_region.height
        handle.push(TextDelta("one more line\n\n"))
        transcript._tick()
        moved = transcript.scroll_offset.y - top
        assert transcript.terminal_scrolls == 1 and 0 < moved < height
        assert drawn and len(drawn) <= moved + 1, f"{len(drawn)} of {height} rows drawn"


async def test_the_scrollbar_is_drawn_again_only_when_what_it_shows_changes(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """While the transcript follows a stream its scrollbar is repainted every frame; the
    Rich render behind it runs only when the thumb moves by an eighth of a cell (or the size
    or colours change), and what is kept is what a fresh render draws."""
    import random

    from textual.geometry import Region
    from textual.scrollbar import ScrollBar

    app = TranscriptApp()
    async with app.run_test(size=(80, 24)) as pilot:
        transcript = app.transcript
        await _overflowing(app, pilot, 40)
        bar = transcript.vertical_scrollbar
        renders: list[int] = []
        render_content = ScrollBar._render_content
        monkeypatch.setattr(
            ScrollBar, "_render_content", lambda self: (renders.append(1), render_content(self))
        )

        def drawn() -> list[tuple[str, list[object]]]:
            strips = bar.render_lines(Region(0, 0, bar.size.width, bar.size.height))
            return [(s.text, [seg.style for seg in s]) for s in strips]

        bar.refresh()
        drawn()
        assert renders == []  # nothing it shows changed
        rng = random.Random(5)
        for _ in range(40):
            bar.window_virtual_size += rng.choice([0, 1, 3])
            bar.position = max(0.0, bar.position + rng.choice([0.0, 0.125, 1.0, -2.0]))
            bar.refresh()
            before = len(renders)
            kept = drawn()
            bar._drawn = None  # a fresh render of the same state
            bar.refresh()
            assert drawn() == kept
            assert len(renders) <= before + 2
        moved = len(renders)
        bar.position = bar.position - 3
        bar.refresh()
        drawn()
        assert len(renders) == moved + 1  # the thumb moved: drawn again


async def test_the_live_meter_is_drawn_ten_times_a_second_however_often_text_ticks() -> None:
    """New text draws a tick up to 60 times a second; the meter bar and the turn's meter line
    follow the clock (every 0.1 s), not the ticks, and the turn's end shows its reading at once."""
    from redline.tui.widgets.transcript import METER_EVERY_S

    app = TranscriptApp()
    async with app.run_test(size=(100, 24)) as pilot:
        transcript = app.transcript
        handle = transcript.start_turn(1, "hi", "sim", "m")
        handle.attach_meter(FixedMeter(LIVE_READING))
        await pilot.pause()
        shown: list[object] = []
        show = app.meter_bar.show
        app.meter_bar.show = lambda *a, **k: (shown.append(a), show(*a, **k))  # type: ignore[method-assign]
        app.clock.now += 1.0  # well past any meter drawn while the app started
        for step in range(12):  # 12 ticks 1/60 s apart: 0.2 s
            handle.push(TextDelta(f"word {step} "))
            transcript._tick()
            app.clock.now += 1 / 60
        assert len(shown) == round(12 / 60 / METER_EVERY_S)  # 2, not 12 (nor 4: every third)
        handle.finish(Turn("hi", "sim", "m", text="done", reading=FINAL_READING))
        transcript._tick()
        assert len(shown) == 3  # the end: at once
