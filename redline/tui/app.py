"""The redline Textual application: keys, screens, themes, start-up.

Turn running lives in ``turn_running.py`` and backend switching in ``backend_switching.py``;
the state they share in ``_base.py``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.theme import Theme

from redline.themes import DEFAULT_THEME, load_themes
from redline.tui._base import AppOptions, BackendOpener, Clock
from redline.tui.backend_switching import BackendSwitching
from redline.tui.builtin_commands import extra_commands
from redline.tui.context_commands import at_completions, start_indexing
from redline.tui.edit_review import REVIEW_BINDINGS, EditReview
from redline.tui.git_state import GitState, read_git_state
from redline.tui.messages import GitStateRead
from redline.tui.palette import RedlineCommands
from redline.tui.screens.help import HelpScreen
from redline.tui.screens.main import MainScreen
from redline.tui.sessions import LoadedSession, SessionStore
from redline.tui.widgets.completion_menu import Completion
from redline.tui.widgets.prompt import CompletionSource

__all__ = ["AppOptions", "RedlineApp"]


class RedlineApp(EditReview, BackendSwitching):
    TITLE = "redline"
    COMMANDS: ClassVar = App.COMMANDS | {RedlineCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "interrupt", "Interrupt", tooltip="stop the answer, keep what came"),
        Binding("ctrl+b", "pick_backend", "Backend", tooltip="pick a provider"),
        Binding("ctrl+o", "pick_model", "Model", tooltip="pick a model from /v1/models"),
        Binding("f1", "help", "Help", tooltip="keys and commands"),
        *REVIEW_BINDINGS,
        Binding(
            "f5",
            "toggle_context",
            "Context",
            show=False,
            tooltip="show or hide the context panel: what the next request carries (/context)",
        ),
        Binding(
            "ctrl+r",
            "toggle_reasoning",
            "Reasoning",
            show=False,
            tooltip="open or fold the newest reasoning",
        ),
        Binding(
            "pageup",
            "scroll_transcript(-1)",
            "Page up",
            show=False,
            priority=True,
            tooltip="scroll the transcript up",
        ),
        Binding(
            "pagedown",
            "scroll_transcript(1)",
            "Page down",
            show=False,
            priority=True,
            tooltip="scroll the transcript down",
        ),
        Binding("ctrl+q", "quit", "Quit", priority=True, tooltip="leave redline"),
    ]

    def __init__(
        self,
        options: AppOptions | None = None,
        *,
        config: Any = None,
        open_backend: BackendOpener | None = None,
        clock: Clock = time.perf_counter,
        display_clock: Clock = time.perf_counter,
        cursor_blink: bool = True,
        completion_sources: dict[str, CompletionSource] | None = None,
        read_git: Callable[[Path], GitState] = read_git_state,
        sessions: SessionStore | None = None,
        resumed: LoadedSession | None = None,
        save_setting: Callable[[str, object], object] | None = None,
        context_set: Any = None,
    ) -> None:
        super().__init__(
            options,
            config=config,
            open_backend=open_backend or self._default_opener,
            clock=clock,
            display_clock=display_clock,
            sessions=sessions,
            resumed=resumed,
        )
        self.cursor_blink = cursor_blink
        self._read_git = read_git
        self._save_setting = save_setting
        self.completion_sources: dict[str, CompletionSource] = {"/": self._complete_slash}
        self.completion_sources.update(completion_sources or {})
        self.context_set = context_set
        if context_set is not None:
            self.completion_sources.setdefault("@", at_completions(context_set))
        for theme in load_themes():
            self.register_theme(theme)
        wanted = getattr(config, "theme", None)
        self.theme = wanted if wanted in self.available_themes else DEFAULT_THEME

    # --- start-up ------------------------------------------------------------------------

    def get_default_screen(self) -> Screen[Any]:
        return MainScreen()

    def on_mount(self) -> None:
        self.load_extra_commands()
        self.open_backend(self.options.provider, self.options.model, self.options.base_url)
        self.refresh_git_state()
        start_indexing(self)
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        notice = self.config.trust_notice() if self.config is not None else None
        if notice:  # an untrusted repo config: say what was ignored and how to allow it
            self.notify(notice, title="Repository config", severity="warning", timeout=20)

    async def _default_opener(
        self, provider: str | None, model: str | None, base_url: str | None
    ) -> Any:
        from redline.backends.selection import open_backend

        return await open_backend(provider, model, base_url, self.config)

    def main_screen_ready(self) -> None:
        """The transcript is mounted: show the resumed conversation, if any."""
        if self._resumed is not None:
            self._show_resumed(self._resumed)

    def _show_resumed(self, session: LoadedSession) -> None:
        for turn in session.conversation.turns:
            self._turn_count += 1
            self.prompt_history.append(turn.prompt)
            handle = self.transcript.start_turn(
                self._turn_count, turn.prompt, turn.provider, turn.model
            )
            handle.finish(turn)
        if self._sessions is not None:
            self._session = self._sessions.resume(session.info.id)
        self._status(context_tokens=self._context_estimate())
        turns = session.info.turns
        self.notify(f"Resumed {session.info.id} ({turns} turn{'' if turns == 1 else 's'}).")

    @work(thread=True, group="startup")
    def load_extra_commands(self) -> None:
        """/undo, /diff, /add ...: their modules import git and tree-sitter; not on the UI loop."""
        commands = extra_commands()

        def register() -> None:
            for command in commands:
                self.slash.register(command)

        self.call_from_thread(register)

    @work(thread=True, exclusive=True, group="git")
    def refresh_git_state(self) -> None:
        self.post_message(GitStateRead(self._read_git(self.options.repo_root)))

    def on_git_state_read(self, message: GitStateRead) -> None:
        self._status(git=message.state)

    # --- screens and themes --------------------------------------------------------------

    def action_toggle_reasoning(self) -> None:
        if not self.transcript.toggle_reasoning():
            self.notify("No reasoning in this conversation yet.")

    def action_scroll_transcript(self, pages: int) -> None:
        transcript = self.transcript
        if pages < 0:
            transcript.scroll_page_up(animate=False)
        else:
            transcript.scroll_page_down(animate=False)

    def action_toggle_context(self) -> None:
        from redline.tui.context_commands import toggle_context_panel

        toggle_context_panel(self)

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    def redline_theme_names(self) -> list[str]:
        return [name for name in self.available_themes if name.startswith("redline-")]

    def set_theme(self, name: str) -> None:
        if name not in self.available_themes:
            names = ", ".join(self.redline_theme_names())
            self.notify(f"No theme {name!r}. Try one of: {names}.", severity="warning")
            return
        self.theme = name

    def _remember_theme(self, theme: Theme) -> None:
        """Every theme change (the /theme command, the palette's picker) goes to the config."""
        if self._save_setting is None:
            return
        try:
            self._save_setting("theme", theme.name)
        except Exception as exc:  # a config problem is a sentence, never a crash
            self.notify(f"Could not remember the theme: {exc}", severity="warning")

    def help_bindings(self) -> list[Binding]:
        return [b for b in self.BINDINGS if isinstance(b, Binding) and b.description]

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

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "interrupt":
            return self._turn_task is not None
        allowed = self.review_action_allowed(action)
        return True if allowed is None else allowed
