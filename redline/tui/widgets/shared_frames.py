"""One frame clock for several transcripts: a race's lanes tick, draw and polish together.

A transcript on its own ticks on its own timer, draws new text as soon as its last frame is
``FRAME_S`` old, and polishes finished blocks for up to its budget after every tick. Four
lanes doing that each drew their own frames (up to four screen updates where one would do)
and polished for four budgets a tick: at 2,000 tok/s a lane, the UI thread ran flat out and
the frames came further apart. Lanes given one ``SharedFrames`` tick in the same call (one
frame shows every lane's new text), and share one polish budget a frame, taken in turn (the
lane whose turn it is polishes one step at least, so none waits for ever).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from redline.tui.widgets.transcript import Transcript


class FrameTimer:
    """When the next frame is drawn: as soon as the last one is ``frame_s`` old, or at once.

    One per lone transcript and one per ``SharedFrames``: ``schedule`` asks for a frame (an
    earlier request wins), ``ticked`` marks one drawn (it cancels the request it made
    redundant), ``due`` says whether a requested frame's time has come (polishing gives way).
    """

    __slots__ = ("_callback", "at", "frame_s", "handle", "last")

    def __init__(self, frame_s: float, callback: Callable[[], None]) -> None:
        self.frame_s = frame_s
        self._callback = callback
        self.handle: asyncio.Handle | None = None
        self.at = 0.0  # loop time the requested frame is for
        self.last = 0.0  # loop time of the last frame

    def schedule(self, *, now: bool = False) -> float | None:
        """Ask for a frame; the delay until it, or None (one as early is already asked for, or
        no loop runs here: a test feeding a handle directly)."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return None
        at = loop.time() if now else max(loop.time(), self.last + self.frame_s)
        if self.handle is not None:
            if self.at <= at:
                return None
            self.handle.cancel()
        self.at = at
        # At once: ahead of whatever is already waiting for the loop, the stream's next read
        # among them (a timer due now would run after the task that asked for it resumes).
        self.handle = loop.call_soon(self._fire) if now else loop.call_at(at, self._fire)
        return at - loop.time()

    def _fire(self) -> None:
        self.handle = None
        self._callback()

    def ticked(self) -> None:
        if self.handle is not None:  # this frame draws what it was asked for
            self.handle.cancel()
            self.handle = None
        try:
            self.last = asyncio.get_running_loop().time()
        except RuntimeError:
            pass

    def due(self) -> bool:
        if self.handle is None:
            return False
        try:
            return asyncio.get_running_loop().time() >= self.at
        except RuntimeError:
            return False


class SharedFrames:
    """The owner (the race screen) calls ``tick`` on its timer; the transcripts join on mount."""

    def __init__(self, *, frame_s: float = 1 / 60, polish_budget_s: float = 0.006) -> None:
        self.frame_s = frame_s  # new text is drawn as soon as the last frame is this old
        self.polish_budget_s = polish_budget_s  # per frame, for every member together
        self.members: list[Transcript] = []
        self.ticks = 0
        self._frame = FrameTimer(frame_s, self.tick)
        self._polish_scheduled = False
        self._turn = 0  # whose polish comes first in the next slice

    def join(self, transcript: Transcript) -> None:
        if transcript not in self.members:
            self.members.append(transcript)

    def leave(self, transcript: Transcript) -> None:
        if transcript in self.members:
            self.members.remove(transcript)

    def tick(self) -> None:
        """One frame: every member drains its buffers, lays out and refreshes."""
        self._frame.ticked()
        self.ticks += 1
        for transcript in list(self.members):
            if transcript.is_attached:
                transcript._tick()
        waiting = [t for t in self.members if t.pending_polish and t.is_attached]
        if waiting:
            self.polish_soon(waiting[0])

    def draw_soon(self, *, now: bool = False) -> None:
        """Tick as soon as the last frame is ``frame_s`` old (at once for ``now``: a lane's
        first text, the end of its stream), as a lone transcript does for itself."""
        self._frame.schedule(now=now)

    def draw_due(self) -> bool:
        """A frame of new text is due now (polishing gives way to it)."""
        return self._frame.due()

    def polish_soon(self, member: Transcript) -> None:
        """One polish slice once the screen has drawn this frame (its new text goes first)."""
        if not self._polish_scheduled:
            self._polish_scheduled = True
            member.call_after_refresh(self._polish_slice)

    def _polish_slice(self) -> None:
        self._polish_scheduled = False
        members = [t for t in self.members if t.is_attached and t.pending_polish]
        if not members:
            return
        start = self._turn % len(members)
        self._turn += 1
        deadline = time.perf_counter() + self.polish_budget_s
        first, *others = members[start:] + members[:start]
        first._polish_slice(max(0.0, deadline - time.perf_counter()))  # a step at least
        for transcript in others:
            left = deadline - time.perf_counter()
            if left <= 0:
                break
            transcript._polish_slice(left)
