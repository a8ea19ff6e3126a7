"""The transcript: every turn of the conversation in one line-based scroll view.

DESIGN.md "Rendering at 2,000+ tokens/s": the network task only appends to a turn's buffer
(``TurnHandle.push``); a ~30 Hz timer drains every live buffer into a plain live tail,
finished blocks are polished (Markdown, highlighted code) a few per frame within a time
budget, and the whole transcript is one widget drawing cached ``Strip``s, however long the
session gets. Strips of parts far from view are dropped beyond ``max_cached_lines`` and
re-rendered if scrolled back to.

Shell's side of the contract::

    handle = transcript.start_turn(turn_id, prompt, provider, model)
    handle.attach_meter(loop.meter)          # polled every tick while streaming
    turn = await loop.run(prompt, sink=handle.push)
    handle.finish(turn)                      # interrupted / error / final reading
    handle.add_block(renderable_or_strips)   # e.g. a diff card, in stream order
"""

from __future__ import annotations

import gc
import time
from bisect import bisect_right
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.style import Style
from textual import events
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget

from redline.agent import Turn
from redline.tui import frame_trace
from redline.tui.render_lines import RenderContext, warm_up
from redline.tui.stream_buffer import Clock
from redline.tui.widgets._parts import BlockPart, ReasoningPart
from redline.tui.widgets._strip_cache import StripCache
from redline.tui.widgets._turn_view import TurnView
from redline.tui.widgets.meter import MeterBar
from redline.tui.widgets.shared_frames import FrameTimer, SharedFrames
from redline.tui.widgets.turn_handle import TurnHandle

if TYPE_CHECKING:
    from textual.screen import Screen
    from textual.scrollbar import ScrollBar

__all__ = ["Transcript", "TurnHandle"]

FRAME_S = 1 / 60  # new text is drawn as soon as the last frame is this old
LAG_SHOWN_AFTER_S = 0.1  # the display counts as behind once text waited this long
WARM_UP_AFTER_S = 0.3  # Markdown and lexers are built in a thread this long after mount
# The live meter's refresh: 10 a second (the live rate moves no faster). Counted in ticks it
# ran at 20-30 Hz once new text drew ticks at up to 60 a second, each a meter bar and a meter
# line drawn again.
METER_EVERY_S = 0.1
# Text pouring in faster than this (about 600 tok/s) leaves finished blocks plain until a lull
# (no new text for POLISH_LULL_S, or the end of the stream), for at most POLISH_HOLD_MAX_S: a
# polish step (Markdown, or 16 lines of highlighting) holds the loop for 4-10 ms, which the
# stream's own reads and frames need at those rates. Slower streams are polished as they go.
POLISH_HOLD_CHARS_PER_S = 2400.0
POLISH_LULL_S = 0.05
POLISH_HOLD_MAX_S = 1.5
# Scroll rows top..bottom (1-based, inclusive) up by n in the terminal itself, then reset the
# region (which homes the cursor; every frame places it again). SYNC_START holds the terminal's
# display until the frame that paints the new rows ends its synchronized update.
SCROLL_UP = "\x1b[{top};{bottom}r\x1b[{lines}S\x1b[r"
SYNC_START = "\x1b[?2026h"


