"""One turn as the transcript draws it: header, reasoning, answer blocks, live tail, footer.

Private to the transcript widget. Events arrive in batches from the turn's buffer; the
answer is split into blocks as it streams, finished blocks are queued for polishing.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from typing import Protocol

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.strip import Strip

from redline.agent import Turn
from redline.backends.events import (
    Event,
    ReasoningDelta,
    StreamError,
    TextDelta,
    TextSnapshot,
    Usage,
)
from redline.backends.meter import MeterReading
from redline.tui.blocks import Block, BlockSplitter, OpenBlock
from redline.tui.prompt_text import fold_prompt
from redline.tui.render_lines import RenderContext, rich_strips
from redline.tui.stream_buffer import Clock, TurnBuffer
from redline.tui.widgets._parts import (
    BlockPart,
    Part,
    ReasoningPart,
    RenderablePart,
    TailPart,
    blank,
)
from redline.tui.widgets.edit_summary import CARD_STATUS, FileCount, edits_line, turn_counts
from redline.tui.widgets.meter import format_reading

Touch = Callable[[Part], None]


class MeterSource(Protocol):
    """What the transcript polls each tick: a ``SpeedMeter`` or anything with ``reading()``."""

    def reading(self) -> MeterReading: ...


class ExtraPart(RenderablePart):
    """A block added from outside (a diff card), followed by a blank line.

    ``anchor``: where in the answer text it belongs (an edit card: the end of its block), for
    a diffusing answer whose text arrives after the card's place in it was streamed.
    """

    __slots__ = ("anchor", "card", "count", "status")

    def __init__(self, draw: Callable[[RenderContext], list[Strip]]) -> None:
        super().__init__(draw)
        self.anchor: int | None = None
        # An edit card: drawn again by ``card(status)`` when its status changes (applied ...).
        self.card: Callable[[str], RenderableType] | None = None
        self.count: FileCount | None = None
        self.status = ""

    def show_status(self, status: str) -> None:
        if self.card is None or status == self.status:
            return
        self.status = status
        renderable = self.card(status)
        self.redraw(lambda ctx: rich_strips(renderable, ctx))

    def render(self, ctx: RenderContext) -> list[Strip]:
        return [*super().render(ctx), blank(ctx)]


class TurnView:
    """The drawing state of one turn; the transcript owns a list of these."""

    def __init__(
        self,
        turn_id: object,
        prompt: str,
        provider: str,
        model: str,
        *,
        clock: Clock,
        first: bool,
        chrome: bool = True,
    ) -> None:
        self.turn_id = turn_id
        self.chrome = chrome  # False (a race lane): no prompt header, no meter in the footer
        self.prompt = prompt
        self.provider = provider
        self.model = model
        self.first = first
        self.buffer = TurnBuffer(clock)
        self.splitter = BlockSplitter()
        self.header = RenderablePart(self._draw_header)
        self.reasoning: ReasoningPart | None = None
        self.blocks: list[Part] = []
        self.tail = TailPart()
        self.footer = RenderablePart(self._draw_footer)
        self.meter: MeterSource | None = None
        self.live = True
        self.pending_finish: Turn | None = None
        self.turn: Turn | None = None  # the finished turn (its edits' outcome is in the footer)
        self.reading: MeterReading | None = None
        self.lag_chars = 0
        self.meter_in_bar = False
        self.error: str | None = None
        self.interrupted = False
        self.split = ""  # a multi-step turn: model, tool and redline time
        self._clock = clock
        self.parts: list[Part] = []
        self.offsets: list[int] = []
        self.height = 0
        self.dirty = True
        self._footer_state: tuple[object, ...] | None = None
        # A diffusing answer: each step's snapshots replace the blocks from ``_snap_at`` on
        # (None: no snapshot segment open); ``_text_len`` counts the answer text so far.
        self._snap_at: int | None = None
        self._snap_base = 0
        self._snap_text = ""
        self._text_len = 0

    # -- applying what arrived -------------------------------------------------------------

    def apply(self, events: list[Event]) -> list[BlockPart]:
        """Apply a drained batch; returns the new finished blocks (to be polished)."""
        new: list[BlockPart] = []
        run: list[str] = []
        snapshot = False
        for event in events:
            if isinstance(event, TextDelta):
                run.append(event.text)
                continue
            if run:
                new.extend(self._add_text("".join(run)))
                run = []
            if isinstance(event, ExtraPart):  # a diff card, in its place among the text
                new.extend(self.add_extra(event))
            elif isinstance(event, ReasoningDelta):
                if self.reasoning is None:
                    self.reasoning = ReasoningPart()
                    self.dirty = True
                self.reasoning.append(event.text)
            elif isinstance(event, TextSnapshot):
                new.extend(self._replace(event.text))
                snapshot = True
            elif isinstance(event, StreamError):
                self.error = event.message
            elif isinstance(event, Usage) and event.reasoning_tokens and self.reasoning:
                self.reasoning.exact_tokens = event.reasoning_tokens
        if run:
            new.extend(self._add_text("".join(run)))
        if snapshot:  # blocks a later snapshot replaced need no polish
            shown = {id(p) for p in self.blocks}
            new = [p for p in new if id(p) in shown]
        self.dirty = True
        return new

    def _add_text(self, text: str) -> list[BlockPart]:
        new = self._end_snapshot()  # deltas after a snapshot step: a new segment of text
        self._text_len += len(text)
        shown = self.splitter.tail
        new += self._add_blocks(self.splitter.feed(text), shown)
        return new

    def _add_blocks(self, blocks: list[Block], shown: OpenBlock | None = None) -> list[BlockPart]:
        """``shown``: the open block before these closed; the first of them, if it is that
        block, starts from the rows the live tail drew for it (the same strips: not repainted)."""
        parts = [BlockPart(block) for block in blocks]
        if shown is not None and parts:
            self.tail.hand_over(shown, parts[0])
        self.blocks.extend(parts)
        return parts

    def _replace(self, text: str) -> list[BlockPart]:
        """A whole-text snapshot: the step's text so far. Blocks that did not change are kept,
        the rest replaced; text before the step (earlier steps, their cards) stays."""
        new: list[BlockPart] = []
        if self._snap_at is None:
            new = self._add_blocks(self.splitter.close())  # an earlier step's open block
            self._snap_at = len(self.blocks)
            self._snap_base = self._text_len
        start = self._snap_at
        splitter = BlockSplitter()
        blocks = splitter.feed(text)
        old = [p for p in self.blocks[start:] if isinstance(p, BlockPart)]
        cards = [p for p in self.blocks[start:] if not isinstance(p, BlockPart)]
        keep = 0
        while keep < min(len(old), len(blocks)) and old[keep].block == blocks[keep]:
            keep += 1
        fresh = [BlockPart(block) for block in blocks[keep:]]
        self.blocks[start:] = [*old[:keep], *fresh, *cards]
        self.splitter = splitter
        self._snap_text = text
        self._text_len = self._snap_base + len(text)
        return new + fresh

    def _end_snapshot(self) -> list[BlockPart]:
        """A snapshot step is over: its last open block is finished where it stands."""
        if self._snap_at is None:
            return []
        self._snap_at = None
        return self._add_blocks(self.splitter.close())

    def add_extra(self, part: ExtraPart) -> list[BlockPart]:
        """Append ``part``; an anchored card of a diffusing step goes after its text instead."""
        self.dirty = True
        start = self._snap_at
        anchor = part.anchor
        if start is not None and anchor is not None:
            local = anchor - self._snap_base
            if 0 <= local <= len(self._snap_text):
                before = len(BlockSplitter().feed(self._snap_text[:local]))
                self.blocks.insert(self._after_blocks(start, before), part)
                return []
        new = self._end_snapshot()
        self.blocks.append(part)
        return new

    def _after_blocks(self, start: int, count: int) -> int:
        """The index just past ``count`` text blocks from ``start`` (and cards placed there)."""
        index = start
        seen = 0
        blocks = self.blocks
        while index < len(blocks) and (seen < count or not isinstance(blocks[index], BlockPart)):
            if isinstance(blocks[index], BlockPart):
                seen += 1
            index += 1
        return index

    def finish(self, turn: Turn) -> list[BlockPart]:
        """The stream ended: close the open block and settle the footer's state.

        A turn that streamed nothing here (a resumed session) shows ``turn``'s own text.
        """
        new: list[BlockPart] = []
        if not self.blocks and self.splitter.tail.empty and turn.text:
            new = self._add_blocks(self.splitter.feed(turn.text))
        if self.reasoning is None and turn.reasoning:
            self.reasoning = ReasoningPart()
            self.reasoning.append(turn.reasoning)
        shown = self.splitter.tail
        new += self._add_blocks(self.splitter.close(), shown)
        self.tail.clear()
        self.live = False
        self.turn = turn
        self.interrupted = turn.interrupted
        if turn.error is not None:
            self.error = turn.error.message
        timing = turn.timing
        if timing is not None and len(timing.steps) > 1:  # where a multi-step turn's time went
            self.split = (
                f"{len(timing.steps)} steps · model {timing.model_ms / 1000:.2f} s · "
                f"tools {timing.tool_ms / 1000:.2f} s · redline {timing.overhead_ms:,.0f} ms"
            )
        if turn.reading is not None:
            self.reading = turn.reading
        elif self.meter is not None:
            self.reading = self.meter.reading()
        self._count_reasoning()
        self.lag_chars = 0
        self.dirty = True
        return new

    def poll_meter(self, lag_chars: int) -> None:
        if self.meter is not None:
            self.reading = self.meter.reading()
            self._count_reasoning()
        self.lag_chars = lag_chars

    def _count_reasoning(self) -> None:
        reading = self.reading
        if self.reasoning is not None and reading is not None and reading.reasoning_tokens:
            self.reasoning.count(reading.reasoning_tokens, exact=False)  # exact: from Usage

    # -- drawing ---------------------------------------------------------------------------

    def _draw_header(self, ctx: RenderContext) -> list[Strip]:
        if not self.chrome:
            return []
        grid = Table.grid(expand=True, padding=(0, 1))
        grid.add_column(ratio=1)
        grid.add_column(justify="right", no_wrap=True)
        shown, folded = fold_prompt(self.prompt)  # a 2,000-line paste is not echoed whole
        prompt = Text.assemble(("❯ ", "bold magenta"), (shown, "bold"))
        if folded:
            prompt.append(f"\n{folded}", style="dim italic")
        label = (
            f"{self.provider} · {self.model}" if self.provider else ""
        )  # race lanes: in the title
        grid.add_row(prompt, Text(label, style="dim"))
        strips = [] if self.first else [blank(ctx)]
        strips.extend(rich_strips(grid, ctx))
        return strips

    def footer_renderable(self) -> RenderableType | None:
        lines: list[Text] = []
        # While streaming, a bound meter bar shows the live figures; the footer keeps the final ones.
        show_meter = self.chrome and not (self.live and self.meter_in_bar)
        if show_meter and (self.reading is not None or (self.live and self.meter is not None)):
            meter = format_reading(self.reading, self.lag_chars)
            if self.interrupted:
                meter = Text.assemble(("⏸ interrupted", "bold yellow"), (" · ", "dim"), meter)
                meter.no_wrap = True
                meter.overflow = "ellipsis"
            lines.append(meter)
        elif self.interrupted:
            lines.append(Text("⏸ interrupted", style="bold yellow"))
        if self.split:  # set by ``finish``: shown once the turn has ended, not while it streams
            lines.append(Text(self.split, style="dim"))
        if self.error:
            lines.append(Text(f"✗ {self.error}", style="bold red"))
        edits = self._edits_line()
        if edits is not None:
            lines.append(edits)
        if not lines:
            return None
        return lines[0] if len(lines) == 1 else Group(*lines)

    def cards(self) -> list[ExtraPart]:
        return [p for p in self.blocks if isinstance(p, ExtraPart) and p.card is not None]

    def _edits_line(self) -> Text | None:
        turn = self.turn
        if self.live or turn is None:
            return None
        cards = self.cards()
        counts = [c.count for c in cards if c.count is not None and c.status != "failed"]
        if not cards:
            counts = turn_counts(turn)  # a resumed turn: no cards were drawn
        waiting = turn.finished and bool(turn.edits) and any(c.status == "proposed" for c in cards)
        return edits_line(turn, counts, waiting)

    def edits_decided(self, status: str) -> None:
        """The turn's edits were applied, discarded or undone: its cards and footer say so."""
        word = CARD_STATUS.get(status, status)
        for card in self.cards():
            if card.status in ("proposed", "applied", "not applied"):
                card.show_status(word)
        self.refresh_footer()
        self.dirty = True

    def _draw_footer(self, ctx: RenderContext) -> list[Strip]:
        renderable = self.footer_renderable()
        return [] if renderable is None else rich_strips(renderable, ctx)

    def refresh_footer(self) -> bool:
        """Redraw the footer if what it shows changed; True when it did."""
        state = (
            self.reading,
            self.lag_chars,
            self.error,
            self.interrupted,
            self.live,
            self.meter_in_bar,
            None if self.turn is None else (self.turn.edit_status, self.turn.commit),
            () if self.live else tuple(c.status for c in self.cards()),
            self.split,
        )
        if state == self._footer_state:
            return False
        self._footer_state = state
        self.footer.invalidate()
        self.dirty = True
        return True

    def layout(self, ctx: RenderContext, touch: Touch) -> int:
        """Bring every part up to ``ctx`` (rendering only what is stale); returns the height."""
        parts: list[Part] = [self.header]
        if self.reasoning is not None:
            parts.append(self.reasoning)
        parts.extend(self.blocks)
        if self.live:  # before its first text, the turn keeps the row that text will take
            waiting = not self.blocks and self.reasoning is None
            self.tail.update(self.splitter.tail, ctx, reserve=waiting)
            parts.append(self.tail)
        parts.append(self.footer)
        offsets: list[int] = []
        y = 0
        for part in parts:
            if part.stale(ctx) and part.ensure(ctx):
                touch(part)
            offsets.append(y)
            y += part.height
        self.parts = parts
        self.offsets = offsets
        self.height = y
        self.dirty = False
        return y

    def locate(self, y: int) -> tuple[Part, int] | None:
        """The part drawn at line ``y`` of this turn and the line within it."""
        if not 0 <= y < self.height:
            return None
        index = bisect_right(self.offsets, y) - 1
        return self.parts[index], y - self.offsets[index]
