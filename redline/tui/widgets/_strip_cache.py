"""Which transcript parts hold rendered strips, least recently used first, within a line budget."""

from __future__ import annotations

from collections import OrderedDict

from redline.tui.widgets._parts import Part


class StripCache:
    """Tracks parts holding strips; ``evict`` drops the oldest beyond ``max_lines``.

    A dropped part keeps its height and re-renders when it is drawn again, so memory stays
    bounded however long the session is.
    """

    def __init__(self, max_lines: int) -> None:
        self.max_lines = max_lines
        self._parts: OrderedDict[int, tuple[Part, int]] = OrderedDict()
        self.lines = 0

    def touch(self, part: Part) -> None:
        """``part`` was just rendered or drawn: it is the most recently used."""
        key = id(part)
        old = self._parts.pop(key, None)
        if old is not None:
            self.lines -= old[1]
        lines = part.cached_lines
        self._parts[key] = (part, lines)
        self.lines += lines

    def evict(self) -> None:
        parts = self._parts
        while self.lines > self.max_lines and parts:
            _key, (part, lines) = parts.popitem(last=False)
            part.drop()
            self.lines -= lines

    def clear(self) -> None:
        self._parts.clear()
        self.lines = 0
