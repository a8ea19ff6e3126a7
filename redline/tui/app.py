"""The redline Textual application: one App class over one agent ``Session``.

The session (``redline.agent``) owns the conversation, the backend, the context set and the
edit review; the App runs its turns in a worker, shows what they emit (``TurnPresenter``),
and offers keys, screens and themes.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from textual import events, on, work
from textual.actions import SkipAction
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.theme import Theme

from redline.agent import Backend, BackendOpener, Notice, Session, Turn
from redline.agent.backend import backend_label
from redline.backends.prices import Cost
from redline.safety.terminal import for_terminal, one_line
from redline.themes import load_themes
from redline.tui import warm_up
from redline.tui.compacting import CompactFlow
from redline.tui.completions import at_completions, slash_completions
from redline.tui.git_state import GitState, read_git_state
from redline.tui.hints import SWITCH_HINT, for_tui
from redline.tui.keys import APP_BINDINGS
from redline.tui.merging import MergeFlow
from redline.tui.messages import GitStateRead
from redline.tui.options import AppOptions
from redline.tui.palette import RedlineCommands
from redline.tui.repository import NOT_A_REPO_OFFER, git_init, model_can_fix
from redline.tui.resuming import ResumeFlow
from redline.tui.screens.main import MainScreen
from redline.tui.slash import ParsedSlash, SlashContext, parse_slash
from redline.tui.slash.builtin import default_registry, extra_commands
from redline.tui.slash.edits import with_fix_hint
from redline.tui.spending import Spending
from redline.tui.theming import ordered_themes, screenshot_path, starting_theme
from redline.tui.widgets.command_card import CommandCard
from redline.tui.widgets.meter import MeterBar
from redline.tui.widgets.prompt import CompletionSource, PromptInput
from redline.tui.widgets.transcript import Transcript

if TYPE_CHECKING:
    from textual.driver import Driver

    from redline.agent.store import LoadedSession, SessionStore
    from redline.config import Config
    from redline.tools.context import ContextSet
    from redline.tools.shell import ShellTool
    from redline.tui.racing import RaceFlow

__all__ = ["AppOptions", "RedlineApp"]

Clock = Callable[[], float]
REVIEW_ACTIONS = frozenset({"apply_edits", "discard_edits"})
GIT_REFRESH_S = 10.0  # the git marker's slow refresh while idle


# The longest Enter holds the screen back while the request goes out (a slow connect).
FRAME_HOLD_S = 0.05

# The first turn's modules load in a thread after the first paint (``redline.tui.warm_up``):
# the first turn would otherwise pay for them (about 0.4 s, mostly GitPython) between Enter
# and its request. The turn engine is not imported before the first frame either.
TURN_IMPORTS = warm_up.TURN_IMPORTS


class RedlineApp(App[None]):
    TITLE = "redline"
    COMMANDS: ClassVar = App.COMMANDS | {RedlineCommands}
    BINDINGS: ClassVar[list[BindingType]] = list(APP_BINDINGS)
    # Toasts sit above the status bar and the footer (on the main screen: above the prompt).
    CSS = "ToastRack { margin-bottom: 2; }"

    def get_driver_class(self) -> type[Driver]:
        """Textual's driver; on Linux one that exits when the terminal goes away (EOF / EIO)."""
        driver = super().get_driver_class()
        if driver.__module__ == "textual.drivers.linux_driver":
            from redline.tui.driver import HangupDriver

            return HangupDriver
        return driver

    def __init__(
        self,
        options: AppOptions | None = None,
        *,
        config: Config | None = None,
        open_backend: BackendOpener | None = None,
        clock: Clock = time.perf_counter,
        display_clock: Clock = time.perf_counter,
        cursor_blink: bool = True,
        completion_sources: dict[str, CompletionSource] | None = None,
        read_git: Callable[[Path], GitState] = read_git_state,
        sessions: SessionStore | None = None,
        resumed: LoadedSession | None = None,
        save_setting: Callable[[str, object], object] | None = None,
        context_set: ContextSet | None = None,
    ) -> None:
        super().__init__()
        self.options = options or AppOptions()
        self.config = config
        self.display_clock = display_clock  # the transcript's (render lag)
        self.cursor_blink = cursor_blink
        self._opener = open_backend or self._default_opener
        self.session = Session(
            repo_root=self.options.repo_root,
            open_backend=self._opener,
            conversation=resumed.conversation if resumed else None,
            context_set=context_set,
            clock=clock,
            max_tokens=config.max_tokens if config is not None else None,
            store=sessions,
            approval=self.options.approval,
            tools=self.options.tools,
            # The shell's modules load with the first turn or command, not before the first frame.
            shell=functools.partial(_shell_tool, self.options.repo_root, config),
        )
        if config is not None:
            self.session.review.protected = config.protected()  # protected_paths
            self.session.secret_names = config.key_env_names()  # never in a session file
            self.session.context_windows = config.context_windows()
        self.session.review.listeners.append(self._edits_decided)
        self.slash = default_registry(extras=False)  # the rest after first paint
        self.prompt_history: list[str] = []
        self._mentions_warned: str | None = None  # a prompt kept back for an unknown @mention
        self._init_offered = False  # "not a git repository: /init" is said once
        self._frame_release: Callable[[], None] | None = None  # see _hold_frames_until_sent
        self._when_released: list[Callable[[], None]] = []  # see _after_hold
        self.warm_gate = warm_up.WarmUpGate()  # the warm-up pauses while a request goes out
        self._extras_loaded = False  # /undo, /diff, /add ... register after the first paint
        self._slash_waiting: list[ParsedSlash] = []
        self.local_servers: list[tuple[str, str]] | None = None  # found by the picker's probe
        self.speeds: dict[str, str] = {}  # backend -> median TTFT and tok/s, from the history
        self.spending = Spending(config)
        self.resuming = ResumeFlow(self)
        self.merges = MergeFlow(self)
        self.compacting = CompactFlow(self)
        self._resumed = resumed
        # Keys and pastes that arrive before the prompt has focus (typed as redline starts),
        # replayed in order once it has; None from then on.
        self._early_input: list[events.Key | events.Paste] | None = []
        self._read_git = read_git
        self._save_setting = save_setting
        self.completion_sources: dict[str, CompletionSource] = {"/": slash_completions(self.slash)}
        self.completion_sources.update(completion_sources or {})
        if context_set is not None:
            self.completion_sources.setdefault("@", at_completions(context_set))
        for theme in load_themes():
            self.register_theme(theme)
        wanted = config.theme if config is not None else None
        self.theme, self._theme_problem = starting_theme(wanted, self.available_themes)

    def notify(self, message: str, *, title: str = "", **options: Any) -> None:
        """Every toast goes through the terminal sanitiser (messages carry server text)."""
        super().notify(for_terminal(for_tui(message)), title=one_line(title), **options)

    # --- start-up ------------------------------------------------------------------------

    def get_default_screen(self) -> Screen[Any]:
        return self.main

    @functools.cached_property
    def main(self) -> MainScreen:
        return MainScreen(
            self.session,
            display_clock=self.display_clock,
            history=self.prompt_history,
            cursor_blink=self.cursor_blink,
            completion_sources=self.completion_sources,
        )

    def on_mount(self) -> None:
        # The first frame waits for none of these (imports of httpx, GitPython and tree-sitter,
        # threads holding the GIL): they start once it is on screen.
        self.call_after_refresh(self._after_first_paint)
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        if self._theme_problem:  # said once, at start: the config names a theme that is not there
            self.notify(self._theme_problem, title="Theme", severity="warning", timeout=15)
        notice = self.config.trust_notice() if self.config is not None else None
        if notice:  # an untrusted repo config: say what was ignored and how to allow it
            self.notify(notice, title="Repository config", severity="warning", timeout=20)

    def _after_first_paint(self) -> None:
        from redline.tui import frame_trace, startup_gc

        startup_gc.resume()  # before any worker: the index's own pause must find it on
        frame_trace.install(self)
        wanted = self.resuming.backend_of(self._resumed) if self._resumed else None
        if wanted is not None:  # the backend and model the resumed session's last turn used
            self.run_worker(self.resuming.reopen(*wanted, at_start=True), group="backend")
        else:
            self.open_backend(self.options.provider, self.options.model, self.options.base_url)
        self.load_extra_commands()
        self.refresh_git_state()
        self.set_interval(GIT_REFRESH_S, self._git_tick, name="git-refresh")
        self.main.start_indexing()
        self.run_worker(self.speeds_changed(), group="speeds")
        self.clean_stale_lanes()
        self._recover_interrupted_apply()
        self.warm_turn_path()

    @work(thread=True, group="startup")
    def warm_turn_path(self) -> None:
        """What the first turn imports (the agent's tools, the edit parser: GitPython), loaded
        while the person types: never between their Enter and the request."""
        from redline import code_cache

        # What start-up compiled is kept now, not only at exit (a closed terminal ends redline
        # by a signal), and again once the turn's modules are in.
        code_cache.save()
        self.warm_gate.load(warm_up.REQUEST_IMPORTS, warm_up.AFTER_REQUEST_IMPORTS)
        self.call_from_thread(lambda: self.session.own.tool)  # made here, not on Enter
        code_cache.save()

    def _recover_interrupted_apply(self) -> None:
        """An apply or undo cut short (a crash, a kill) is finished or rolled back, and said so."""
        from redline.tools.edits.pending import interrupted_apply

        root = self.options.repo_root
        if not interrupted_apply(root):
            return

        async def recover() -> None:
            from redline.tools.edits.journal import recover

            note = await asyncio.to_thread(recover, root)
            if note:
                self.notify(note, severity="warning", timeout=10)
                self.refresh_git_state()

        self.run_worker(recover(), group="edits-recover")

    async def _default_opener(
        self, provider: str | None, model: str | None, base_url: str | None
    ) -> Backend:
        from redline.backends.selection import open_backend

        return await open_backend(provider, model, base_url, self.config)

    async def on_event(self, event: events.Event) -> None:
        early = self._early_input
        if (
            early is not None
            and isinstance(event, events.Key | events.Paste)
            and not event.is_forwarded
        ):  # typed before the prompt can take it: kept, not dropped
            early.append(event)
            return
        await super().on_event(event)

    async def _replay_early_input(self) -> None:
        """What was typed before the prompt had focus goes to it now, in the order typed."""
        early, self._early_input = self._early_input, None
        for event in early or ():
            await super().on_event(event)

    @on(MainScreen.Ready)
    def _show_resumed(self) -> None:
        """The transcript is mounted: show the resumed conversation, if any."""
        self.call_later(self._replay_early_input)  # after the prompt's focus is set
        self._status(approval=self.session.approval)
        if self._resumed is not None:
            self.resuming.show(self._resumed)

    def pick_session(self) -> None:
        """/sessions: this repository's saved sessions; enter continues one."""
        self.resuming.pick()

    def compact(self) -> None:
        """/compact: the older turns summarised by the backend, to make room in its window."""
        self.compacting.start()

    @work(thread=True, group="startup")
    def load_extra_commands(self) -> None:
        """/undo, /diff, /add ...: their modules import git and tree-sitter; not on the UI loop."""
        commands = extra_commands()

        def register() -> None:
            for command in commands:
                self.slash.register(command)
            self._extras_loaded = True
            waiting, self._slash_waiting = self._slash_waiting, []
            for parsed in waiting:
                self.run_slash(parsed)

        self.call_from_thread(register)

    @work(thread=True, exclusive=True, group="git")
    def refresh_git_state(self) -> None:
        self.post_message(GitStateRead(self._read_git(self.options.repo_root)))

    def _git_tick(self) -> None:
        """Outside changes (an editor, another shell) reach the git marker; never mid-stream."""
        if not self.session.turn_running:
            self.refresh_git_state()

    def on_app_focus(self) -> None:
        self.refresh_git_state()  # back from another window: the tree may have changed

    def on_git_state_read(self, message: GitStateRead) -> None:
        self._status(git=message.state)
        if message.state.branch is None and not self._init_offered:  # once: /init can help
            self._init_offered = True
            self.notify(NOT_A_REPO_OFFER, title="Not a git repository", severity="warning")

    def offer_git_init(self) -> None:
        """`/init`: after a yes, ``git init`` in the folder redline was started in."""
        from redline.tui.screens.confirm import ConfirmScreen

        root = self.options.repo_root
        if (root / ".git").exists():
            self.notify(f"{root} is already a git repository.")
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_worker(self._git_init(root), group="git-init")

        self.push_screen(
            ConfirmScreen(f"Run git init in {root}?", "It creates .git there."), answered
        )

    async def _git_init(self, root: Path) -> None:
        said = await asyncio.to_thread(git_init, root)
        self.notify(said, severity="error" if said.startswith("git init failed") else "information")
        self.refresh_git_state()

    @property
    def transcript(self) -> Transcript:
        return self.query_one(Transcript)

    def _status(self, **changes: Any) -> None:
        self.main.status(**changes)

    def say(self, notice: Notice) -> None:
        self.notify(notice.text, severity=notice.severity)

    # --- prompts, slash commands and turns -----------------------------------------------

    def on_prompt_input_submitted(self, message: PromptInput.Submitted) -> None:
        if message.queue and self.session.turn_running:
            self.queue_prompt(message.text)
        else:
            self.handle_prompt(message.text)

    def queue_prompt(self, text: str) -> None:
        """Tab while a turn runs: the prompt waits for the turn to end."""
        self.session.queue.append(text)
        self.queue_changed()
        self.notify("Queued: it is sent when the current answer ends (esc stops that one).")

    def handle_prompt(self, text: str) -> None:
        """What the prompt sent: a slash command, or a prompt for the model."""
        parsed = parse_slash(text)
        if parsed is not None:
            self.run_slash(parsed)
            return
        if text.startswith("!"):
            command = text[1:].strip()
            if command:
                self.run_own_command(command)
            else:
                self.notify("Type a command after !, e.g. !git status (it runs as you typed it).")
            return
        if self._unknown_mentions(text):
            return
        if self.session.compacting:  # the conversation is being rewritten: after it
            self.session.queue.append(text)
            self._status(activity=self.main.activity())
            self.notify("Queued: it is sent once compacting ends (esc stops compacting).")
            return
        if self.session.turn_running:
            self.session.steer(text)
            self._status(activity=self.main.activity())
            self.notify(
                "Sent: the model reads it at its next step (tab queues for after the turn)."
            )
            return
        self._hold_frames_until_sent()
        self.run_turn(text)

    def _unknown_mentions(self, text: str) -> bool:
        """An `@mention` that matches nothing keeps the prompt in the box, with suggestions;
        the same prompt sent again goes as it is."""
        context = self.session.context_set
        if context is None or text == self._mentions_warned:
            self._mentions_warned = None
            return False
        unknown = context.unknown_mentions(text)
        if not unknown:
            return False
        self._mentions_warned = text
        parts = []
        for mention in unknown:
            hint = (
                f" (did you mean {', '.join(mention.suggestions)}?)" if mention.suggestions else ""
            )
            parts.append(f"@{mention.text} matches no file or symbol{hint}")
        self.main.restore_prompt(text)
        self.notify(
            "; ".join(parts) + ". Not sent: edit the prompt, or press enter to send it as it is.",
            title="Unknown mention",
            severity="warning",
            timeout=12,
        )
        return True

    def _hold_frames_until_sent(self) -> None:
        """From Enter until the request is on the wire (at most ``FRAME_HOLD_S``) no frame is
        drawn: laying out the new turn must not go before the request it is waiting for."""
        self._release_frames()
        backend = self.session.backend
        client = getattr(backend, "client", None)
        if client is None or not hasattr(client, "written_hook"):
            return
        self._begin_batch()
        timer = self.set_timer(FRAME_HOLD_S, self._release_frames, name="frame-hold")

        def release() -> None:
            if self.warm_gate.is_open:  # else ``sent`` stays, to open it
                client.written_hook = None
            timer.stop()
            self._end_batch()
            waiting, self._when_released = self._when_released, []
            for callback in waiting:
                callback()
            # The screen let its idle pass while the batch held it: wake it, so what changed
            # since Enter is drawn now, not at the next refresh (the first text's, at worst).
            self.screen.check_idle()

        def sent() -> None:
            client.written_hook = None
            self.warm_gate.open()  # not at the frame hold's limit: only once it is out
            self._release_frames()

        self.warm_gate.close()
        client.written_hook = sent
        self._frame_release = release

    def _after_hold(self, callback: Callable[[], None]) -> None:
        """``callback`` once the frame hold ends (the request is out), or now if none is on.
        For what cannot be seen before then anyway: the footer's new keys cost 10-20 ms of
        the loop, which the request would otherwise wait for (measured)."""
        if self._frame_release is None:
            callback()
        else:
            self._when_released.append(callback)

    def _release_frames(self) -> None:
        release, self._frame_release = self._frame_release, None
        if release is not None:
            release()

    def send_prompt(self, text: str) -> None:
        self.handle_prompt(text)

    def run_slash_text(self, text: str) -> None:
        parsed = parse_slash(text)
        if parsed is not None:
            self.run_slash(parsed)

    def run_slash(self, parsed: ParsedSlash) -> None:
        command = self.slash.get(parsed.name)
        if command is None and not self._extras_loaded:  # typed in the first instant: wait
            self._slash_waiting.append(parsed)
            return
        if command is None:
            self.notify(f"No command /{parsed.name}. Type / to see them all.", severity="warning")
            return
        result = command.run(SlashContext(self.session, self), parsed.arg)
        if asyncio.iscoroutine(result):

            async def finish(pending: Any = result) -> None:
                await pending
                self.refresh_bindings()  # the edit review keys follow the session's state

            self.run_worker(finish(), group="slash")
        else:
            self.refresh_bindings()

    def action_cycle_approval(self) -> None:
        from redline.agent.approval import next_mode

        mode = self.session.approval = next_mode(self.session.approval)
        self._status(approval=mode)
        self.notify(f"Approval mode: {mode}.")

    def action_interrupt(self) -> None:
        """Esc: stop the turn (the session keeps the partial answer, marked interrupted), or
        kill the person's running command."""
        if self.merges.cancel():
            return
        if self.session.own.stop():
            return
        self.session.interrupt()

    # --- the person's own commands (!cmd, /test) -----------------------------------------

    def test_command(self) -> str | None:
        from redline.tools.shell import detect_test_command

        configured = self.config.test_command if self.config is not None else None
        return detect_test_command(self.options.repo_root, configured)

    def run_own_command(self, command: str, kind: str = "command", label: str = "") -> None:
        if self.session.own.running:
            self.notify("A command is still running (esc stops it).", severity="warning")
            return
        self._own_command(command, "test" if kind == "test" else "command", label)

    @work(group="own-command")
    async def _own_command(
        self, command: str, kind: Literal["command", "test"], label: str
    ) -> None:
        card = self.query_one(CommandCard)
        card.start(command, label)
        self.refresh_bindings()
        try:
            done = await self.session.own.run(command, kind, on_output=card.feed)
        finally:
            if self.is_running and self.main.is_attached:  # not while the app closes
                self.refresh_bindings()
        if not (self.is_running and self.main.is_attached):
            return
        fixable = not done.result.ok and model_can_fix(done.result.output)
        fix = " · /fix (f4) asks the model to fix it" if fixable else ""
        card.finish(done.result, f"the output goes with your next message{fix}")
        self.refresh_git_state()  # the command may have changed the tree

    def _free_command_card(self) -> CommandCard | None:
        """The card for a model's running command, unless the person's own command holds it."""
        if self.session.own.running:
            return None
        cards = self.query(CommandCard)
        return cards.first() if cards else None

    @work(group="turn")
    async def run_turn(self, prompt: str) -> None:
        from redline.tui.presenter import TurnPresenter  # loaded after the first paint

        session = self.session
        show = TurnPresenter(
            self.transcript,
            self.say,
            ask=self.main.ask,
            activity=self.main.tool_activity,
            root=self.options.repo_root,
            command_card=self._free_command_card,
        )
        bars = self.main.query(MeterBar)
        if bars:  # the live meter shows this turn's cost so far and the session's total
            bars.first().cost_of = self.spending.costing(
                session.backend, session.context_estimate(), session.earlier_steps
            )
            bars.first().spent = self.spending.total()
        if not session.own.running:
            self.query_one(CommandCard).hide()  # its output goes with this message
        task = session.start_turn(prompt, show)
        self.main.streaming(True)
        self._after_hold(self.refresh_bindings)  # esc to stop: in the first frame after Enter
        try:
            turn = await session.finish_turn(task, show)
        finally:
            self.warm_gate.open()
            self._release_frames()
            if self.is_running and self.main.is_attached:  # not while the app closes
                self.main.drop_approvals()
                self.main.streaming(False)
                self.refresh_bindings()  # the edit review keys hide while a turn streams
                self.context_changed()  # the status bar's figure and the context panel
        if turn is not None:
            await self.costed(turn, "tui")
        if turn is not None and turn in session.conversation.turns and self.options.auto_apply:
            notice = with_fix_hint(await session.review.apply(turn, quiet=True))
            if notice is not None:
                self.say(notice)
        if not (self.is_running and self.main.is_attached):  # the app closed meanwhile
            return
        self.refresh_bindings()
        self.refresh_git_state()  # the turn may have committed
        if turn is not None:
            self.compacting.after_turn()  # near the context window: say so, offer /compact
        if session.queue:
            prompt = session.queue.pop(0)
            self.queue_changed()
            self.run_turn(prompt)
        elif self.is_running and self.main.is_attached:
            self.queue_changed()  # steering the turn did not take is queued: show it

    # --- cost, speed history, races and /stats -------------------------------------------

    async def costed(self, turn: Turn, source: str, cost: Cost | None = None) -> None:
        """A finished turn: its cost into the session's total, its figures into the history."""
        cost = self.spending.add(turn, self.session.backend, cost)
        self._status(spent=self.spending.status_label())
        if source != "race":  # race lanes were recorded when the race ended
            problem = await self.spending.record(turn, cost, source)
            if problem:
                self.notify(problem, severity="warning")
        await self.speeds_changed()

    @work(thread=True, group="startup")
    def clean_stale_lanes(self) -> None:
        """Race lane worktrees a crashed redline left behind are removed at start."""
        from redline.tools.lanes import clean_stale

        clean_stale(self.options.repo_root)

    async def speeds_changed(self) -> None:
        self.speeds = await self.spending.speeds()

    def action_race(self) -> None:
        """f8: race the prompt being typed (it stays in the box if nothing is kept)."""
        prompts = self.main.query(PromptInput)
        self.start_race(prompts.first().text if prompts else "")

    @functools.cached_property
    def races(self) -> RaceFlow:
        """Races (their screens load with the first one, not at start-up)."""
        from redline.tui.racing import RaceFlow

        return RaceFlow(self)

    def start_race(self, prompt: str) -> None:
        self.races.start(prompt)

    async def open_lane_backend(self, name: str) -> Backend:
        return await self._opener(name, None, None)

    def show_stats(self) -> None:
        from redline.tui.screens.stats import StatsScreen

        self.push_screen(StatsScreen())

    def clear_conversation(self) -> None:
        self.session.clear()
        self.transcript.clear()
        if not self.session.own.running:
            self.query_one(CommandCard).hide()
        self.refresh_bindings()  # no answer left to apply, discard or fix
        self._status(context_tokens=0)
        self.queue_changed()

    # --- edit review keys ----------------------------------------------------------------

    def queue_changed(self) -> None:
        self.main.queue_changed()

    def edit_prompt(self, text: str) -> None:
        self.main.restore_prompt(text)

    def action_edit_queued(self) -> None:
        """alt+up: the last queued prompt back into the box (tab queues it again)."""
        if not self.session.queue:
            raise SkipAction()
        self.run_slash_text("/queue edit")

    def action_copy_answer(self) -> None:
        self.run_slash_text("/copy")

    def _edits_decided(self, turn: Turn) -> None:
        """Applied, discarded or undone: the turn's cards and last line change in place."""
        if self.is_running and self.main.is_attached:
            self.main.query_one(Transcript).edits_decided(turn)

    def action_apply_edits(self) -> None:
        self.run_slash_text("/apply")

    def action_discard_edits(self) -> None:
        self.run_slash_text("/discard")

    def action_fix_edits(self) -> None:
        self.run_slash_text("/fix")

    def action_merge_edits(self) -> None:
        self.run_slash_text("/merge")

    def merge_edits(self) -> None:
        self.merges.start()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        session = self.session
        if action == "interrupt":
            return session.turn_running or session.own.running or self.merges.running
        if action in REVIEW_ACTIONS:
            return session.review.waiting is not None and not session.turn_running
        if action == "fix_edits":
            own = session.own.last_failed
            error = session.review.last_error or None
            if error is None and own is None:
                return False
            said = error if error is not None else own.result.output if own else ""
            return model_can_fix(said) and not session.turn_running
        if action == "merge_edits":
            return bool(session.review.last_error) and not session.turn_running
        return True

    async def show_diff(self, title: str, text: str, review: bool = False) -> None:
        """The diff view; ``review``: it shows the edits waiting, and f2 / f3 work in it."""
        from redline.tui.screens.diff_view import DiffView

        def decided(action: str | None) -> None:
            if action is not None:
                self.run_slash_text(f"/{action}")

        await self.push_screen(DiffView(title, text, review=review), decided)

    # --- backends ------------------------------------------------------------------------

    @work(exclusive=True, group="backend")
    async def open_backend(
        self,
        provider: str | None,
        model: str | None,
        base_url: str | None,
        reason: str | None = None,
    ) -> None:
        self._status(backend=f"opening {provider or 'backend'}…", reason="")
        change = await self.session.open_backend(provider, model, base_url, reason)
        backend = self.session.backend
        if change.error is None and backend is not None:
            self._status(backend=backend_label(backend), reason=backend.reason)
        elif change.kept is not None:  # a failed switch keeps the backend in use
            kept = change.kept
            self._status(backend=backend_label(kept), reason=kept.reason)
            self.notify(f"{change.error} Still using {backend_label(kept)}.", severity="error")
        else:
            self._status(backend="no backend", reason=for_tui(change.error or ""))
            self.notify(f"{change.error} {SWITCH_HINT}", title="Backend", severity="error")

    def switch_backend(self, name: str) -> None:
        """Use ``name`` from the next turn on; the conversation is kept and re-sent."""
        self.open_backend(name, None, None, "picked with /backend")

    def switch_model(self, model: str) -> None:
        """Same backend and connection, another model from the next turn on."""
        backend = self.session.switch_model(model)
        if backend is None:
            self.open_backend(self.options.provider, model, self.options.base_url)
            return
        self._status(backend=backend_label(backend), reason=backend.reason)

    def action_pick_backend(self) -> None:
        from redline.tui.backend_choices import picker_screen

        def found(servers: list[tuple[str, str]]) -> None:
            self.local_servers = servers

        backend = self.session.backend
        current = backend.name if backend is not None else None
        busy = [backend.client.base_url] if backend is not None and backend.client.busy else []
        screen = picker_screen(
            self.config, current, self.local_servers, found, self.speeds, busy=busy
        )
        self.push_screen(screen, self._picked_backend)

    pick_backend = action_pick_backend

    def _picked_backend(self, name: str | None) -> None:
        backend = self.session.backend
        if name and name != (backend.name if backend is not None else None):
            self.switch_backend(name)

    def action_pick_model(self) -> None:
        from redline.tui.screens.model_picker import ModelPickerScreen

        backend = self.session.backend
        if backend is None:
            self.notify(f"No backend to ask for models. {SWITCH_HINT}", severity="warning")
            return
        screen = ModelPickerScreen(backend_label(backend), backend.model, self.list_models)
        self.push_screen(screen, self._picked_model)

    pick_model = action_pick_model

    async def list_models(self) -> list[str]:
        backend = self.session.backend
        if backend is None:
            raise RuntimeError("no backend to ask")
        models: list[str] = await asyncio.wait_for(backend.client.list_models(), 10.0)
        return models

    def _picked_model(self, model: str | None) -> None:
        backend = self.session.backend
        if model and model != (backend.model if backend is not None else None):
            self.switch_model(model)

    # --- the context panel and indexing --------------------------------------------------

    def action_toggle_context(self) -> None:
        self.toggle_context()

    def toggle_context(self, draft: str | None = None) -> None:
        notice = self.main.toggle_context(draft)
        if notice is not None:
            self.say(notice)

    def context_changed(self) -> None:
        self.main.context_changed()

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

    def action_follow_tail(self, in_prompt_first: bool) -> None:
        """Back to the newest text; in the prompt, ``end`` first moves its cursor as usual."""
        focused = self.focused
        if in_prompt_first and isinstance(focused, PromptInput):
            row, column = focused.cursor_location
            if column < len(focused.document.get_line(row)):
                raise SkipAction()  # the prompt's own `end`
        self.transcript.scroll_end(animate=False)

    def action_help(self) -> None:
        from redline.tui.screens.help import HelpScreen

        self.push_screen(HelpScreen(self.help_bindings(), list(self.slash)))

    show_help = action_help

    def pick_theme(self) -> None:
        self.action_change_theme()

    def search_themes(self) -> None:
        """Textual's theme picker, with a footer of its own keys (not the main screen's)."""
        from textual.theme import ThemeProvider

        from redline.tui.theme_palette import ThemePalette

        self.push_screen(ThemePalette(providers=[ThemeProvider], placeholder="Search for themes…"))

    async def quit(self) -> None:
        await self.action_quit()

    def redline_theme_names(self) -> list[str]:
        return [name for name in self.available_themes if name.startswith("redline-")]

    def set_theme(self, name: str) -> None:
        if name not in self.available_themes:
            names = ", ".join(ordered_themes(self.available_themes))
            self.notify(f"No theme {name!r}. The themes are: {names}.", severity="warning")
            return
        self.theme = name

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Textual's palette entries, with a Screenshot that saves where redline says."""
        for command in super().get_system_commands(screen):
            if command.title == "Screenshot":
                command = SystemCommand(
                    "Screenshot",
                    "Save an SVG picture of the screen (in redline's state directory)",
                    lambda: self.set_timer(0.1, self.save_screen_picture),
                )
            yield command

    def save_screen_picture(self) -> Path | None:
        """The screen as an SVG in the state directory; the toast says where."""
        import platformdirs

        path = screenshot_path(Path(platformdirs.user_state_dir("redline", appauthor=False)))
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(self.export_screenshot(), encoding="utf-8")
        except OSError as exc:
            self.notify(f"Could not save the screenshot to {path}: {exc.strerror or exc}.")
            return None
        self.notify(f"Screenshot saved to {path}", title="Screenshot", markup=False)
        return path

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


def _shell_tool(repo_root: Path, config: Config | None) -> ShellTool:
    """The repository's shell tool: the config's sandbox keys (trusted only) and key names."""
    from redline.tools.shell import ShellSettings, ShellTool

    if config is None:
        return ShellTool(repo_root)
    settings = ShellSettings(
        network=config.sandbox_network,
        writable=tuple(Path(p).expanduser() for p in config.sandbox_writable),
        secret_names=config.key_env_names(),
    )
    return ShellTool(repo_root, settings)
