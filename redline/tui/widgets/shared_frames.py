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
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from redline.tui.widgets.transcript import Transcript


def due(soon: asyncio.TimerHandle | None, at: float) -> bool:
    """Whether a draw scheduled (``soon``) for loop time ``at`` is due now."""
    if soon is None:
        return False
    try:
        return asyncio.get_running_loop().time() >= at
    except RuntimeError:
        return False


class SharedFrames:
    """The owner (the race screen) calls ``tick`` on its timer; the transcripts join on mount."""

    def __init__(self, *, frame_s: float = 1 / 60, polish_budget_s: float = 0.006) -> None:
        self.frame_s = frame_s  # new text is drawn as soon as the last frame is this old
        self.polish_budget_s = polish_budget_s  # per frame, for every member together
        self.members: list[Transcript] = []
        self.ticks = 0
        self._soon: asyncio.TimerHandle | None = None
        self._soon_at = 0.0
        self._last_tick = 0.0
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
        if self._soon is not None:
            self._soon.cancel()
            self._soon = None
        try:
            self._last_tick = asyncio.get_running_loop().time()
        except RuntimeError:
            pass
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
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # not in the app's loop (a test feeding a handle directly)
            return
        at = loop.time() if now else max(loop.time(), self._last_tick + self.frame_s)
        if self._soon is not None:
            if self._soon_at <= at:
                return
            self._soon.cancel()
        self._soon_at = at
        self._soon = loop.call_at(at, self.tick)

    def draw_due(self) -> bool:
        """A frame of new text is due now (polishing gives way to it)."""
        return due(self._soon, self._soon_at)

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
