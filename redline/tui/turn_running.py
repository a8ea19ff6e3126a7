"""Running turns from the app: one at a time, queued prompts after, esc to interrupt.

The network work happens in ``TurnLoop`` (plain asyncio); the app only starts it in a task,
hands the transcript's cheap ``push`` as the sink, and saves each finished turn.
"""

from __future__ import annotations

import asyncio
from typing import Any

from textual import work

from redline.backends.events import Event, StreamError, TextDelta
from redline.backends.meter import MeterReading
from redline.tui._base import SWITCH_HINT, AppBase
from redline.tui.context_commands import turn_context, update_estimate
from redline.tui.loop import Turn, TurnLoop
from redline.tui.slash import ParsedSlash, parse_slash

HINTED_KINDS = ("auth", "config", "rate_limit", "network")


class TurnRunning(AppBase):
    def handle_prompt(self, text: str) -> None:
        """What the prompt sent: a slash command, or a prompt for the model."""
        parsed = parse_slash(text)
        if parsed is not None:
            self.run_slash(parsed)
            return
        if self._turn_task is not None:
            self._queue.append(text)
            self._status(activity=self._activity())
            self.notify("Queued: it is sent when the current answer ends (esc stops that one).")
            return
        self.run_turn(text)

    def run_slash_text(self, text: str) -> None:
        parsed = parse_slash(text)
        if parsed is not None:
            self.run_slash(parsed)

    def run_slash(self, parsed: ParsedSlash) -> None:
        command = self.slash.get(parsed.name)
        if command is None:
            self.notify(f"No command /{parsed.name}. Type / to see them all.", severity="warning")
            return
        result = command.run(self, parsed.arg)  # type: ignore[arg-type]
        if asyncio.iscoroutine(result):
            self.run_worker(result, group="slash")

    @property
    def turn_running(self) -> bool:
        return self._turn_task is not None

    def action_interrupt(self) -> None:
        """Esc: cancel the streaming task; the loop keeps the partial answer, marked interrupted."""
        if self._turn_task is not None and not self._turn_task.done():
            self._turn_task.cancel()

    @work(group="turn")
    async def run_turn(self, prompt: str) -> None:
        task = asyncio.create_task(self._stream_turn(prompt))
        self._turn_task = task
        self._streaming(True)
        try:
            turn = await asyncio.shield(task)
        except asyncio.CancelledError:
            if not task.done():  # the app is closing: stop the stream too
                task.cancel()
                raise
            turn = None  # cancelled before the backend was ready: nothing to keep
        finally:
            self._turn_task = None
            self._streaming(False)
            update_estimate(self)  # the status bar's figure and the context panel
        if turn is not None and turn in self.conversation.turns:
            await self._save(turn)
            self.edits_reviewable(turn, self._turn_blocks)
            if self.options.auto_apply:
                from redline.tui.edit_commands import apply_turn

                await apply_turn(self, turn, quiet_without_edits=True)
        await self.close_retired_backends()
        self.refresh_git_state()  # the turn may have committed
        if self._queue:
            self.run_turn(self._queue.pop(0))

    async def _stream_turn(self, prompt: str) -> Turn:
        await self._backend_ready.wait()
        self._turn_count += 1
        backend = self.backend
        provider = getattr(backend, "name", None) or self.options.provider or "no backend"
        model = getattr(backend, "model", None) or "-"
        handle = self.transcript.start_turn(self._turn_count, prompt, provider, model)
        if backend is None:
            error = StreamError("config", f"{self.backend_error or 'No backend.'} {SWITCH_HINT}")
            turn = Turn(prompt, provider, model, error=error)
            handle.finish(turn)
            return turn
        loop = self._loop_for(backend)
        handle.attach_meter(LoopMeter(loop))
        push = handle.push
        from redline.tui.edit_commands import EditCards  # slow import: not before first paint

        cards = EditCards(handle, loop.edit_format)
        self._turn_blocks = cards.blocks

        def sink(event: Event) -> None:
            push(with_hint(event) if type(event) is StreamError else event)
            if type(event) is TextDelta:
                cards.feed(event.text)

        try:
            turn = await loop.run(prompt, sink=sink)
        except asyncio.CancelledError:
            turn = self._interrupted(prompt, provider, model)
        except Exception as exc:  # a bug below us: a sentence in the turn, never a traceback
            turn = self._latest(prompt, provider, model)
            turn.error = StreamError(
                "protocol", f"redline failed on this turn ({exc.__class__.__name__}: {exc})."
            )
        if turn.error is not None:
            turn.error = with_hint(turn.error)
        cards.finish()
        handle.finish(turn)
        return turn

    def _interrupted(self, prompt: str, provider: str, model: str) -> Turn:
        """The loop re-raised the cancellation: the turn it was writing, marked interrupted."""
        turn = self._latest(prompt, provider, model)
        turn.interrupted = True
        return turn

    def _latest(self, prompt: str, provider: str, model: str) -> Turn:
        """The turn the loop was writing when it raised (or a new one if it had not begun)."""
        turns = self.conversation.turns
        return turns[-1] if turns and turns[-1].prompt == prompt else Turn(prompt, provider, model)

    def _loop_for(self, backend: Any) -> TurnLoop:
        if self.turn_loop is None:
            self.turn_loop = TurnLoop(
                backend,
                self.conversation,
                clock=self.clock,
                context=turn_context(self),
                max_tokens=getattr(self.config, "max_tokens", None),
            )
        self.turn_loop.backend = backend
        return self.turn_loop

    async def _save(self, turn: Turn) -> None:
        """Append the finished turn to the session file, off the UI loop; never fatal."""
        if self._sessions is None:
            return
        try:
            if self._session is None:
                self._session = self._sessions.create(self.options.repo_root)
            await asyncio.to_thread(self._session.append, turn)
        except OSError as exc:
            self.notify(f"Could not save the session: {exc.strerror}", severity="warning")

    def clear_conversation(self) -> None:
        self.action_interrupt()
        self._queue.clear()
        self.conversation.turns.clear()
        self._session = None  # the next turn starts a new session file
        self.transcript.clear()
        self.edits_decided(None)  # no answer left to apply, discard or fix
        self._status(context_tokens=0, activity=self._activity())


class LoopMeter:
    """The meter of the turn the loop is running now (it makes a new one per turn)."""

    def __init__(self, loop: TurnLoop) -> None:
        self._turn_loop = loop
        self._stale = loop.meter  # the previous turn's, until the loop replaces it

    def reading(self) -> MeterReading:
        meter = self._turn_loop.meter
        return MeterReading() if meter is None or meter is self._stale else meter.reading()


def with_hint(event: Any) -> Any:
    """Errors that another backend would fix: say that ctrl+b picks one."""
    if not isinstance(event, StreamError) or event.kind not in HINTED_KINDS:
        return event
    message = event.message
    if "ctrl+b" in message:
        return event
    if "/backend" in message:
        message = message.replace("/backend", "ctrl+b, /backend", 1)
    else:
        message = f"{message} {SWITCH_HINT}"
    return StreamError(event.kind, message, event.retry_after_s)
