"""The pieces a turn in the transcript is drawn from, each caching its own strips.

A part renders to a list of ``Strip``s for a ``RenderContext`` and keeps them until the
context changes (width, theme). Its height stays known after its strips are dropped to bound
memory; asking for a line again re-renders it. Private to the transcript widget.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Self

from rich.console import RenderableType
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

from redline.tui.blocks import Block, OpenBlock
from redline.tui.render_lines import (
    RenderContext,
    code_line,
    code_rows,
    code_strips,
    fit,
    markdown_strips,
    needs_markdown,
    plain_strips,
    rich_strips,
    strip_of,
    syntax_strips,
)

REASONING_STYLE = Style(italic=True, dim=True)


def blank(ctx: RenderContext) -> Strip:
    return strip_of("", ctx.width, ctx.base)


class Part:
    """A run of lines; subclasses say how to render them."""

    __slots__ = ("_key", "_strips", "height")

    live = False  # still changing every tick (never evicted from the strip cache)

    def __init__(self) -> None:
        self._key: tuple[int, int] | None = None
        self._strips: list[Strip] | None = None
        self.height = 0

    def render(self, ctx: RenderContext) -> list[Strip]:
        raise NotImplementedError

    def ensure(self, ctx: RenderContext) -> bool:
        """Render if the context changed or the strips were dropped; True if it did."""
        if self._strips is not None and self._key == ctx.key:
            return False
        self._strips = self.render(ctx)
        self._key = ctx.key
        self.height = len(self._strips)
        return True

    def stale(self, ctx: RenderContext) -> bool:
        return self._key != ctx.key

    def line(self, index: int, ctx: RenderContext) -> Strip | None:
        if self._strips is None:
            self.ensure(ctx)
        strips = self._strips
        assert strips is not None
        return strips[index] if 0 <= index < len(strips) else None

    def cached_line(self, index: int) -> object:
        """The strip at ``index`` if it is cached, else a new object (never renders)."""
        strips = self._strips
        if strips is None or not 0 <= index < len(strips):
            return object()
        return strips[index]

    def drop(self) -> int:
        """Forget the strips (the height stays); returns how many lines were freed."""
        freed = len(self._strips) if self._strips is not None else 0
        self._strips = None
        return freed

    @property
    def cached_lines(self) -> int:
        return len(self._strips) if self._strips is not None else 0

    def invalidate(self) -> None:
        self._key = None


class RenderablePart(Part):
    """Lines drawn by a function of the context (headers, footers, diff cards)."""

    __slots__ = ("_draw",)

    def __init__(self, draw: Callable[[RenderContext], list[Strip]]) -> None:
        super().__init__()
        self._draw = draw

    def render(self, ctx: RenderContext) -> list[Strip]:
        return self._draw(ctx)

    def redraw(self, draw: Callable[[RenderContext], list[Strip]]) -> None:
        self._draw = draw
        self.invalidate()

    @classmethod
    def of(cls, content: RenderableType | list[Strip]) -> Self:
        """A part for a rich renderable or for ready-made strips (``TurnHandle.add_block``)."""
        if isinstance(content, list):
            strips = content
            return cls(lambda ctx: [fit(s, ctx.width, ctx.base) for s in strips])
        renderable = content
        return cls(lambda ctx: rich_strips(renderable, ctx))


CODE_CHUNK = 16  # lines highlighted per polish step (about 4 ms: within the polish budget)
MAX_POLISH_CHARS = 200_000  # a bigger block stays plain: Markdown or highlighting would stall
MAX_BLOCK_LINES = 5_000  # lines drawn per block; the rest is folded under one note


def folded(lines: list[str]) -> tuple[list[str], int]:
    """The lines to draw and how many were folded away."""
    if len(lines) <= MAX_BLOCK_LINES:
        return lines, 0
    return lines[:MAX_BLOCK_LINES], len(lines) - MAX_BLOCK_LINES


def fold_note(hidden: int, ctx: RenderContext) -> list[Strip]:
    note = f"… {hidden:,} more lines not shown here (the whole answer is kept in the session)"
    return plain_strips([note], ctx, ctx.dim)


def chunk_end(lines: list[str], start: int) -> int:
    """Where a highlighting chunk starting at ``start`` should end: a top-level line if near."""
    end = start + CODE_CHUNK
    if end >= len(lines):
        return len(lines)
    for index in range(end, start + CODE_CHUNK // 2, -1):
        line = lines[index]
        if line and not line[0].isspace() and not lines[index - 1].strip():
            return index
    return end


class BlockPart(Part):
    """A finished block: plain at first, its final rendering once polished.

    Code is highlighted in chunks of about ``CODE_CHUNK`` lines (one per ``polish_step``);
    its height never changes, so the view does not jump while colour arrives.
    """

    __slots__ = ("_done_lines", "_done_rows", "_seed", "block", "polished", "want_polish")

    def __init__(self, block: Block) -> None:
        super().__init__()
        self.block = block
        self.polished = False
        # What the live tail drew of this block while it was open (see ``TailPart.hand_over``).
        self._seed: tuple[list[Strip], int, str, list[Strip], tuple[int, int]] | None = None
        self.want_polish = len(block.text) <= MAX_POLISH_CHARS and (
            block.kind == "code" or needs_markdown(block.text)
        )
        self._done_lines = 0  # code lines highlighted so far
        self._done_rows = 0  # the rows they take (a long line wraps onto several)

    def render(self, ctx: RenderContext) -> list[Strip]:
        """The block's lines and one blank line after it (the blank line of the source)."""
        block = self.block
        if self.polished and block.kind == "text":
            return [*(markdown_strips(block.text, ctx) or [blank(ctx)]), blank(ctx)]
        lines = block.text.split("\n")
        if self.polished and len(lines) <= CODE_CHUNK:
            return [*syntax_strips(block.text, block.lang, ctx), blank(ctx)]
        self.polished = False  # a big code block: plain now, highlighted again step by step
        self._done_lines = 0
        render = code_strips if block.kind == "code" else plain_strips
        shown, hidden = folded(lines)
        if hidden:
            return [*render(shown, ctx), *fold_note(hidden, ctx), blank(ctx)]
        seed, self._seed = self._seed, None
        if seed is not None and seed[4] == ctx.key:
            done, count, partial, partial_strips, _ = seed
            rest = lines[count:]
            if rest and partial_strips and rest[0] == partial:
                return [*done, *partial_strips, *render(rest[1:], ctx), blank(ctx)]
            return [*done, *render(rest, ctx), blank(ctx)]
        return [*render(lines, ctx), blank(ctx)]

    def seed(
        self,
        done: list[Strip],
        count: int,
        partial: str,
        partial_strips: list[Strip],
        key: tuple[int, int],
    ) -> None:
        """Start (at ``key``) from the strips the live tail drew: ``done`` for the first
        ``count`` lines, ``partial_strips`` for a line reading ``partial``. Plain rendering is
        line by line, so they are what ``render`` would draw, and as the same objects the rows
        they are on need no repaint when the block closes (a 40-line list closing at 2,000
        tok/s repainted 30 rows, about 4 ms of compositing at the end of the stream)."""
        if self._strips is None:  # TailPart.hand_over checked that the text is the same
            self._seed = (done, count, partial, partial_strips, key)

    def needs_polish(self, ctx: RenderContext) -> bool:
        return self.want_polish and (not self.polished or self._key != ctx.key)

    def polish_step(self, ctx: RenderContext) -> bool:
        """Render (the next chunk of) the final form; True once the block is complete."""
        if self._key != ctx.key or self._strips is None:
            self.polished = False
            self._strips = None
            self.ensure(ctx)
        block = self.block
        if block.kind == "text":
            self.polished = True
            self._strips = None
            self.ensure(ctx)
            return True
        strips = self._strips
        assert strips is not None
        lines = block.text.split("\n")
        start = self._done_lines
        end = chunk_end(lines, start)
        chunk = syntax_strips("\n".join(lines[start:end]), block.lang, ctx)
        first = 0 if start == 0 else self._done_rows
        rows = sum(code_rows(code_line(line), ctx.width) for line in lines[start:end])
        if len(chunk) == rows and first + rows <= len(strips):
            strips[first : first + rows] = chunk  # long lines wrap: rows, not lines, both ways
        self._done_rows = first + rows
        self._done_lines = end
        self.polished = end >= len(lines)
        return self.polished

    def ensure(self, ctx: RenderContext) -> bool:
        if self._key is not None and self._key != ctx.key:
            self.polished = False  # new width: show plain now, polish again lazily
        return super().ensure(ctx)


