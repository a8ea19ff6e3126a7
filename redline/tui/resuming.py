"""Continuing a saved session in the TUI: `--resume` at start and the `/sessions` picker.

A resumed session brings back its turns (shown in the transcript, re-sent to the model with
their tool steps), the files the person had added with `@` or `/add`, and the backend and model
its last turn used (unless a flag chose one; one sentence when that backend cannot be opened).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from redline.agent.backend import backend_label, short_model

if TYPE_CHECKING:
    from redline.agent import Turn
    from redline.agent.store import LoadedSession, SessionInfo
    from redline.tui.app import RedlineApp
    from redline.tui.widgets.transcript import TurnHandle

RESUMED_REASON = "from the resumed session"
NO_BACKEND = ("", "no backend")  # a turn that never reached a backend names none to reopen


class ResumeFlow:
    def __init__(self, app: RedlineApp) -> None:
        self.app = app

    # --- what a resumed session brings back ----------------------------------------------

    def show(self, loaded: LoadedSession) -> None:
        """The transcript is mounted: show the turns, add the files again, say so."""
        app = self.app
        session = app.session
        for turn in loaded.conversation.turns:
            session.turn_count += 1
            app.prompt_history.append(turn.prompt)
            handle = app.transcript.start_turn(
                session.turn_count, turn.prompt, turn.provider, turn.model
            )
            replay(handle, turn)
        session.resume(loaded.info.id)
        files = self._restore_files(loaded)
        app.context_changed()
        app.main.status(context_tokens=session.context_estimate())
        turns = loaded.info.turns
        said = f"Resumed {loaded.info.id} ({turns} turn{'' if turns == 1 else 's'}{files})."
        if loaded.info.problem:
            said += f" Parts of its file could not be read ({loaded.info.problem}); it is kept as it is."
        app.notify(said, severity="warning" if loaded.info.problem else "information")

    def _restore_files(self, loaded: LoadedSession) -> str:
        context = self.app.session.context_set
        if context is None or not loaded.context_files:
            return ""
        added, gone = context.restore(loaded.context_files)
        text = f"; files: {', '.join(added)}" if added else ""
        if gone:
            text += f"; {', '.join(gone)} no longer there, not added"
        return text

    def backend_of(self, loaded: LoadedSession) -> tuple[str, str] | None:
        """The provider and model the last turn used, unless a flag chose the backend."""
        options = self.app.options
        if options.provider or options.model or options.base_url:
            return None
        last = loaded.conversation.last
        if last is None or last.provider in NO_BACKEND or last.provider == "custom":
            return None  # a custom server's URL is not saved: the default is as good a guess
        return last.provider, last.model

    async def reopen(self, provider: str, model: str, *, at_start: bool) -> None:
        """Open the session's backend; if it cannot be opened now, say so and keep (or, at
        start, open) the usual one."""
        app = self.app
        session = app.session
        current = session.backend
        if current is not None and current.name == provider:
            if model and current.model != model:
                backend = session.switch_model(model, RESUMED_REASON)
                if backend is not None:
                    app.main.status(backend=backend_label(backend), reason=backend.reason)
            return
        app.main.status(backend=f"opening {provider}…", reason="")
        change = await session.open_backend(provider, model or None, None, RESUMED_REASON)
        backend = session.backend
        if change.error is None and backend is not None:
            app.main.status(backend=backend_label(backend), reason=backend.reason)
            return
        why = change.error.rstrip(". ") if change.error else "no reason given"
        label = f"{provider} · {short_model(model)}" if model else provider
        if change.kept is not None:
            kept = change.kept
            app.main.status(backend=backend_label(kept), reason=kept.reason)
            app.notify(
                f"The session's backend {label} cannot be opened now ({why}); "
                f"still using {backend_label(kept)}.",
                severity="warning",
                timeout=10,
            )
            return
        app.notify(
            f"The session's backend {label} cannot be opened now ({why}); "
            "using the usual one instead.",
            severity="warning",
            timeout=10,
        )
        if at_start:
            options = app.options
            app.open_backend(options.provider, options.model, options.base_url)

    # --- /sessions -----------------------------------------------------------------------

    def pick(self) -> None:
        from redline.tui.screens.session_picker import SessionPickerScreen

        store = self.app.session.store
        if store is None:
            self.app.notify("Sessions are not saved in this run.", severity="warning")
            return
        repo = self.app.options.repo_root

        async def load() -> list[SessionInfo]:
            return await asyncio.to_thread(store.list, repo)

        screen = SessionPickerScreen(str(repo), self.app.session.session_id, load)
        self.app.push_screen(screen, self._picked)

    def _picked(self, session_id: str | None) -> None:
        if session_id is None or session_id == self.app.session.session_id:
            return
        self.app.run_worker(self.resume(session_id), group="resume", exclusive=True)

    async def resume(self, session_id: str) -> None:
        """Continue ``session_id`` in place of the conversation on screen."""
        from redline.agent.store import SessionError

        app = self.app
        session = app.session
        store = session.store
        if store is None:
            return
        if session.turn_running:
            app.notify("An answer is still streaming: esc stops it, then pick again.")
            return
        try:
            loaded = await asyncio.to_thread(store.load, session_id)
        except SessionError as exc:
            app.notify(str(exc), severity="error")
            return
        app.clear_conversation()
        session.load(loaded)
        if session.context_set is not None:
            session.context_set.clear()  # the files of the session left behind go with it
        self.show(loaded)
        app.refresh_bindings()
        wanted = self.backend_of(loaded)
        if wanted is not None:
            await self.reopen(*wanted, at_start=False)


def replay(handle: TurnHandle, turn: Turn) -> None:
    """A saved turn as it was shown live: each step's text and tool card, then the answer."""
    if not turn.items:
        handle.finish(turn)
        return
    from rich.text import Text

    from redline.agent import ToolFinished
    from redline.backends.events import TextDelta
    from redline.tui.widgets.tool_card import tool_card

    steps = {s.call_id: s for s in turn.steps}
    for item in turn.items:
        if item.role == "assistant":
            if item.content:
                handle.push(TextDelta(item.content))
            for call in item.tool_calls:
                step = steps.get(call.call_id)
                if step is not None:
                    done = ToolFinished(
                        step.call_id, step.tool, step.status, step.output, step.duration_ms
                    )
                    handle.add_block(tool_card(done, step.arguments))
        elif item.role == "user":  # steered in while the turn ran
            text = Text("↳ sent to the model: ", style="bold cyan")
            text.append(item.content)
            handle.add_block(text)
    answer = turn.text[turn.answer_start :]
    if answer:
        handle.push(TextDelta(answer))
    handle.finish(turn)
