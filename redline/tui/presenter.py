"""Shows one turn's agent messages in the transcript.

Called from the turn's task for every message, so the stream path stays cheap: events go to
the transcript's buffer (an append), everything is drawn later on the transcript's timer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import get_args

from redline.agent import AgentMessage, EditProposed, Notice, TurnFinished, TurnStarted
from redline.backends.events import Event, StreamError
from redline.tui.widgets.transcript import Transcript, TurnHandle

SWITCH_HINT = "Press ctrl+b or type /backend to pick another backend."
HINTED_KINDS = ("auth", "config", "rate_limit", "network")
STREAM_EVENTS = frozenset(get_args(Event)) - {StreamError}


def with_hint(error: StreamError) -> StreamError:
    """Errors that another backend would fix: say that ctrl+b picks one."""
    if error.kind not in HINTED_KINDS:
        return error
    message = error.message
    if "ctrl+b" in message:
        return error
    if "/backend" in message:
        message = message.replace("/backend", "ctrl+b, /backend", 1)
    else:
        message = f"{message} {SWITCH_HINT}"
    return StreamError(error.kind, message, error.retry_after_s)


class TurnPresenter:
    def __init__(self, transcript: Transcript, say: Callable[[Notice], None]) -> None:
        self._transcript = transcript
        self._say = say
        self._handle: TurnHandle | None = None

    def __call__(self, message: AgentMessage) -> None:
        kind = type(message)
        handle = self._handle
        if kind in STREAM_EVENTS:
            if handle is not None:
                handle.push(message)  # type: ignore[arg-type]
        elif kind is StreamError:
            if handle is not None:
                handle.push(with_hint(message))  # type: ignore[arg-type]
        elif kind is TurnStarted:
            self._started(message)  # type: ignore[arg-type]
        elif kind is EditProposed:
            if handle is not None:
                from redline.tui.widgets.diff_card import diff_card  # GitPython: not at start

                block = message.block  # type: ignore[union-attr]
                handle.add_block(diff_card(block, status="failed" if block.error else "proposed"))
        elif kind is TurnFinished:
            if handle is not None:
                turn = message.turn  # type: ignore[union-attr]
                if turn.error is not None:  # kept with the turn, as the transcript shows it
                    turn.error = with_hint(turn.error)
                handle.finish(turn)
        elif kind is Notice:
            self._say(message)  # type: ignore[arg-type]

    def _started(self, message: TurnStarted) -> None:
        handle = self._transcript.start_turn(
            message.turn_id, message.prompt, message.provider, message.model
        )
        if message.meter is not None:
            handle.attach_meter(message.meter)
        self._handle = handle
