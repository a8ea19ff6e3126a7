"""Timeouts and retries: the policy values, and the watchdog that enforces the timeouts."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass


@dataclass(slots=True, frozen=True)
class Timeouts:
    connect_s: float = 10.0
    first_token_s: float = 120.0  # request sent -> first text (big prompts on local servers)
    stall_s: float = 30.0  # between chunks once the answer has started


@dataclass(slots=True, frozen=True)
class RetryPolicy:
    """Retries happen only before the first token."""

    max_retries: int = 2
    max_wait_s: float = 10.0  # a 429 asking for longer is reported, not waited out
    backoff_s: float = 0.5


class Watchdog:
    """First-token and stall timeouts at no cost per event.

    One timer; each event only moves ``deadline``. When the timer fires it re-arms for the
    new deadline, or, if the stream is really waiting on the network past it, cancels the
    task (``take_timeout`` then turns that cancellation into a timeout error). A consumer
    that is slow between events is never mistaken for a stalled server.
    """

    __slots__ = ("_fired", "_handle", "_loop", "_task", "deadline", "reading")

    def __init__(self, loop: asyncio.AbstractEventLoop, deadline: float) -> None:
        self._loop = loop
        self._task = asyncio.current_task()
        self.deadline = deadline
        self.reading = False
        self._fired = False
        self._handle: asyncio.TimerHandle | None = loop.call_at(deadline, self._check)

    def _check(self) -> None:
        now = self._loop.time()
        if self.reading and now >= self.deadline and self._task is not None:
            self._fired = True
            self._handle = None
            self._task.cancel()
            return
        when = self.deadline if now < self.deadline else now + 1.0
        self._handle = self._loop.call_at(when, self._check)

    def arm(self, deadline: float) -> None:
        self.cancel()
        self.deadline = deadline
        self._handle = self._loop.call_at(deadline, self._check)

    def take_timeout(self) -> bool:
        """True when the cancellation came from this watchdog (and is now absorbed)."""
        if not self._fired or self._task is None:
            return False
        self._fired = False
        return self._task.uncancel() == 0

    def cancel(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
