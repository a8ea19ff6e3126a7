"""No screen line is a reference cycle: what redline's frames leave is freed without the GC."""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from redline.tui import strip_cycles
from redline.tui.render_lines import RenderContext, code_strips, fit


@contextmanager
def _saved_garbage() -> Iterator[list[object]]:
    """What the cyclic collector would have to free from the block's work (collected here)."""
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    found: list[object] = []
    try:
        yield found
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        found.extend(gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if was_enabled:
            gc.enable()


def _strips_in(garbage: list[object]) -> int:
    return sum(1 for thing in garbage if isinstance(thing, Strip))


def _line(text: str = "hello world") -> Strip:
    return Strip([Segment(text, Style(bold=True))], len(text))


def test_a_line_divided_whole_is_itself_and_does_not_hold_itself() -> None:
    assert strip_cycles.installed()
    strip = _line()
    before = sys.getrefcount(strip)
    assert strip.divide([strip.cell_length]) == [strip]
    assert strip.divide([strip.cell_length, strip.cell_length + 3]) == [strip]
    assert sys.getrefcount(strip) == before  # Textual's own divide caches [strip] in strip


def test_other_divisions_are_textuals_own() -> None:
    strip = _line()
    for cuts in ([3, 11], [5], [0, 4, 11], [2, 20]):
        ours = [s.text for s in strip.divide(cuts)]
        textuals = [s.text for s in strip_cycles._textual_divide(_line(), cuts)]
        assert ours == textuals


def _draw_lines(count: int) -> None:
    for _ in range(count):
        line = _line()
        line.divide([line.cell_length])  # what the compositor does with every line it draws


def test_drawn_lines_leave_no_cyclic_garbage() -> None:
    with _saved_garbage() as garbage:
        _draw_lines(20)
    assert _strips_in(garbage) == 0


def test_textuals_divide_would_have_left_every_line_behind() -> None:
    """The check above can fail: with Textual's method each drawn line is a cycle."""
    strip_cycles.uninstall()
    try:
        with _saved_garbage() as garbage:
            _draw_lines(20)
    finally:
        strip_cycles.install()
    assert _strips_in(garbage) == 20


def test_wrapped_code_rows_are_no_cycles() -> None:
    console = Console(width=30, color_system="truecolor", force_terminal=True)
    ctx = RenderContext(console, 30, Style(), Style(dim=True), "monokai")
    lines = ["x = " + "1234567890" * 9, "short"]
    with _saved_garbage() as garbage:
        strips = code_strips(lines, ctx)
        assert len(strips) > 3 and all(s.cell_length == 30 for s in strips)
        del strips
    assert _strips_in(garbage) == 0


def test_fit_pads_crops_or_keeps() -> None:
    style = Style(dim=True)
    assert fit(_line("abc"), 5, style).text == "abc  "
    assert fit(_line("abcdefg"), 5, style).text == "abcde"
    same = _line("abcde")
    assert fit(same, 5, style) is same
