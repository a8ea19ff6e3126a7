"""The context window in the TUI: a warning as the conversation nears it, and `/compact`.

The warning comes once each time the estimate crosses ``WARN_SHARE`` of the model's window (a
toast, and the status bar keeps `ctx NN% · /compact` while it stays there). `/compact` asks the
current backend for a summary of the older turns, showing its progress in the status bar; esc
stops it; a failure is one sentence and changes nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from redline.agent.window import WARN_SHARE

if TYPE_CHECKING:
    from redline.tui.app import RedlineApp


class CompactFlow:
    def __init__(self, app: RedlineApp) -> None:
        self.app = app
        self._warned = False

    def after_turn(self) -> None:
        """Warn once when the next request would fill ``WARN_SHARE`` of the window."""
        usage = self.app.session.context_usage()
        if usage is None:
            return
        if usage.share < WARN_SHARE:
            self._warned = False
            return
        if self._warned:
            return
        self._warned = True
        self.app.notify(
            f"The conversation is at {usage.percent}% of {usage.model}'s context window "
            f"(~{usage.tokens:,} of {usage.window:,} tokens): /compact summarises the older "
            "turns to make room.",
            severity="warning",
            timeout=15,
        )

    def start(self) -> None:
        session = self.app.session
        if session.turn_running:
            self.app.notify("Wait for the answer to end (esc stops it), then /compact.")
            return
        self.app.run_worker(self._compact(), group="compact", exclusive=True)

    async def _compact(self) -> None:
        from redline.agent.compaction import CompactError

        app = self.app
        session = app.session

        def progress(chars: int) -> None:
            app.main.status(activity=f"compacting older turns · {chars:,} chars · esc stops")

        progress(0)
        app.refresh_bindings()  # esc stops it
        try:
            done = await session.compact(progress)
        except CompactError as exc:
            app.notify(
                f"Could not compact: {exc}; the conversation is unchanged.", severity="error"
            )
            return
        finally:
            if app.is_running and app.main.is_attached:
                app.main.status(activity=app.main.activity())
                app.refresh_bindings()
                app.context_changed()
        if done is None:
            app.notify("Compacting stopped; the conversation is unchanged.")
            return
        self._warned = False
        turns = f"{done.turns} older turn{'' if done.turns == 1 else 's'}"
        app.notify(
            f"Compacted {turns} into a {len(done.summary):,}-character summary: the next "
            f"request carries ~{done.after_tokens:,} tokens instead of ~{done.before_tokens:,}. "
            "The transcript and the session file keep every turn.",
            timeout=10,
        )
        if session.queue and not session.turn_running:
            app.run_turn(session.queue.pop(0))
