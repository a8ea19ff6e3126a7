"""Turn text and rich renderables into Textual ``Strip``s at a given width.

The transcript renders with these: a fast plain path for text that is still streaming (and
for paragraphs with no Markdown in them), and rich Markdown / Syntax for finished blocks.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.console import Console, RenderableType
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

from redline.safety.terminal import for_terminal, is_safe, one_line
from redline.tui import strip_cycles

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from pygments.lexer import Lexer

strip_cycles.install()  # every screen line drawn is no longer a reference cycle

# Markdown, pygments and rich's Syntax are imported on first use (or by ``warm_up`` in a thread
# after the first paint): they cost a few hundred milliseconds that the first frame never needs.

# Paragraphs free of these render the same as plain text, so they skip rich Markdown.
_MARKDOWN_SIGNS = re.compile(r"[*_`\[\]<>#|\\~]|^\s*(?:[-+]\s|\d+[.)]\s|>)|https?://", re.M)


@dataclass(slots=True, frozen=True)
class RenderContext:
    """Everything a rendering depends on; a different ``key`` means re-render."""

    console: Console
    width: int
    base: Style  # the transcript's own colours
    dim: Style
    code_theme: str
    generation: int = 0  # bumped when styles or theme change

    @property
    def key(self) -> tuple[int, int]:
        return (self.width, self.generation)

    def code_background(self) -> Style:
        return _code_background(self.code_theme)


@cache
def _code_background(theme: str) -> Style:
    from rich.syntax import Syntax

    return Syntax.get_theme(theme).get_background_style()


# Huge answers stay responsive: a line past this many characters is cut with a note, so one
# 50 MB line costs no more to draw than a long one.
MAX_LINE_CHARS = 10_000


def fold_line(line: str) -> str:
    if len(line) <= MAX_LINE_CHARS:
        return line
    return f"{line[:MAX_LINE_CHARS]} … ({len(line) - MAX_LINE_CHARS:,} more characters not shown)"


def clean(line: str) -> str:
    """One line made safe for the terminal (no escapes, invisible characters shown) with tabs
    expanded, so cell widths are right."""
    if "\t" in line:
        line = line.expandtabs(4)
    return line if is_safe(line) else one_line(line)


def wrap(line: str, width: int) -> list[str]:
    """Word-wrap one line to ``width`` cells (a fast path for ASCII, rich for the rest)."""
    width = max(1, width)
    if line.isascii():
        if len(line) <= width:
            return [line]
        rows: list[str] = []
        while len(line) > width:
            cut = line.rfind(" ", 0, width + 1)
            if cut <= 0:
                rows.append(line[:width])
                line = line[width:]
            else:
                rows.append(line[:cut])
                line = line[cut + 1 :]
        rows.append(line)
        return rows
    if cell_len(line) <= width:
        return [line]
    console = Console(width=width, file=None, legacy_windows=False, color_system=None)
    return [row.plain for row in Text(line).wrap(console, width)] or [""]


def fit(strip: Strip, width: int, style: Style | None) -> Strip:
    """``strip`` cropped or padded to ``width`` cells.

    Not ``Strip.crop_extend`` on a strip already ``width`` wide: that caches the strip in its
    own cache, a reference cycle only the cyclic collector frees (paused while text streams,
    so every such line's strips and caches piled up for one long collection at the end).
    """
    return strip if strip.cell_length == width else strip.crop_extend(0, width, style)


def strip_of(text: str, width: int, style: Style) -> Strip:
    """One padded line of a single style."""
    length = cell_len(text)
    if length > width:
        return Strip([Segment(text, style)], length).crop(0, width)
    return Strip([Segment(text + " " * (width - length), style)], width)


def plain_strips(lines: list[str], ctx: RenderContext, style: Style | None = None) -> list[Strip]:
    """Wrapped plain text, one or more strips per source line."""
    style = ctx.base if style is None else ctx.base + style
    width = ctx.width
    strips: list[Strip] = []
    for line in lines:
        for row in wrap(clean(fold_line(line)), width):
            strips.append(strip_of(row, width, style))
    return strips


CONTINUATION = "↪"  # starts each row a long code line wrapped onto: nothing is hidden


def code_line(line: str) -> str:
    """A code line as drawn (safe, tabs expanded, a huge one cut with a note)."""
    return clean(fold_line(line))


def code_rows(text: str, width: int) -> int:
    """Rows a drawn code line takes at ``width``: one column goes to the margin or marker."""
    room = max(1, width - 1)
    length = len(text) if text.isascii() else cell_len(text)
    return max(1, -(-length // room))


def _chop(text: str, room: int) -> list[str]:
    if text.isascii():
        return [text[i : i + room] for i in range(0, len(text), room)] or [""]
    from rich.cells import chop_cells

    return chop_cells(text, room) or [""]


def code_strips(lines: list[str], ctx: RenderContext) -> list[Strip]:
    """Code as it streams, on the code theme's background; a line wider than the view wraps,
    each further row marked with ``CONTINUATION`` (``code_rows`` rows per line)."""
    style = ctx.base + ctx.code_background()
    width = ctx.width
    room = max(1, width - 1)
    strips: list[Strip] = []
    for line in lines:
        text = code_line(line)
        if code_rows(text, width) == 1:
            strips.append(strip_of(" " + text, width, style))
            continue
        rows = _chop(text, room)
        strips.append(strip_of(" " + rows[0], width, style))
        strips.extend(_continued(row, width, style, ctx.dim) for row in rows[1:])
    return strips


def _continued(row: str, width: int, style: Style, dim: Style) -> Strip:
    pad = " " * max(0, width - 1 - cell_len(row))
    segments = [Segment(CONTINUATION, style + dim), Segment(row + pad, style)]
    return fit(Strip(segments), width, style)


def rich_strips(
    renderable: RenderableType, ctx: RenderContext, *, trim: bool = False
) -> list[Strip]:
    """Any rich renderable at the context width; ``trim`` drops blank edge lines."""
    options = ctx.console.options.update_width(ctx.width).update(highlight=False)
    lines = ctx.console.render_lines(renderable, options, style=ctx.base, pad=True)
    strips = [_safe_strip(line, ctx.width) for line in lines]
    if trim:
        while strips and not strips[0].text.strip():
            strips.pop(0)
        while strips and not strips[-1].text.strip():
            strips.pop()
    return strips


def _safe_strip(segments: list[Segment], width: int) -> Strip:
    """The last guard before the screen: whatever a renderable was built from, no segment
    carries a control sequence (rich control segments are dropped)."""
    if all(seg.control is None and is_safe(seg.text) for seg in segments):
        return Strip(segments, width)
    safe = [Segment(one_line(seg.text), seg.style) for seg in segments if seg.control is None]
    return fit(Strip(safe), width, None)


def needs_markdown(text: str) -> bool:
    """Whether rich Markdown would render ``text`` differently from plain wrapping."""
    return _MARKDOWN_SIGNS.search(text) is not None or "\n" in text.strip()


@cache
def _markdown_parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt().enable("strikethrough").enable("table")


@cache
def _markdown_class() -> Any:
    from rich.markdown import Markdown

    class _Markdown(Markdown):
        """rich's Markdown with one shared parser (rich builds one per instance, ~1.5 ms)."""

        def __init__(self, markup: str, code_theme: str) -> None:
            self.markup = markup
            self.parsed = _markdown_parser().parse(markup)
            self.code_theme = code_theme
            self.justify = None
            self.style = "none"
            self.hyperlinks = True
            self.inline_code_lexer = None
            self.inline_code_theme = code_theme

    return _Markdown


@cache
def lexer_for(lang: str) -> Lexer | str:
    """One pygments lexer per language name, built once (building one costs milliseconds)."""
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    # pygments builds a lexer class's token tables on its first instance, filling a shared
    # dict as it goes: the warm-up thread and the UI thread must not do that at once (the
    # other would tokenise with half a table).
    with _LEXER_LOCK:
        try:
            return get_lexer_by_name(lang or "text")
        except ClassNotFound:
            return "text"


_LEXER_LOCK = threading.Lock()


def markdown_strips(text: str, ctx: RenderContext) -> list[Strip]:
    return rich_strips(_markdown_class()(for_terminal(text), ctx.code_theme), ctx, trim=True)


def syntax_strips(code: str, lang: str, ctx: RenderContext) -> list[Strip]:
    """Highlighted code, wrapped exactly as ``code_strips`` wraps it (same rows per line)."""
    if not code:
        return code_strips([""], ctx)
    from rich.syntax import Syntax

    lines = [code_line(line) for line in code.split("\n")]
    width = ctx.width
    rows = [code_rows(text, width) for text in lines]
    widest = max(cell_len(text) for text in lines)
    syntax = Syntax(
        for_terminal("\n".join(lines)),
        lexer_for(lang.lower()),
        theme=ctx.code_theme,
        word_wrap=False,
        padding=0,
        code_width=max(1, widest),
    )
    wide = RenderContext(ctx.console, max(1, widest), ctx.base, ctx.dim, ctx.code_theme)
    drawn = rich_strips(syntax, wide)
    if len(drawn) != len(lines):  # the lexer saw other lines than these: the plain version
        return code_strips(code.split("\n"), ctx)
    style = ctx.base + ctx.code_background()
    room = max(1, width - 1)
    strips: list[Strip] = []
    for strip, count in zip(drawn, rows, strict=True):
        for k in range(count):
            lead = Segment(" " if k == 0 else CONTINUATION, style if k == 0 else style + ctx.dim)
            part = strip.crop(k * room, (k + 1) * room)
            strips.append(fit(Strip([lead, *part]), width, style))
    return strips


WARM_LANGUAGES = ("python", "typescript", "javascript", "bash", "diff", "json", "rust", "go")


def warm_up() -> None:
    """Build the Markdown parser and common lexers ahead of time (their first use costs
    100 ms or more of regex compiling); safe to run in a thread."""
    console = Console(width=40, file=None, color_system="truecolor", force_terminal=True)
    ctx = RenderContext(console, 40, Style(), Style(dim=True), "monokai")
    markdown_strips("warm **up** `code`\n\n- item", ctx)
    for lang in WARM_LANGUAGES:
        syntax_strips("x = 1", lang, ctx)
