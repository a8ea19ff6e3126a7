"""The transcript's scrollbar: Textual's, drawn again only when what it shows changes.

Textual renders a scrollbar whole (a Rich render of every row) whenever any of it is marked
dirty. While the transcript follows a stream its scrollbar is marked dirty every frame (the
terminal moved its column with the rows), yet its thumb moves by whole eighths of a cell, so
most frames would draw exactly what is already drawn: about 1 ms of a 4 ms frame for a
40-row view. The drawing depends only on what ``ScrollBar.render`` returns and the bar's
size; when the thumb's eighths and everything else are unchanged, the last drawing is kept.
"""

from __future__ import annotations

from math import ceil

from textual.scrollbar import ScrollBar, ScrollBarRender


def thumb_eighths(bar: ScrollBarRender, size: int) -> tuple[int, int] | None:
    """Where ``ScrollBarRender.render_bar`` puts the thumb, in eighths of a cell (None: no
    thumb), by its own arithmetic."""
    virtual, window, position = bar.virtual_size, bar.window_size, bar.position
    if not (window and size and virtual and size != virtual) or virtual == window:
        return None
    thumb = max(1, window / (virtual / size))
    start = int((size - thumb) * (position / (virtual - window)) * 8)
    return start, start + ceil(thumb * 8)


class TailScrollBar(ScrollBar):
    _drawn: tuple[object, ...] | None = None

    def _render_content(self) -> None:
        renderable = self.render()
        if type(renderable) is not ScrollBarRender:  # another renderer: always drawn
            self._drawn = None
            super()._render_content()
            return
        size = self.size
        key = (
            size,
            thumb_eighths(renderable, size.height if renderable.vertical else size.width),
            renderable.vertical,
            renderable.thickness,
            renderable.style,
            self.visual_style,
        )
        if key == self._drawn and self._render_cache.size == size:
            self._dirty_regions.clear()  # what Widget._render_content leaves behind
            return
        super()._render_content()
        self._drawn = key
