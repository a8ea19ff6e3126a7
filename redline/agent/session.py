"""A session: the conversation, the selected backend, the context set and the edit review.

Plain asyncio. Front ends (the TUI, ``redline exec``, race lanes) call it and get typed
messages back through one ``Emit`` callback; it never imports them.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from redline.agent.approval import DEFAULT_MODE, ApprovalMode
from redline.agent.backend import Backend, BackendOpener
from redline.agent.context import RepoContext
from redline.agent.conversation import Conversation, Turn, new_session_id
from redline.agent.own_commands import OwnCommands, WithOwnCommands
from redline.agent.review import EditReview
from redline.agent.window import ContextUsage, context_usage, history_tokens

if TYPE_CHECKING:  # the turn's modules load after the TUI's first paint (its warm-up thread)
    from redline.agent.compaction import Compacted, Progress
    from redline.agent.engine import TurnLoop
    from redline.agent.messages import AgentMessage, Emit
    from redline.agent.store import LoadedSession, SessionStore, SessionWriter
    from redline.backends.meter import MeterReading
    from redline.tools.context import ContextSet
    from redline.tools.shell import ShellTool


@dataclass(slots=True, frozen=True)
class BackendChange:
    """How an attempt to open a backend went: ``error`` is the backend layer's sentence."""

    error: str | None = None
    kept: Backend | None = None  # a failed switch keeps the backend in use


def _ignore(message: AgentMessage) -> None:
    """The ``Emit`` of a caller that only wants the result (``messages.ignore``, without
    importing the messages before the TUI's first frame)."""


