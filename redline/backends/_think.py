"""Split inline ``<think>...</think>`` reasoning out of answer text, across chunk boundaries.

Models served without a reasoning parser (DeepSeek-R1, Qwen3 on some local servers) put their
reasoning at the start of ``content`` between think tags. Only a tag at the very start of the
answer (after whitespace) opens reasoning, so an answer that merely mentions ``<think>`` is
left alone. Once the answer proper has started, text passes through untouched (the fast path).
"""

from __future__ import annotations

from redline.backends.events import Event, ReasoningDelta, TextDelta

_OPEN = "<think>"
_CLOSE = "</think>"

_START, _THINK, _AFTER, _TEXT = 0, 1, 2, 3


class ThinkSplitter:
    __slots__ = ("_pending", "_state")

    @property
    def passthrough(self) -> bool:
        """True once the answer proper has started: text needs no more looking at."""
        return self._state == _TEXT and not self._pending

    def __init__(self) -> None:
        self._state = _START
        self._pending = ""

    def feed(self, text: str, out: list[Event]) -> None:
        if self._state == _TEXT:
            out.append(TextDelta(text))
            return
        if self._state == _AFTER:
            text = text.lstrip("\n")
            if text:
                self._state = _TEXT
                out.append(TextDelta(text))
            return
        text = self._pending + text
        self._pending = ""
        if self._state == _START:
            stripped = text.lstrip()
            if not stripped or (len(stripped) < len(_OPEN) and _OPEN.startswith(stripped)):
                self._pending = text  # could still become "<think>"
                return
            if not stripped.startswith(_OPEN):
                self._state = _TEXT
                out.append(TextDelta(text))
                return
            self._state = _THINK
            text = stripped[len(_OPEN) :]
        self._feed_think(text, out)

    def _feed_think(self, text: str, out: list[Event]) -> None:
        end = text.find(_CLOSE)
        if end >= 0:
            if end:
                out.append(ReasoningDelta(text[:end]))
            self._state = _AFTER
            self.feed(text[end + len(_CLOSE) :], out)
            return
        # Keep a tail that might be the start of "</think>" for the next chunk.
        keep = 0
        for k in range(min(len(_CLOSE) - 1, len(text)), 0, -1):
            if _CLOSE.startswith(text[-k:]):
                keep = k
                break
        if keep:
            self._pending = text[-keep:]
            text = text[:-keep]
        if text:
            out.append(ReasoningDelta(text))

    def flush(self, out: list[Event]) -> None:
        """End of stream: whatever is held back is shown as it was."""
        if self._pending:
            if self._state == _THINK:
                out.append(ReasoningDelta(self._pending))
            else:
                out.append(TextDelta(self._pending))
            self._pending = ""
