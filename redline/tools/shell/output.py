"""A command's output: streamed chunks, and the bounded copy that goes back to the model.

The model gets the head and the tail of the output with the cut said in between (a failing test's
summary is at the end, the command's first complaint at the start). Terminal escape sequences and
carriage-return progress redraws are dropped from the model's copy; the card gets the raw chunks
and sanitises what it shows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Stream = Literal["stdout", "stderr"]

MODEL_OUTPUT_CHARS = 16_000  # what goes back to the model, head and tail together
_HEAD_SHARE = 4  # a quarter of it from the start, the rest from the end

_ESCAPES = re.compile(r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-_]")


@dataclass(frozen=True, slots=True)
class OutputChunk:
    """Text a running command wrote, as it came (decoded as UTF-8, bad bytes replaced)."""

    stream: Stream
    text: str


def for_model_text(text: str) -> str:
    """Escape sequences removed, each `\\r`-redrawn line reduced to what it finally showed."""
    text = _ESCAPES.sub("", text).replace("\r\n", "\n")
    if "\r" in text:
        text = "\n".join(line.rsplit("\r", 1)[-1] for line in text.split("\n"))
    return text


class OutputCapture:
    """Keeps the first and the last characters of everything written, counting what fell between.

    Memory stays bounded however much a command prints (`yes` for two minutes is fine).
    """

    def __init__(self, limit: int = MODEL_OUTPUT_CHARS) -> None:
        self.limit = max(limit, 64)
        self.head_limit = self.limit // _HEAD_SHARE
        self.tail_limit = self.limit - self.head_limit
        self._head: list[str] = []
        self._head_len = 0
        self._tail = ""
        self.total_chars = 0
        self.total_lines = 0

    def write(self, text: str) -> None:
        if not text:
            return
        self.total_chars += len(text)
        self.total_lines += text.count("\n")
        room = self.head_limit - self._head_len
        if room > 0:
            self._head.append(text[:room])
            self._head_len += min(room, len(text))
            text = text[room:]
        if not text:
            return
        self._tail += text
        # keep up to twice the limit before trimming, so trimming is rare
        if len(self._tail) > 2 * self.tail_limit:
            drop = len(self._tail) - self.tail_limit
            self._tail = self._tail[drop:]

    @property
    def cut_chars(self) -> int:
        kept = self._head_len + min(len(self._tail), self.tail_limit)
        return max(0, self.total_chars - kept)

    def text(self) -> str:
        """Everything when it fits, else the head, a line saying what was cut, and the tail."""
        head = "".join(self._head)
        if self.cut_chars == 0:
            return head + self._tail
        tail = self._tail[-self.tail_limit :]
        cut_lines = max(0, self.total_lines - head.count("\n") - tail.count("\n"))
        note = f"\n[... {self.cut_chars:,} characters ({cut_lines:,} lines) cut ...]\n"
        return head + note + tail