class Session:
    def __init__(
        self,
        *,
        repo_root: Path,
        open_backend: BackendOpener,
        conversation: Conversation | None = None,
        context_set: ContextSet | None = None,
        clock: Callable[[], float] = time.perf_counter,
        edit_format: str | None = None,
        max_tokens: int | None = None,
        store: SessionStore | None = None,
        writer: SessionWriter | None = None,
        approval: ApprovalMode = DEFAULT_MODE,
        can_ask: bool = True,
        tools: bool = True,
        shell: ShellTool | Callable[[], ShellTool] | None = None,
    ) -> None:
        self.repo_root = repo_root
        self.conversation = conversation if conversation is not None else Conversation()
        self.context_set = context_set
        self.clock = clock
        self.edit_format = edit_format
        self.max_tokens = max_tokens
        self.review = EditReview(repo_root, self.conversation)
        self.review.listeners.append(self._record_decision)
        self._recording: set[asyncio.Task[None]] = set()
        self.approval: ApprovalMode = approval  # read at each tool call: changing it applies now
        self.can_ask = can_ask  # False (exec): what would ask is denied
        self.tools = tools  # False: edit-block turns only
        self.queue: list[str] = []  # prompts sent while a turn runs, in order
        self.turn_count = 0
        self.turn_loop: TurnLoop | None = None
        self.secret_names: tuple[str, ...] = ()  # configured key variables: never saved
        self._store = store
        self._writer = writer
        self._opener = open_backend
        self.backend: Backend | None = None
        self.backend_error: str | None = None
        self._ready = asyncio.Event()
        self._retired: list[Backend] = []
        self._task: asyncio.Task[Turn] | None = None
        self._compacting: asyncio.Task[Compacted] | None = None
        self.context_windows: dict[str, int] = {}  # [models."ID"] context_tokens
        # The person's `!cmd` and `/test`; the shell's modules load with the first command.
        self.own = OwnCommands(shell if shell is not None else functools.partial(_shell, repo_root))
        self._context_source: WithOwnCommands | None = None

    # --- the backend ---------------------------------------------------------------------

    async def open_backend(
        self,
        provider: str | None,
        model: str | None,
        base_url: str | None,
        reason: str | None = None,
    ) -> BackendChange:
        """Open (or switch to) a backend; the conversation is kept and re-sent to it."""
        self._ready.clear()
        try:
            backend = await self._opener(provider, model, base_url)
        except Exception as exc:  # the backend layer's sentence, never a traceback
            message = str(exc) or exc.__class__.__name__
            if self.backend is not None:
                return BackendChange(message, kept=self.backend)
            self.backend_error = message
            return BackendChange(message)
        else:
            if reason is not None:  # picked at run time, not by a flag or the config
                backend.reason = reason
            old, self.backend, self.backend_error = self.backend, backend, None
            if self.turn_loop is not None:
                self.turn_loop.backend = backend
            if old is not None and old is not backend:
                self._retired.append(old)
            if self._task is None:
                await self.close_retired_backends()
            return BackendChange()
        finally:
            self._ready.set()

    async def wait_ready(self) -> None:
        """Until the backend being opened is open (or failed to open)."""
        await self._ready.wait()

    def use_backend(self, backend: Backend) -> None:
        """A backend the caller opened itself (``redline exec``, a race lane)."""
        self.backend, self.backend_error = backend, None
        self._ready.set()

    def switch_model(self, model: str, reason: str = "picked with /model") -> Backend | None:
        """Same backend and connection, another model from the next turn on."""
        backend = self.backend
        if backend is not None:
            backend.model = model
            backend.reason = reason
        return backend

    async def close_retired_backends(self) -> None:
        """Close replaced backends once no turn streams from them."""
        retired, self._retired = self._retired, []
        for backend in retired:
            try:
                await backend.aclose()
            except Exception:
                pass  # closing is best effort

    async def aclose(self) -> None:
        await self.close_retired_backends()
        if self.backend is not None:
            await self.backend.aclose()

    # --- turns ---------------------------------------------------------------------------

    @property
    def turn_running(self) -> bool:
        """A turn streams (or `/compact` asks for its summary): prompts wait in the queue."""
        return self._task is not None or self._compacting is not None

    @property
    def compacting(self) -> bool:
        return self._compacting is not None

    def steer(self, text: str) -> None:
        """Send ``text`` to the model at the running turn's next step boundary.

        If the turn ends without another step, it becomes the next turn's prompt."""
        if self.turn_loop is not None and self._task is not None:
            self.turn_loop.steer(text)
        else:
            self.queue.append(text)

    def interrupt(self) -> None:
        """Stop the turn at once; the partial answer is kept, marked interrupted."""
        if self._task is not None and not self._task.done():
            self._task.cancel()
        if self._compacting is not None and not self._compacting.done():
            self._compacting.cancel()

    async def run_turn(self, prompt: str, emit: Emit = _ignore) -> Turn | None:
        """One turn, start to end (None: interrupted before the backend was even ready).

        Never raises for the turn's own failures: they are in ``Turn.error``."""
        return await self.finish_turn(self.start_turn(prompt, emit), emit)

    def start_turn(self, prompt: str, emit: Emit = _ignore) -> asyncio.Task[Turn]:
        """Start a turn now (``turn_running`` is true from here); ``finish_turn`` awaits it."""
        task = asyncio.create_task(self._turn(prompt, emit))
        self._task = task
        return task

    async def finish_turn(self, task: asyncio.Task[Turn], emit: Emit = _ignore) -> Turn | None:
        from redline.agent.messages import Notice

        try:
            turn = await asyncio.shield(task)
        except asyncio.CancelledError:
            if not task.done():  # our caller is closing: stop the stream too
                task.cancel()
                raise
            return None
        finally:
            self._task = None
            if self.turn_loop is not None:  # not taken at a step boundary: the next turn
                self.queue[:0] = self.turn_loop.take_steering()
        if turn in self.conversation.turns:
            problem = await self.save(turn)
            if problem is not None:
                emit(Notice(problem, "warning"))
            self.review.turn_ended(turn)
            if self._recording:  # what turn_ended decided is in the file before we return
                await asyncio.gather(*self._recording, return_exceptions=True)
        await self.close_retired_backends()
        return turn

    async def _turn(self, prompt: str, emit: Emit) -> Turn:
        from redline.agent.messages import TurnFinished, TurnStarted
        from redline.backends.events import StreamError

        await self._ready.wait()
        self.turn_count += 1
        backend = self.backend
        if backend is None:
            provider, model = "no backend", "-"
            error = StreamError("config", self.backend_error or "No backend.")
            turn = Turn(prompt, provider, model, error=error)
            emit(TurnStarted(self.turn_count, prompt, provider, model, None))
            emit(TurnFinished(turn))
            return turn
        loop = self._loop_for(backend)
        if self._context_source is not None:
            self._context_source.pending = self.own.take_shared()
        emit(
            TurnStarted(
                self.turn_count,
                prompt,
                backend.name,
                backend.model,
                loop.live_meter(),
                loop.live_split(),
            )
        )
        try:
            turn = await loop.run(prompt, emit)
        except asyncio.CancelledError:
            turn = self._latest(prompt, backend)
            turn.interrupted = True
        except Exception as exc:  # a bug below us: a sentence in the turn, never a traceback
            turn = self._latest(prompt, backend)
            turn.error = StreamError(
                "protocol", f"redline failed on this turn ({exc.__class__.__name__}: {exc})."
            )
        emit(TurnFinished(turn))
        return turn

    def _latest(self, prompt: str, backend: Backend) -> Turn:
        """The turn the loop was writing when it raised (or a new one if it had not begun)."""
        last = self.conversation.last
        if last is not None and last.prompt == prompt:
            return last
        return Turn(prompt, backend.name, backend.model)

    def earlier_steps(self) -> tuple[MeterReading, ...]:
        """The readings of the running turn's finished steps (its live cost adds them)."""
        loop = self.turn_loop
        return () if loop is None else loop.earlier

    def _loop_for(self, backend: Backend) -> TurnLoop:
        if self.turn_loop is None:
            from redline.agent.engine import TurnLoop

            inner = RepoContext(self.context_set) if self.context_set is not None else None
            context = self._context_source = WithOwnCommands(self.own, inner)
            self.turn_loop = TurnLoop(
                backend,
                self.conversation,
                clock=self.clock,
                context=context,
                edit_format=self.edit_format,
                max_tokens=self.max_tokens,
                repo_root=self.repo_root if self.tools else None,
                approval=lambda: self.approval,
                can_ask=self.can_ask,
                shell=self.own.tool,
            )
        self.turn_loop.backend = backend
        self.turn_loop.protected = self.review.protected  # protected_paths, for the read tools
        return self.turn_loop

    @property
    def session_id(self) -> str | None:
        """The id of the session file turns are appended to (None until one exists)."""
        return self._writer.id if self._writer is not None else None

    async def save(self, turn: Turn, kind: str = "turn") -> str | None:
        """Append the finished turn to the session file, off the loop; a problem is a sentence.

        ``kind`` "race-lane" records a raced answer that was not kept (not in the conversation).
        """
        if self._writer is None and self._store is None:
            return None
        files = tuple(self.context_set.added) if self.context_set is not None else ()
        try:
            if self._writer is None:
                assert self._store is not None
                self._writer = self._store.create(self.repo_root)
            self._writer.secret_names = self.secret_names
            append = functools.partial(self._writer.append, turn, kind=kind, context_files=files)
            await asyncio.to_thread(append)
        except OSError as exc:
            return f"Could not save the session: {exc.strerror}"
        return None

    def _record_decision(self, turn: Turn) -> None:
        """The session file notes what became of a saved turn's edits (off the loop)."""
        writer = self._writer
        found = [i for i, t in enumerate(self.conversation.turns) if t is turn]
        if writer is None or not found:
            return
        index = found[0]

        async def record() -> None:
            try:
                await asyncio.to_thread(writer.mark, index, turn)
            except OSError:
                pass  # the next turn's save says that the session cannot be written

        try:
            task = asyncio.get_running_loop().create_task(record())
        except RuntimeError:  # no loop (a test calling the review directly)
            return
        self._recording.add(task)
        task.add_done_callback(self._recording.discard)

    async def adopt(self, turn: Turn) -> str | None:
        """A turn run elsewhere (the kept lane of a race) joins the conversation and review."""
        self.conversation.turns.append(turn)
        self.turn_count += 1
        problem = await self.save(turn)
        self.review.turn_ended(turn)
        return problem

    def resume(self, session_id: str) -> None:
        """Keep appending to the saved session the conversation came from."""
        if self._store is not None:
            self._writer = self._store.resume(session_id)

    @property
    def store(self) -> SessionStore | None:
        return self._store

    def load(self, loaded: LoadedSession) -> None:
        """Continue a saved session instead of this conversation (no turn may be running)."""
        self.clear()
        saved = loaded.conversation
        self.conversation.turns[:] = saved.turns
        self.conversation.summary, self.conversation.summarized = saved.summary, saved.summarized
        self.conversation.summary_at = saved.summary_at
        self.resume(loaded.info.id)

    def clear(self) -> None:
        """A new conversation: the running turn stops, queued prompts and edits are dropped."""
        self.interrupt()
        self.queue.clear()
        self.conversation.turns.clear()
        self.conversation.summary, self.conversation.summarized = "", 0
        self.conversation.summary_at = 0
        self.conversation.session_id = new_session_id()  # a fresh start: no replica to keep
        self._writer = None  # the next turn starts a new session file
        self.review.decided(None)
        self.own.shared.clear()  # the person's command output waited for a message that is gone
        self.own.last_failed = None

    # --- context -------------------------------------------------------------------------

    def context_tokens(self) -> int:
        """The last request's context size (0 before the first)."""
        last = self.context_set.last if self.context_set is not None else None
        return last.tokens if last is not None else 0

    def context_estimate(self) -> int:
        """What the next request carries, roughly: history (tool steps and the summary of
        compacted turns included) plus the last context."""
        return history_tokens(self.conversation) + self.context_tokens()

    def context_usage(self) -> ContextUsage | None:
        """How full the backend's context window would be with the next request."""
        backend = self.backend
        if backend is None:
            return None
        return context_usage(
            self.conversation,
            backend.name,
            backend.model,
            self.context_tokens(),
            self.context_windows,
        )

    # --- /compact ------------------------------------------------------------------------

    async def compact(self, progress: Progress | None = None) -> Compacted | None:
        """Summarise the older turns (``redline.agent.compaction``); None when ``interrupt``
        stopped it. Raises ``CompactError`` (a sentence; nothing changed)."""
        from redline.agent.compaction import CompactError, compact_conversation

        await self._ready.wait()
        backend = self.backend
        if backend is None:
            raise CompactError(self.backend_error or "no backend is open")
        if self.turn_running:
            raise CompactError("an answer is still streaming")
        task = asyncio.create_task(
            compact_conversation(
                self.conversation,
                backend,
                progress,
                context_tokens=self.context_tokens(),
                configured=self.context_windows,
            )
        )
        self._compacting = task
        try:
            done = await asyncio.shield(task)
        except asyncio.CancelledError:
            if not task.done():  # our caller is closing: stop asking too
                task.cancel()
                raise
            return None
        finally:
            self._compacting = None
        return replace(done, problem=await self._save_summary(backend))

    async def _save_summary(self, backend: Backend) -> str | None:
        if self._writer is None:
            return None
        conversation = self.conversation
        self._writer.secret_names = self.secret_names
        append = functools.partial(
            self._writer.append_summary, conversation, backend.name, backend.model
        )
        try:
            await asyncio.to_thread(append)
        except OSError as exc:
            return f"Could not save the summary in the session file: {exc.strerror}"
        return None


def _shell(repo_root: Path) -> ShellTool:
    from redline.tools.shell import ShellTool

    return ShellTool(repo_root)
