"""The redline Textual application: owns the conversation, the backend and the turn loop."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen

from redline.backends.events import Event, StreamError
from redline.themes import DEFAULT_THEME, load_themes
from redline.tui.backend_choices import local_choices, preset_choices, probe_local_servers
from redline.tui.builtin_commands import default_registry
from redline.tui.git_state import GitState, read_git_state
from redline.tui.loop import Conversation, Turn
from redline.tui.messages import GitStateRead
from redline.tui.palette import RedlineCommands
from redline.tui.screens.backend_picker import BackendPickerScreen
from redline.tui.screens.help import HelpScreen
from redline.tui.screens.main import MainScreen
from redline.tui.screens.model_picker import ModelPickerScreen
from redline.tui.sessions import LoadedSession, SessionStore, SessionWriter
from redline.tui.slash import ParsedSlash, parse_slash
from redline.tui.widgets.completion_menu import Completion
from redline.tui.widgets.prompt import CompletionSource
from redline.tui.widgets.status_bar import StatusBar
from redline.tui.widgets.turn_placeholder import PlaceholderTranscript

Clock = Callable[[], float]
BackendOpener = Callable[[str | None, str | None, str | None], Awaitable[Any]]

SWITCH_HINT = "Press ctrl+b or type /backend to pick another backend."


@dataclass(slots=True, frozen=True)
class AppOptions:
    """What the command line asked for."""

    provider: str | None = None
    model: str | None = None
    base_url: str | None = None
    resume: str | None = None
    auto_apply: bool = False
    repo_root: Path = field(default_factory=Path.cwd)


class RedlineApp(App[None]):
    TITLE = "redline"
    CSS = ""
    COMMANDS: ClassVar = App.COMMANDS | {RedlineCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "interrupt", "Interrupt"),
        Binding("ctrl+b", "pick_backend", "Backend"),
        Binding("ctrl+o", "pick_model", "Model"),
        Binding("f1", "help", "Help"),
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]

    def __init__(
        self,
        options: AppOptions | None = None,
        *,
        open_backend: BackendOpener | None = None,
        clock: Clock = time.perf_counter,
        cursor_blink: bool = True,
        completion_sources: dict[str, CompletionSource] | None = None,
        read_git: Callable[[Path], GitState] = read_git_state,
        sessions: SessionStore | None = None,
        resumed: LoadedSession | None = None,
    ) -> None:
        super().__init__()
        self.options = options or AppOptions()
        self.clock = clock
        self.cursor_blink = cursor_blink
        self._open_backend_fn = open_backend or _default_opener
        self._read_git = read_git
        self.slash = default_registry()
        self.conversation = resumed.conversation if resumed else Conversation()
        self._sessions = sessions
        self._resumed = resumed
        self._session: SessionWriter | None = None
        self.prompt_history: list[str] = []
        self.completion_sources: dict[str, CompletionSource] = {"/": self._complete_slash}
        self.completion_sources.update(completion_sources or {})
        self.backend: Any = None
        self.backend_error: str | None = None
        self._backend_ready = asyncio.Event()
        self._loop: Any = None
        self._turn_task: asyncio.Task[Turn] | None = None
        self._queue: list[str] = []
        self._retired: list[Any] = []
        self._local_servers: list[tuple[str, str]] | None = None
        self._turn_count = 0
        for theme in load_themes():
            self.register_theme(theme)
        self.theme = DEFAULT_THEME

    # --- start-up ------------------------------------------------------------------------

    def get_default_screen(self) -> Screen[Any]:
        return MainScreen()

    def on_mount(self) -> None:
        if self._resumed is not None:
            self._show_resumed(self._resumed)
        self.open_backend(self.options.provider, self.options.model, self.options.base_url)
        self.refresh_git_state()

    def _show_resumed(self, session: LoadedSession) -> None:
        transcript = self.query_one(PlaceholderTranscript)
        for turn in session.conversation.turns:
            self._turn_count += 1
            self.prompt_history.append(turn.prompt)
            handle = transcript.start_turn(
                self._turn_count, provider=turn.provider, model=turn.model, prompt=turn.prompt
            )
            handle.finish(turn)
        if self._sessions is not None:
            self._session = self._sessions.resume(session.info.id)
        self._status(context_tokens=self._context_estimate())
        self.notify(f"Resumed {session.info.id} ({session.info.turns} turns).")

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

    @work(thread=True, exclusive=True, group="git")
    def refresh_git_state(self) -> None:
        self.post_message(GitStateRead(self._read_git(self.options.repo_root)))

    def on_git_state_read(self, message: GitStateRead) -> None:
        self._status(git=message.state)

    # --- backend -------------------------------------------------------------------------

    @work(exclusive=True, group="backend")
    async def open_backend(
        self, provider: str | None, model: str | None, base_url: str | None
    ) -> None:
        self._backend_ready.clear()
        self._status(backend=f"opening {provider or 'backend'}…", reason="")
        try:
            backend = await self._open_backend_fn(provider, model, base_url)
        except Exception as exc:  # the backend layer's sentence, never a traceback
            self.backend_error = str(exc) or exc.__class__.__name__
            self._status(backend="no backend", reason=self.backend_error)
            self.notify(self.backend_error, title="Backend", severity="error")
        else:
            old, self.backend, self.backend_error = self.backend, backend, None
            if self._loop is not None:
                self._loop.backend = backend
            self._status(backend=_label(backend), reason=getattr(backend, "reason", ""))
            if old is not None and old is not backend:
                self._retired.append(old)
            if self._turn_task is None:
                await self._close_retired()
        finally:
            self._backend_ready.set()

    async def _close_retired(self) -> None:
        """Close replaced backends once no turn streams from them."""
        retired, self._retired = self._retired, []
        for backend in retired:
            await _close_backend(backend)

    async def on_unmount(self) -> None:
        if self.backend is not None:
            self._retired.append(self.backend)
            self.backend = None
        await self._close_retired()

    def switch_backend(self, provider: str, model: str | None = None) -> None:
        """Use ``provider`` from the next turn on; the conversation is kept and re-sent."""
        self.open_backend(provider, model, None)

    def switch_model(self, model: str) -> None:
        provider = getattr(self.backend, "name", None) or self.options.provider
        base_url = getattr(self.backend, "base_url", None) or self.options.base_url
        self.open_backend(provider, model, base_url)

    # --- prompts and turns ---------------------------------------------------------------

    def handle_prompt(self, text: str) -> None:
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
        result = command.run(self, parsed.arg)
        if asyncio.iscoroutine(result):
            self.run_worker(result, group="slash")

    @work(group="turn")
    async def run_turn(self, prompt: str) -> None:
        task = asyncio.create_task(self._stream_turn(prompt))
        self._turn_task = task
        self._status(activity=self._activity())
        try:
            turn = await asyncio.shield(task)
        except asyncio.CancelledError:
            if not task.done():  # the app is closing: stop the stream too
                task.cancel()
                raise
        else:
            if turn in self.conversation.turns:
                await self._save(turn)
        finally:
            self._turn_task = None
            self._status(activity=self._activity(), context_tokens=self._context_estimate())
        await self._close_retired()
        if self._queue:
            self.run_turn(self._queue.pop(0))

    async def _stream_turn(self, prompt: str) -> Turn:
        await self._backend_ready.wait()
        self._turn_count += 1
        transcript = self.query_one(PlaceholderTranscript)
        backend = self.backend
        provider = getattr(backend, "name", None) or self.options.provider or "none"
        model = getattr(backend, "model", None) or "-"
        handle = transcript.start_turn(
            self._turn_count, provider=provider, model=model, prompt=prompt
        )
        if backend is None:
            error = StreamError("config", f"{self.backend_error or 'No backend.'} {SWITCH_HINT}")
            turn = Turn(prompt, provider, model, error=error)
            handle.finish(turn)
            return turn
        loop = self._turn_loop(backend)
        meter_given = False

        def sink(event: Event) -> None:
            nonlocal meter_given
            if not meter_given and getattr(loop, "meter", None) is not None:
                handle.set_meter(loop.meter)
                meter_given = True
            handle.push(_with_hint(event))

        try:
            turn = await loop.run(prompt, sink=sink)
        except asyncio.CancelledError:
            turn = self._interrupted(prompt, provider, model)
        turn.error = _with_hint(turn.error) if turn.error is not None else None
        handle.finish(turn)
        return turn

    def _interrupted(self, prompt: str, provider: str, model: str) -> Turn:
        """The loop re-raised the cancellation: find (or make) the turn it was writing."""
        turns = self.conversation.turns
        if turns and turns[-1].prompt == prompt:
            turn = turns[-1]
        else:
            turn = Turn(prompt, provider, model)
        turn.interrupted = True
        return turn

    def _turn_loop(self, backend: Any) -> Any:
        if self._loop is None:
            from redline.tui.loop import TurnLoop  # type: ignore[attr-defined]

            self._loop = TurnLoop(backend, self.conversation, clock=self.clock)
        self._loop.backend = backend
        return self._loop

    @property
    def turn_running(self) -> bool:
        return self._turn_task is not None

    def action_interrupt(self) -> None:
        if self._turn_task is not None and not self._turn_task.done():
            self._turn_task.cancel()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "interrupt":
            return self._turn_task is not None
        return True

    def clear_conversation(self) -> None:
        self.action_interrupt()
        self._queue.clear()
        self.conversation.turns.clear()
        self._session = None  # the next turn starts a new session file
        self.query_one(PlaceholderTranscript).clear_turns()
        self._status(context_tokens=0, activity=self._activity())

    # --- screens and themes --------------------------------------------------------------

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    def action_pick_backend(self) -> None:
        current = getattr(self.backend, "name", None)
        choices = preset_choices(_presets(), os.environ, current)
        probing = self._local_servers is None and _probing_allowed()
        if self._local_servers:
            choices += local_choices(self._local_servers, current)
        screen = BackendPickerScreen(choices, probing=probing)
        self.push_screen(screen, self._picked_backend)
        if probing:
            self.detect_local_servers(screen)

    def _picked_backend(self, name: str | None) -> None:
        if name and name != getattr(self.backend, "name", None):
            self.switch_backend(name)

    @work(exclusive=True, group="probe")
    async def detect_local_servers(self, screen: BackendPickerScreen) -> None:
        try:
            found = await asyncio.wait_for(probe_local_servers(_presets()), timeout=2.0)
        except (TimeoutError, OSError):
            found = []
        self._local_servers = found
        if screen.is_attached:
            screen.add_local_servers(local_choices(found, getattr(self.backend, "name", None)))

    def action_pick_model(self) -> None:
        backend = self.backend
        if backend is None:
            self.notify(f"No backend to ask for models. {SWITCH_HINT}", severity="warning")
            return
        screen = ModelPickerScreen(
            _label(backend), getattr(backend, "model", None), self._list_models
        )
        self.push_screen(screen, self._picked_model)

    async def _list_models(self) -> list[str]:
        client = getattr(self.backend, "client", None)
        if client is None:
            raise RuntimeError("this backend cannot list its models")
        models: list[str] = await asyncio.wait_for(client.list_models(), timeout=10.0)
        return models

    def _picked_model(self, model: str | None) -> None:
        if model and model != getattr(self.backend, "model", None):
            self.switch_model(model)

    def redline_theme_names(self) -> list[str]:
        return [name for name in self.available_themes if name.startswith("redline-")]

    def set_theme(self, name: str) -> None:
        if name not in self.available_themes:
            names = ", ".join(self.redline_theme_names())
            self.notify(f"No theme {name!r}. Try one of: {names}.", severity="warning")
            return
        self.theme = name

    def help_bindings(self) -> list[Binding]:
        return [b for b in self.BINDINGS if isinstance(b, Binding) and b.description]

    # --- helpers -------------------------------------------------------------------------

    def _complete_slash(self, word: str) -> list[Completion]:
        return [
            Completion(
                value=f"/{c.name} " if c.args else f"/{c.name}",
                label=f"/{c.name}" + (f" {c.args}" if c.args else ""),
                help=c.help,
                submit=not c.args,
            )
            for c in self.slash.complete(word[1:])
        ]

    def _activity(self) -> str:
        parts = []
        if self._turn_task is not None:
            parts.append("streaming · esc stops")
        if self._queue:
            parts.append(f"{len(self._queue)} queued")
        return " · ".join(parts)

    def _context_estimate(self) -> int:
        chars = sum(len(t.prompt) + len(t.text) for t in self.conversation.turns)
        return chars // 4

    def _status(self, **changes: Any) -> None:
        try:
            bar = self.query_one(StatusBar)
        except Exception:
            return  # not mounted yet (or shutting down)
        bar.set(**changes)


def _label(backend: Any) -> str:
    return f"{getattr(backend, 'name', '?')} · {getattr(backend, 'model', '?')}"


def _with_hint(event: Any) -> Any:
    if (
        isinstance(event, StreamError)
        and event.kind in ("auth", "config")
        and SWITCH_HINT not in event.message
    ):
        return StreamError(event.kind, f"{event.message} {SWITCH_HINT}", event.retry_after_s)
    return event


async def _close_backend(backend: Any) -> None:
    close = getattr(backend, "aclose", None) or getattr(
        getattr(backend, "client", None), "aclose", None
    )
    if close is not None:
        try:
            await close()
        except Exception:
            pass  # closing is best effort


async def _default_opener(provider: str | None, model: str | None, base_url: str | None) -> Any:
    from redline.backends import selection  # type: ignore[attr-defined]

    return await selection.open_backend(provider, model, base_url, None)


def _presets() -> list[Any]:
    from redline.backends.presets import PRESETS  # type: ignore[import-not-found]

    return list(PRESETS.values())


def _probing_allowed() -> bool:
    return os.environ.get("REDLINE_NO_PROBE", "") not in ("1", "true", "yes")