class TailPart(Part):
    """The open block, rendered line by line as it grows; complete lines are cached."""

    __slots__ = ("_done", "_open", "_partial", "_partial_text", "_rendered")

    live = True

    def __init__(self) -> None:
        super().__init__()
        self._open: OpenBlock | None = None
        self._done: list[Strip] = []  # strips of the open block's complete lines
        self._rendered = 0  # how many of its complete lines are in ``_done``
        self._partial: list[Strip] = []
        self._partial_text = ""  # the partial line ``_partial`` shows

    def update(self, open_block: OpenBlock, ctx: RenderContext, *, reserve: bool = False) -> None:
        """Catch up with ``open_block`` (only new lines and the partial line are rendered).

        ``reserve``: an empty tail still takes one blank line (a turn waiting for its first
        text), so that text replaces a row instead of scrolling the whole view by one."""
        if open_block is not self._open or self._key != ctx.key:
            self._open = open_block
            self._done = []
            self._rendered = 0
            self._key = ctx.key
        render = code_strips if open_block.kind == "code" else plain_strips
        if len(open_block.lines) > self._rendered and self._rendered < MAX_BLOCK_LINES:
            upto = min(len(open_block.lines), MAX_BLOCK_LINES)
            self._done.extend(render(open_block.lines[self._rendered : upto], ctx))
            self._rendered = upto
        hidden = len(open_block.lines) - self._rendered
        if hidden:  # folded while it streams: one note line, counting
            self._partial = fold_note(hidden + bool(open_block.partial), ctx)
            self._partial_text = ""
        else:
            self._partial = render([open_block.partial], ctx) if open_block.partial else []
            self._partial_text = open_block.partial
        if reserve and not self._done and not self._partial:
            self._partial = [blank(ctx)]
            self._partial_text = ""
        self.height = len(self._done) + len(self._partial)

    def hand_over(self, shown: OpenBlock, part: BlockPart) -> None:
        """``shown``, the block this tail drew, closed into ``part``: it starts from these
        strips (the same text, kind and context, or nothing is handed over)."""
        if (
            shown is not self._open
            or self._key is None
            or not self._rendered
            or self._rendered >= MAX_BLOCK_LINES
            or part.block.kind != shown.kind
            or part.block.text != "\n".join(shown.lines)
        ):
            return
        part.seed(self._done[:], self._rendered, self._partial_text, self._partial, self._key)

    def ensure(self, ctx: RenderContext) -> bool:
        return False

    def cached_line(self, index: int) -> Strip | None:
        done = self._done
        if index < len(done):
            return done[index]
        index -= len(done)
        return self._partial[index] if 0 <= index < len(self._partial) else None

    def line(self, index: int, ctx: RenderContext) -> Strip | None:
        return self.cached_line(index)  # never renders: ``update`` did

    def clear(self) -> None:
        self._open = None
        self._done = []
        self._rendered = 0
        self._partial = []
        self._partial_text = ""
        self.height = 0

    def drop(self) -> int:
        return 0

    @property
    def cached_lines(self) -> int:
        return len(self._done) + len(self._partial)


