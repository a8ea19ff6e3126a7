"""State the application's parts share: options, conversation, backend, and the status bar."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from textual.app import App

from redline.tui.builtin_commands import default_registry
from redline.tui.loop import Conversation, Turn, TurnLoop
from redline.tui.sessions import LoadedSession, SessionStore, SessionWriter
from redline.tui.widgets.meter import MeterBar
from redline.tui.widgets.status_bar import StatusBar
from redline.tui.widgets.transcript import Transcript

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


class AppBase(App[None]):
    def __init__(
        self,
        options: AppOptions | None,
        *,
        config: Any,
        open_backend: BackendOpener,
        clock: Clock = time.perf_counter,
        display_clock: Clock = time.perf_counter,
        sessions: SessionStore | None = None,
        resumed: LoadedSession | None = None,
    ) -> None:
        super().__init__()
        self.options = options or AppOptions()
        self.config = config
        self.clock = clock  # the meter's
        self.display_clock = display_clock  # the transcript's (render lag)
        self.slash = default_registry(extras=False)  # the rest after first paint
        self.conversation = resumed.conversation if resumed else Conversation()
        self.prompt_history: list[str] = []
        # backend switching
        self._open_backend_fn = open_backend
        self.backend: Any = None
        self.backend_error: str | None = None
        self._backend_ready = asyncio.Event()
        self._retired: list[Any] = []
        self._local_servers: list[tuple[str, str]] | None = None
        # turns
        self.turn_loop: TurnLoop | None = None
        self._turn_task: asyncio.Task[Turn] | None = None
        self._queue: list[str] = []
        self._turn_count = 0
        self._sessions = sessions
        self._resumed = resumed
        self._session: SessionWriter | None = None
        # context: a ContextSet (see tui/context_commands.py); None sends no repository context
        self.context_set: Any = None
        # edits: the turn whose edits wait for apply/discard, and a failed edit's error for /fix
        self.review_turn: Turn | None = None
        self.edits_last_error: str | None = None
        self._turn_blocks: list[Any] = []

    @property
    def transcript(self) -> Transcript:
        return self.query_one(Transcript)

    def _status(self, **changes: Any) -> None:
        """Update the status bar, if it is there (not yet mounted, or shutting down: skip)."""
        bars = self.query(StatusBar)
        if bars:
            bars.first().set(**changes)

    async def close_retired_backends(self) -> None:
        """Close replaced backends once no turn streams from them."""
        retired, self._retired = self._retired, []
        for backend in retired:
            close = getattr(backend, "aclose", None)
            if close is None:
                close = getattr(getattr(backend, "client", None), "aclose", None)
            if close is not None:
                try:
                    await close()
                except Exception:
                    pass  # closing is best effort

    def edits_reviewable(self, turn: Turn, blocks: list[Any]) -> None:
        """A turn ended with these edit blocks; see ``EditReview``."""

    def edits_decided(self, error: str | None = None) -> None:
        """The last answer's edits were applied, tried or dropped; see ``EditReview``."""

    def refresh_git_state(self) -> Any:
        """Re-read the branch and dirty state (off the UI loop); see ``RedlineApp``."""

    def _streaming(self, on: bool) -> None:
        """The live meter line shows only while a turn streams (each turn keeps its own after).

        The line keeps its place when idle, so the transcript never changes height (and
        never loses the tail) as turns start and end.
        """
        bars = self.query(MeterBar)
        transcripts = self.query(Transcript)
        if bars and transcripts:
            bar = bars.first()
            transcripts.first().bind_meter_bar(bar if on else None)
            if not on:
                bar.blank()
        self._status(activity=self._activity())
        self.refresh_bindings()  # the edit review keys hide while a turn streams

    def _activity(self) -> str:
        parts = []
        if self._turn_task is not None:
            parts.append("streaming · esc stops")
        if self._queue:
            parts.append(f"{len(self._queue)} queued")
        return " · ".join(parts)

    def _context_estimate(self) -> int:
        from redline.tui.context_commands import context_tokens

        chars = sum(len(t.prompt) + len(t.text) for t in self.conversation.turns)
        return chars // 4 + context_tokens(self)


def backend_label(backend: Any) -> str:
    return f"{getattr(backend, 'name', '?')} · {short_model(str(getattr(backend, 'model', '?')))}"


MODEL_FILE_SUFFIXES = (".gguf", ".bin", ".safetensors", ".ggml", ".onnx", ".pt", ".pth")


def short_model(model: str) -> str:
    """The file name of a model id that is a path (llama-cpp-python reports the full path)."""
    path_like = model.startswith(("/", "~", "./", "../")) or (
        "/" in model and model.lower().endswith(MODEL_FILE_SUFFIXES)
    )
    if path_like or (len(model) > 2 and model[1] == ":" and model[2] in "\\/"):
        name = model.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
        return name or model
    return model
