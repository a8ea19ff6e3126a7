"""Server-sent events, read a network chunk at a time.

The same decoding as ``httpx_sse`` (the WHATWG event-stream rules: lines end in ``\\r\\n``, ``\\r``
or ``\\n``, a ``\\r`` at a chunk's end waits for the next chunk, ``:`` starts a comment, one space
after the colon is dropped, ``data`` lines join with ``\\n``, a blank line dispatches, an event
without its blank line at the end of the stream is dropped), but it hands over every event of a
chunk at once: one trip through the async iterators per chunk, not two per event (a line, then
an event). At 20,000 tok/s a token arrives every 50 µs; the per-event trips cost about a third
of what parsing a token took.

Only what redline reads is kept: the event name (``message`` when none is given, as the rules
say) and its data (``id`` and ``retry`` are parsed by
the rules, so they never leak into data, and otherwise ignored).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator

import httpx

Sse = tuple[str, str]  # (event name, data)


class SseDecoder:
    """Text chunks in, complete events out."""

    def __init__(self) -> None:
        self._partial = ""  # the start of a line whose end has not arrived
        self._cr = False  # the last chunk ended in "\r": a "\n" opening the next belongs to it
        self._event = ""
        self._data: list[str] = []
        self._pending = False  # a field arrived since the last dispatch (httpx_sse's rule)

    def feed(self, text: str) -> list[Sse]:
        if self._cr:
            self._cr = False
            if text.startswith("\n"):
                text = text[1:]
        if not text:
            return []
        if text[-1] == "\r":
            self._cr = True  # this "\r" ends a line; a "\n" next would be its other half
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        lines = text.split("\n")
        if self._partial:
            lines[0] = self._partial + lines[0]
        self._partial = lines.pop()  # "" when the chunk ended a line
        out: list[Sse] = []
        for line in lines:
            if not line:
                if self._pending:
                    out.append((self._event or "message", "\n".join(self._data)))
                    self._event = ""
                    self._data = []
                    self._pending = False
                continue
            if line[0] == ":":
                continue
            name, _, value = line.partition(":")
            if value[:1] == " ":
                value = value[1:]
            if name == "data":
                self._data.append(value)
                self._pending = True
            elif name == "event":
                self._event = value
                self._pending = True
            elif (name == "id" and "\0" not in value) or (name == "retry" and value.isdigit()):
                self._pending = True
        return out


async def sse_batches(response: httpx.Response) -> AsyncGenerator[list[Sse], None]:
    """The response's events, a list per network chunk (never an empty list)."""
    decoder = SseDecoder()
    async for text in response.aiter_text():
        events = decoder.feed(text)
        if events:
            yield events