class Transcript(ScrollView, can_focus=False):
    """All turns, drawn line by line from cached strips; follows the tail unless scrolled up."""

    DEFAULT_CSS = """
    Transcript {
        background: $surface;
        color: $foreground;
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-gutter: stable;
        padding: 0 1;
    }
    """

    # Never focused: a click (to fold reasoning, or by accident) leaves the prompt's focus, so
    # what is typed next is never lost; the App's keys scroll it (page up/down, end, ctrl+r).

    def __init__(
        self,
        *,
        clock: Clock = time.perf_counter,
        tick_hz: float = 30.0,
        polish_budget_s: float = 0.006,
        max_cached_lines: int = 3000,
        pause_gc: bool = True,
        warm_up: bool = True,
        chrome: bool = True,
        frames: SharedFrames | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self._chrome = chrome  # False (a race lane): its titles and meter say who and how fast
        self._frames = frames  # a race lane: ticks, draws and polishes with the other lanes
        self._clock = clock
        self._tick_interval = 1.0 / tick_hz
        self._polish_budget = polish_budget_s
        self._turns: list[TurnView] = []
        self._by_id: dict[object, TurnView] = {}
        self._active: list[TurnView] = []  # turns with buffered work
        self._offsets: list[int] = []
        self._height = 0
        self._polish: deque[tuple[TurnView, BlockPart]] = deque()
        self._cache = StripCache(max_cached_lines)
        self._ctx: RenderContext | None = None
        self._layout_key: tuple[int, int] | None = None
        self._generation = 0
        self._style_key: tuple[Style, str] | None = None
        self._follow = True
        self._meter_bar: MeterBar | None = None
        self.presented = 0  # ticks drawn at once, not at Textual's next screen update
        self.present_at_once: bool | None = None  # None: on a real terminal, not headless
        self._pause_gc = pause_gc
        self._warm = warm_up
        self._gc_paused = False
        self._idle_ticks = 0
        self._meter_at = float("-inf")  # when the live meter was last drawn (``clock``)
        self._polish_scheduled = False
        self._pour_at: float | None = None  # when the last tick drained text
        self._pour_until = 0.0  # polishing waits until then (text is pouring in)
        self._polish_since: float | None = None  # when the oldest waiting polish was queued
        self._frame = FrameTimer(FRAME_S, self._tick_soon)  # unused by a race lane (``frames``)
        self._shown: tuple[int, list[object]] | None = None  # the rows in view at the last draw
        self._following = False  # _relayout is scrolling to the tail: it decides what to repaint
        self._bar_stale = False  # the scrollbar's figures changed quietly: repaint it with the rows
        self.terminal_scrolls = 0  # frames whose rows the terminal moved (tests, the trace)
        self._pass: tuple[int, int] | None = None  # width and scroll offset while rows are drawn

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        """Textual's ``Widget.vertical_scrollbar`` with a ``TailScrollBar`` (drawn again only
        when what it shows changes). Re-check after a Textual upgrade."""
        bar = self._vertical_scrollbar
        if bar is None:  # textual.scrollbar is imported here: not before the first paint
            from redline.tui.widgets._scrollbar import TailScrollBar

            bar = self._vertical_scrollbar = TailScrollBar(
                vertical=True, name="vertical", thickness=self.scrollbar_size_vertical
            )
            bar.display = False
            self.app._start_widget(self, bar)
        return bar

    # -- public API ------------------------------------------------------------------------

    def start_turn(self, turn_id: object, prompt: str, provider: str, model: str) -> TurnHandle:
        """Add a turn at the end and return the handle its stream is fed through."""
        view = TurnView(
            turn_id,
            prompt,
            provider,
            model,
            clock=self._clock,
            first=not self._turns,
            chrome=self._chrome,
        )
        self._turns.append(view)
        self._by_id[turn_id] = view
        self._wake(view)
        self._follow = True
        self._hold_gc(True)
        return TurnHandle(self, view)

    def handle(self, turn_id: object) -> TurnHandle:
        """The handle of an existing turn (to add a block to it later)."""
        return TurnHandle(self, self._by_id[turn_id])

    def clear(self) -> None:
        """Forget every turn (``/clear``)."""
        self._turns.clear()
        self._by_id.clear()
        self._active.clear()
        self._polish.clear()
        self._cache.clear()
        if self._meter_bar is not None:
            self._meter_bar.blank()
        self._relayout(self._render_context())

    def edits_decided(self, turn: Turn) -> None:
        """``turn``'s edits were applied, discarded or undone: its cards and last line say so."""
        status = turn.edit_status
        if status is None:
            return
        for view in self._turns:
            if view.turn is turn or view.pending_finish is turn:
                view.turn = turn
                view.edits_decided(status)
        self._relayout(self._render_context())

    def bind_meter_bar(self, bar: MeterBar | None) -> None:
        """Keep ``bar`` showing the newest live turn's meter (and lag) every tick."""
        self._meter_bar = bar

    def toggle_reasoning(self, turn_id: object | None = None) -> bool:
        """Expand or collapse a turn's reasoning (the newest with reasoning by default)."""
        views = [self._by_id[turn_id]] if turn_id is not None else reversed(self._turns)
        for view in views:
            if view.reasoning is not None:
                view.reasoning.toggle()
                view.dirty = True
                self._relayout(self._render_context())
                return True
        return False

    def flush(self) -> None:
        """Drain every buffer and polish every block now (tests, snapshots, benchmarks)."""
        self._tick(polish_budget=None)

    @property
    def turn_count(self) -> int:
        return len(self._turns)

    @property
    def cached_lines(self) -> int:
        """Lines held as strips by finished parts (bounded by ``max_cached_lines``)."""
        return self._cache.lines

    @property
    def pending_polish(self) -> int:
        return len(self._polish)

    def lines_text(self) -> list[str]:
        """Every line's plain text at the current width (for tests)."""
        ctx = self._render_context()
        if ctx is None:
            return []
        out: list[str] = []
        for view in self._turns:
            for y in range(view.height):
                found = view.locate(y)
                strip = found[0].line(found[1], ctx) if found else None
                out.append(strip.text.rstrip() if strip is not None else "")
        return out

    # -- the tick --------------------------------------------------------------------------

    def on_mount(self) -> None:
        super().on_mount()
        if self._frames is not None:
            self._frames.join(self)  # its owner's timer ticks every member
        else:
            self.set_interval(self._tick_interval, self._tick, name="transcript-tick")
        if self._warm:  # after the first paint: the first frame never waits for it
            self.set_timer(WARM_UP_AFTER_S, self._warm_up)

    def _warm_up(self) -> None:
        self.run_worker(warm_up, thread=True, group="transcript-warm-up")

    def _wake(self, view: TurnView) -> None:
        if view not in self._active:
            self._active.append(view)

    def _draw_soon(self, *, now: bool = False) -> None:
        """Tick as soon as the last frame is ``FRAME_S`` old (at once for the first text and the
        end of a stream), instead of waiting for the steady timer: what arrives is on screen
        within a frame, and frames never come closer than ``FRAME_S``."""
        if self._frames is not None:
            self._frames.draw_soon(now=now)
            return
        delay = self._frame.schedule(now=now)
        if frame_trace.on and delay is not None:
            frame_trace.mark("soon", delay)

    def _tick_soon(self) -> None:
        if self.is_attached:
            self._tick()

    def _render_context(self) -> RenderContext | None:
        width = self.scrollable_content_region.width
        if width <= 0 or not self.is_attached:
            return None
        base = self.rich_style
        code_theme = "monokai" if self.app.current_theme.dark else "friendly"
        if (base, code_theme) != self._style_key:
            self._style_key = (base, code_theme)
            self._generation += 1
        ctx = self._ctx
        if ctx is None or ctx.width != width or ctx.generation != self._generation:
            ctx = RenderContext(
                console=self.app.console,
                width=width,
                base=base,
                dim=Style(dim=True),
                code_theme=code_theme,
                generation=self._generation,
            )
            self._ctx = ctx
        return ctx

    def _tick(self, polish_budget: float | None = -1.0) -> None:
        if frame_trace.on:
            frame_trace.mark("tick", len(self._active))
        self._frame.ticked()  # this tick draws what a request was for
        if self._gc_paused and not self._active:
            # Resume collection a few ticks after the last turn ended, past its final frame.
            self._idle_ticks += 1
            if self._idle_ticks > 10:
                self._hold_gc(False)
        else:
            self._idle_ticks = 0
        budget = self._polish_budget if polish_budget == -1.0 else polish_budget
        now = self._clock()
        meter_now = budget is None or now - self._meter_at >= METER_EVERY_S
        if meter_now:
            self._meter_at = now
        changed = False
        poured = 0
        ended = False
        queued = bool(self._polish)
        for view in list(self._active):
            lag = view.buffer.lag_chars if view.buffer.pending_age() > LAG_SHOWN_AFTER_S else 0
            if len(view.buffer):
                poured += view.buffer.lag_chars
                self._polish.extend((view, part) for part in view.apply(view.buffer.drain()))
            if view.pending_finish is not None:
                self._polish.extend((view, p) for p in view.finish(view.pending_finish))
                view.pending_finish = None
                meter_now = True
                ended = True
            elif view.live and (meter_now or lag):
                view.poll_meter(lag)
            view.meter_in_bar = self._meter_bar is not None
            view.refresh_footer()
            if not view.live:
                self._active.remove(view)
            changed = changed or view.dirty
        if poured or ended or (self._polish and not queued):
            self._note_pour(poured, ended, queued)
        if self._meter_bar is not None and self._turns and meter_now:
            newest = self._turns[-1]
            self._meter_bar.show(newest.reading, newest.lag_chars, streaming=newest.live)
        ctx = self._render_context()
        if ctx is None:
            return
        if budget is None:  # flush(): everything, now
            if self._polish and self._polish_some(ctx, None):
                changed = True
        elif self._polish and self._frames is not None:
            self._frames.polish_soon(self)  # one budget for every member, after the frame
        elif self._polish and not self._polish_scheduled:
            # Polish once the screen has drawn this tick's text: its frame never waits for it.
            self._polish_scheduled = True
            self.call_after_refresh(self._polish_slice, budget)
        if changed or ctx.key != self._layout_key:
            self._relayout(ctx)
        if frame_trace.on:
            frame_trace.mark("ticked", changed)
        if self._frames is None:
            self._present()

    def _present(self) -> None:
        """Draw this tick's rows now, not at Textual's next screen update.

        Textual draws a repaint from its screen's update timer, which runs on a fixed grid
        (``1 / TEXTUAL_FPS``) after the widget's idle has passed the repaint to the screen: a tick
        reached the terminal 0.5-8 ms after it ran, measured (frame trace, through tmux). Ticks
        are already paced here (the first text and the end at once, new text a frame after the
        last), so the screen's update runs in the tick, on the same widgets Textual would hand
        it (this one, its scrollbar, the meter bar). What else the screen is waiting for (another
        widget's layout, the footer's new keys at a turn's start) is done in the same update, as
        Textual's would: left to Textual, the first text of a quick answer waited 10-15 ms for the
        footer's layout, then for the next frame (measured, 10 ms to the first token). Not while
        frames are held (a batch), for a screen below the top one, or headless (Textual's own
        timing there)."""
        app = self.app
        screen = self.screen
        at_once = self.present_at_once
        if (
            app._batch_count
            or (app.is_headless if at_once is None else not at_once)
            or screen is not app.screen
            or not screen.is_current
        ):
            return
        if self._layout_required:
            self._lay_out_now(screen)
            return
        widgets: list[Widget] = [self]
        if self.show_vertical_scrollbar:
            widgets.append(self.vertical_scrollbar)
        if self._meter_bar is not None:
            widgets.append(self._meter_bar)
        dirty = [w for w in widgets if w._repaint_required and not w._layout_required]
        if self not in dirty:
            return
        for widget in dirty:
            widget._repaint_required = False  # handed over: its idle has nothing to post
            screen._dirty_widgets.add(widget)
        if self._scroll_required:
            self._scroll_required = False
            screen._scroll_required = True
        self.presented += 1
        if frame_trace.on:
            names = sorted({type(w).__name__ for w in screen._dirty_widgets})
            frame_trace.mark("present", names + ["(layout)"] * screen._layout_required)
        screen._on_timer_update()

    def _lay_out_now(self, screen: Screen) -> None:
        """The transcript's own layout request (its scrollbar appearing, a new width), done in
        this tick: Textual would pass it from the widget's idle to the screen as a message,
        and lay out at the screen's next update, a further layout request from that pass (the
        scrollbar's) one round later; every frame meanwhile waited (30-40 ms at 20,000 tok/s,
        measured with the frame trace). What Textual does, in order: the widget's request
        (``Widget._check_refresh``: ancestors' arrangements cleared), the screen's layout and
        full update (``Screen._on_timer_update``); three times at most, for the requests a
        pass raises (the transcript's, when the bar takes its column; the bar's own).
        Re-check after a Textual upgrade."""
        for _ in range(3):
            bar = self.vertical_scrollbar if self.show_vertical_scrollbar else None
            if not (self._layout_required or (bar is not None and bar._layout_required)):
                break
            for widget in (self, bar):
                if widget is None or not widget._layout_required:
                    continue
                widget._layout_required = False
                for ancestor in widget.ancestors:
                    if not isinstance(ancestor, Widget):
                        break
                    ancestor._clear_arrangement_cache()
                    ancestor._layout_updates += 1
                    if not ancestor.styles.auto_dimensions:
                        break
            screen._layout_required = True
            self.presented += 1
            screen._on_timer_update()

    def _polish_slice(self, budget: float) -> None:
        self._polish_scheduled = False
        if frame_trace.on:
            frame_trace.mark("polish", len(self._polish))
        ctx = self._render_context()
        if ctx is not None and self._polish and self._polish_some(ctx, budget):
            self._relayout(ctx)
        if frame_trace.on:
            frame_trace.mark("polished", len(self._polish))

    def _hold_gc(self, hold: bool) -> None:
        """No cyclic GC while text streams: a full collection can stall a frame by 100 ms+.

        Reference counting still frees everything the transcript drops; collection resumes
        (and catches up) once no turn is streaming.
        """
        if hold and self._pause_gc and not self._gc_paused and gc.isenabled():
            gc.disable()
            self._gc_paused = True
        elif not hold and self._gc_paused:
            self._gc_paused = False
            gc.enable()

    def on_unmount(self) -> None:
        self._hold_gc(False)
        if self._frames is not None:
            self._frames.leave(self)

    def _note_pour(self, chars: int, ended: bool, queued: bool) -> None:
        """How fast text arrives, measured between the ticks that drain it."""
        now = self._clock()
        if self._polish and not queued:
            self._polish_since = now
        if ended:  # polish right after the stream's final frame
            self._pour_at, self._pour_until = None, 0.0
            return
        if not chars:
            return
        since, self._pour_at = self._pour_at, now
        if since is not None and now > since and chars / (now - since) >= POLISH_HOLD_CHARS_PER_S:
            self._pour_until = now + POLISH_LULL_S

    def _polish_held(self) -> bool:
        """Text is pouring in: finished blocks wait (up to ``POLISH_HOLD_MAX_S``) for a lull."""
        if not self._pour_until:
            return False
        now = self._clock()
        if now >= self._pour_until:
            self._pour_until = 0.0
            return False
        since = self._polish_since
        return since is None or now - since < POLISH_HOLD_MAX_S

    def _polish_some(self, ctx: RenderContext, budget: float | None) -> bool:
        if budget is not None and self._polish_held():
            return False  # the next tick asks again
        deadline = None if budget is None else time.perf_counter() + budget
        done = False
        polish = self._polish
        while polish:
            if deadline is not None and self._text_waiting():
                break  # the new text's draw goes first; polishing goes on after its frame
            view, part = polish[0]
            if part.needs_polish(ctx):
                if part.polish_step(ctx):
                    polish.popleft()
                self._cache.touch(part)
                view.dirty = True
                done = True
                if deadline is not None and time.perf_counter() >= deadline:
                    break
            else:
                polish.popleft()
        return done

    def _text_waiting(self) -> bool:
        """A draw of new text is due (the first text at once, later text a frame after the last
        tick): polishing gives way. Text that is merely buffered does not stop it, or a steady
        stream would leave every block plain until it ended."""
        if self._frames is not None:
            return self._frames.draw_due()
        return self._frame.due()

    def _relayout(self, ctx: RenderContext | None) -> None:
        if ctx is None:
            return
        rekeyed = ctx.key != self._layout_key
        self._layout_key = ctx.key
        offsets: list[int] = []
        y = 0
        for view in self._turns:
            if rekeyed or view.dirty:
                view.layout(ctx, self._cache.touch)
            offsets.append(y)
            y += view.height
        if rekeyed:
            self._requeue_polish(ctx)
        self._offsets = offsets
        self._height = y
        self._cache.evict()
        follow = self._follow
        self._set_virtual_height(Size(ctx.width, y))
        if follow:
            self._following = True
            try:
                self.scroll_end(animate=False, immediate=True, x_axis=False, force=True)
            finally:
                self._following = False
        self._refresh_changed_rows(rekeyed)

    def _refresh_changed_rows(self, everything: bool) -> None:
        """Repaint only the rows in view whose strip changed: the live tail's last lines while
        nothing scrolls. When the view follows the tail down by fewer rows than it shows, and
        nothing else is drawn over it, the terminal moves the rows (``SCROLL_UP``) and only the
        rows that came in or changed are composited and written, not the whole view."""
        top = self.scroll_offset.y
        rows = [self._row_strip(top + y) for y in range(self.scrollable_content_region.height)]
        before, self._shown = self._shown, (top, rows)
        height = len(rows)
        changed: list[int] | None = None
        bar_stale, self._bar_stale = self._bar_stale, False
        if not everything and before is not None and len(before[1]) == height:
            old, moved = before[1], top - before[0]
            if moved == 0:
                changed = [y for y in range(height) if old[y] is not rows[y]]
            elif (
                0 < moved < height
                # a repaint not yet drawn: the terminal's rows are not the ones compared
                and not (self._repaint_regions or self.vertical_scrollbar._repaint_regions)
                and (scroll := self._terminal_scroll()) is not None
            ):
                kept = height - moved
                changed = [y for y in range(height) if y >= kept or old[y + moved] is not rows[y]]
                scroll(moved)
                self._move_drawn_lines(moved)
                self.terminal_scrolls += 1
                if self.show_vertical_scrollbar:  # its column moved with the rows
                    self._refresh_scrollbar_tail(moved, height)
                    bar_stale = False
        if bar_stale and self.show_vertical_scrollbar:
            self.vertical_scrollbar.refresh()
        if changed is None:
            if frame_trace.on:
                frame_trace.mark("rows", "all")
            self.refresh()  # and every drawn line forgotten (Widget._set_dirty)
            return
        if frame_trace.on:
            frame_trace.mark("rows", changed[:1] if top == before[0] else ["scroll", len(changed)])  # type: ignore[index]
        width = self.scrollable_content_region.width
        start = 0
        for i, y in enumerate(changed):  # one region per run of adjacent rows
            if i + 1 == len(changed) or changed[i + 1] != y + 1:
                self.refresh(Region(0, changed[start], width, y - changed[start] + 1))
                start = i + 1

    def _move_drawn_lines(self, moved: int) -> None:
        """Textual keeps each row's finished line (padding, styles, filters applied) until it
        is marked dirty; it cleared them all on every scroll, and the compositor, which renders
        a widget whole when any of it is repainted, then drew every row again to composite
        the few that changed (about 3 ms a frame at 2,000 tok/s). The terminal has moved the
        rows up by ``moved``: so do their lines; the rows that changed are marked dirty by
        their repaint. (``StylesCache`` internals: re-check after a Textual upgrade.)"""
        cache = self._styles_cache
        cache._cache = {y - moved: line for y, line in cache._cache.items() if y >= moved}
        cache._dirty_lines = {y - moved for y in cache._dirty_lines if y >= moved}

    def _refresh_scrollbar_tail(self, moved: int, height: int) -> None:
        """After the terminal moved the scrollbar's column up by ``moved`` rows with the view's:
        repaint the rows from the top of the old thumb (where it moved to) down, not the whole
        bar (each row of it costs as much to composite as a row of text). The view followed the
        tail, so both thumbs end at the bottom: the old one, ``height * height / (virtual -
        moved)`` rows tall, now ends ``moved`` rows higher; one row more for its rounding."""
        virtual = max(self.virtual_size.height, height + moved)
        old_thumb = -(-height * height // (virtual - moved))  # ceil
        first = max(0, height - old_thumb - moved - 2)
        self.vertical_scrollbar.refresh(
            Region(0, first, self.scrollbar_size_vertical, height - first)
        )

    def _terminal_scroll(self) -> Callable[[int], None] | None:
        """A function that scrolls this widget's rows up in the terminal, or None when that
        would move anything else: a headless or inline app, another screen on top, a view not
        the screen's full width (the rows would carry the neighbours), or a widget over it.

        Textual keeps no copy of the screen to compare with, so what it would draw in the moved
        rows is what the terminal shows there: ``_refresh_changed_rows`` repaints every row whose
        strip is not the one that moved into it."""
        app = self.app
        driver = app._driver
        screen = self.screen
        if driver is None or app.is_headless or driver.is_inline or screen is not app.screen:
            return None
        region = self.region
        if not region or region.x != 0 or region.width != screen.size.width:
            return None
        beneath = set(self.ancestors)
        for widget, (where, clip) in screen._compositor.visible_widgets.items():
            if widget is self:
                if where != region or not clip.contains_region(region):
                    return None
            elif widget not in beneath and widget.parent is not self and where.overlaps(region):
                return None
        prefix = SYNC_START if getattr(app, "_sync_available", False) else ""

        def scroll(lines: int) -> None:
            bottom = region.y + region.height
            driver.write(prefix + SCROLL_UP.format(top=region.y + 1, bottom=bottom, lines=lines))

        return scroll

    def _row_strip(self, line_y: int) -> object:
        """What ``render_line`` draws at ``line_y``, by identity and without rendering: a part
        with no strips cached gives a fresh object (its row counts as changed)."""
        if not 0 <= line_y < self._height:
            return None
        index = bisect_right(self._offsets, line_y) - 1
        found = self._turns[index].locate(line_y - self._offsets[index])
        if found is None:
            return None
        return found[0].cached_line(found[1])

    def _set_virtual_height(self, size: Size) -> None:
        """Grow the scrollable area; without a screen layout pass unless the scrollbar comes
        or goes (or the width changed).

        A layout pass reflows every widget on screen; at 30 updates a second that is most of a
        frame's cost in the full app, and it would come with a turn's first text (its first
        line) and every new line until the transcript fills the view.
        """
        old = self.virtual_size
        if size == old:
            return
        needs_bar = size.height > self.scrollable_content_region.height
        if size.width != old.width or needs_bar != self.show_vertical_scrollbar:
            if frame_trace.on:
                frame_trace.mark("vsize-layout", (old.height, size.height))
            self.virtual_size = size
            return
        # What Textual does itself for a size change that needs no layout (Widget._size_updated
        # with layout=False); tests/unit/test_transcript.py pins that no layout is asked for.
        self.set_reactive(Transcript.virtual_size, size)
        self._scroll_update_quietly(size)

    def _scroll_update_quietly(self, size: Size) -> None:
        """``Widget._scroll_update`` without its repaint of the whole scrollbar:
        ``_refresh_changed_rows`` repaints the bar, or after a terminal scroll its tail only."""
        self._refresh_scrollbars()
        if self.show_vertical_scrollbar and self.styles.scrollbar_size_vertical:
            bar = self.vertical_scrollbar
            bar.set_reactive(
                type(bar).window_virtual_size, size.height
            )  # no import: not before a turn
            window = self.container_size.height - self.scrollbar_size_horizontal
            bar.set_reactive(type(bar).window_size, window)
            self._bar_stale = True
        self.scroll_y = self.validate_scroll_y(self.scroll_y)

    def _requeue_polish(self, ctx: RenderContext) -> None:
        """After a width or theme change: polish again, the turns in view first."""
        self._polish.clear()
        top = bisect_right(self._offsets, self.scroll_offset.y) - 1
        order = list(range(max(0, top), len(self._turns))) + list(range(0, max(0, top)))
        for index in order:
            view = self._turns[index]
            for part in view.blocks:
                if isinstance(part, BlockPart) and part.needs_polish(ctx):
                    self._polish.append((view, part))

    # -- drawing ---------------------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        # The width and offset once per pass, not per row (each a chain of Textual properties:
        # about a tenth of a frame's compositing when every row is drawn).
        self._pass = (self.scrollable_content_region.width, self.scroll_offset.y)
        try:
            return super().render_lines(crop)
        finally:
            self._pass = None

    def render_line(self, y: int) -> Strip:
        ctx = self._ctx
        width, top = self._pass or (self.scrollable_content_region.width, self.scroll_offset.y)
        if ctx is None:
            return Strip.blank(width, self.rich_style)
        line_y = top + y
        strip: Strip | None = None
        if 0 <= line_y < self._height:
            index = bisect_right(self._offsets, line_y) - 1
            found = self._turns[index].locate(line_y - self._offsets[index])
            if found is not None:
                part, within = found
                was_cached = part.cached_lines > 0
                strip = part.line(within, ctx)
                if not was_cached and not part.live:
                    self._cache.touch(part)
                    if isinstance(part, BlockPart) and part.needs_polish(ctx):
                        self._polish.appendleft((self._turns[index], part))
        if strip is None:
            return Strip.blank(width, ctx.base)
        if strip.cell_length != width:
            strip = strip.crop_extend(0, width, ctx.base)
        return strip

    # -- following the tail, clicks, keys --------------------------------------------------

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        if self._following:  # _refresh_changed_rows repaints what moved, or everything
            if self.show_vertical_scrollbar:
                bar = self.vertical_scrollbar
                bar.set_reactive(type(bar).position, new_value)
                self._bar_stale = True
            # Textual's cache of drawn lines is by row: _refresh_changed_rows moves it with the
            # rows the terminal moves, or repaints (and so clears) it all.
        else:  # scrolled by a person or a key: everything is repainted, nothing compared
            super().watch_scroll_y(old_value, new_value)
            self._shown = None
        self._follow = new_value >= self.max_scroll_y

    def watch_show_vertical_scrollbar(self, shown: bool) -> None:
        # The view can scroll (following the tail) before the layout that shows the scrollbar:
        # ScrollView then moved no thumb, and the bar appeared with its thumb at the top.
        if shown:
            self.vertical_scrollbar.position = self.scroll_y

    def on_resize(self, event: events.Resize) -> None:
        self._relayout(self._render_context())

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or not self._turns:
            return
        line_y = self.scroll_offset.y + offset.y
        if not 0 <= line_y < self._height:
            return
        index = bisect_right(self._offsets, line_y) - 1
        view = self._turns[index]
        found = view.locate(line_y - self._offsets[index])
        if found is not None and isinstance(found[0], ReasoningPart) and found[1] == 0:
            self.toggle_reasoning(view.turn_id)

    def action_toggle_reasoning(self) -> None:
        self.toggle_reasoning()