def reasoning_title(tokens: int, exact: bool, expanded: bool) -> Text:
    arrow = "▾" if expanded else "▸"
    approx = "" if exact else "~"
    return Text(f"{arrow} reasoning ({approx}{tokens:,} tokens)", style="dim")


class ReasoningPart(Part):
    """One line ("▸ reasoning (~123 tokens)") that expands to the reasoning text."""

    __slots__ = ("chunks", "counted", "exact_tokens", "expanded", "text")

    live = True

    def __init__(self) -> None:
        super().__init__()
        self.chunks: list[str] = []
        self.text = ""
        self.expanded = False
        self.exact_tokens: int | None = None
        self.counted: int | None = None  # the meter's estimate, better than length / 4

    def append(self, text: str) -> None:
        self.chunks.append(text)
        self._key = None

    def toggle(self) -> None:
        self.expanded = not self.expanded
        self._key = None

    def count(self, tokens: int, exact: bool) -> None:
        """The meter's count of reasoning tokens (exact once the server sent usage)."""
        if exact:
            self.exact_tokens = tokens
        elif tokens != self.counted:
            self.counted = tokens
            self._key = None

    @property
    def tokens(self) -> int:
        if self.chunks:
            self.text += "".join(self.chunks)
            self.chunks = []
        if self.exact_tokens:
            return self.exact_tokens
        return self.counted or (len(self.text) + 3) // 4

    def render(self, ctx: RenderContext) -> list[Strip]:
        title = reasoning_title(self.tokens, bool(self.exact_tokens), self.expanded)
        strips = rich_strips(title, ctx)
        if self.expanded:
            strips.extend(plain_strips(self.text.strip("\n").split("\n"), ctx, REASONING_STYLE))
            strips.append(blank(ctx))
        return strips
