"""The main screen: transcript, completion menu, prompt, status bar, footer, context panel.

It owns what those widgets show around a turn: the live meter line while one streams, the
activity in the status bar, the context panel and the repository indexing progress.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.message import Message
from textual.screen import Screen
from textual.widgets._toast import ToastRack

from redline.agent.notice import Notice
from redline.tui.widgets.approval_card import ApprovalCard
from redline.tui.widgets.command_card import CommandCard
from redline.tui.widgets.completion_menu import CompletionMenu
from redline.tui.widgets.context_panel import ContextPanel
from redline.tui.widgets.key_footer import KeyFooter
from redline.tui.widgets.meter import MeterBar
from redline.tui.widgets.prompt import CompletionSource, PromptInput
from redline.tui.widgets.queue_panel import QueuePanel
from redline.tui.widgets.status_bar import StatusBar
from redline.tui.widgets.transcript import Transcript

if TYPE_CHECKING:
    from redline.agent.messages import ApprovalRequested
    from redline.agent.session import Session

CONTEXT_OFF = "Repository context is off in this session."
PROGRESS_STEP = 100  # files between status-bar updates while indexing


class MainScreen(Screen[None]):
    """Prompts it submits bubble up as ``PromptInput.Submitted``; ``Ready`` once mounted."""

    CSS_PATH = "main.tcss"

    class Ready(Message):
        """The transcript is mounted."""

    def __init__(
        self,
        session: Session,
        *,
        display_clock: Callable[[], float],
        history: list[str],
        cursor_blink: bool,
        completion_sources: dict[str, CompletionSource],
    ) -> None:
        super().__init__()
        self.session = session
        self._tool_activity = ""
        self._display_clock = display_clock
        self._history = history
        self._cursor_blink = cursor_blink
        self._sources = completion_sources

    def compose(self) -> ComposeResult:
        yield Transcript(clock=self._display_clock, id="transcript")
        yield MeterBar(id="meter")
        yield CompletionMenu(id="completion")
        yield CommandCard(clock=self._display_clock, id="command-card")
        yield ApprovalCard(id="approval", stop=self.session.interrupt)
        yield QueuePanel(id="queue")
        yield PromptInput(id="prompt", history=self._history, cursor_blink=self._cursor_blink)
        yield StatusBar(id="status")
        yield KeyFooter()
        yield ContextPanel(id="context-panel")  # after the footer: it docks beside the rest

    def on_mount(self) -> None:
        prompt = self.query_one(PromptInput)
        prompt.menu = self.query_one(CompletionMenu)
        prompt.sources.update(self._sources)
        prompt.focus()
        self.post_message(self.Ready())

    def on_prompt_input_resized(self, message: PromptInput.Resized) -> None:
        """Toasts sit above the prompt: never over what is typed, the queue count or the keys."""
        prompts, racks = self.query(PromptInput), self.query(ToastRack)
        if prompts and racks:
            below = self.size.height - prompts.first().region.y  # the prompt and what is under it
            racks.first().styles.margin = (0, 0, max(below, 2), 0)

    def on_screen_suspend(self) -> None:
        """Under a picker the toasts show in the picker's own place, not twice (they come back
        here when it closes)."""
        racks = self.query(ToastRack)
        if racks:
            racks.first().display = False

    def restore_prompt(self, text: str) -> None:
        """Put a prompt that was not sent back in the box, cursor at its end."""
        prompts = self.query(PromptInput)
        if prompts:
            prompts.first().restore(text)
            prompts.first().focus()

    def queue_changed(self) -> None:
        """The queue grew, shrank or was edited: its panel and the status bar's count follow."""
        panels = self.query(QueuePanel)
        if panels:
            panels.first().show_queue(self.session.queue)
        self.status(activity=self.activity())

    def status(self, **changes: Any) -> None:
        """Update the status bar, if it is there (not yet mounted, or shutting down: skip)."""
        bars = self.query(StatusBar)
        if bars:
            bars.first().set(**changes)

    def streaming(self, on: bool) -> None:
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
        self.status(activity=self.activity())

    def activity(self) -> str:
        parts = []
        if self.session.compacting:
            parts.append("compacting older turns · esc stops")
        elif self.session.turn_running:
            parts.append("streaming · esc stops")
            if self._tool_activity:
                parts.append(self._tool_activity)
        if self.session.queue:
            parts.append(f"{len(self.session.queue)} queued")
        usage = None if self.session.turn_running else self.session.context_usage()
        if usage is not None and usage.near_limit:  # stays until /compact makes room
            parts.append(f"ctx {usage.percent}% of window · /compact")
        return " · ".join(parts)

    def tool_activity(self, text: str) -> None:
        """What the turn's tools are doing now ("running search"), beside the activity."""
        if text != self._tool_activity:
            self._tool_activity = text
            self.status(activity=self.activity())

    # --- approvals -----------------------------------------------------------------------

    def ask(self, message: ApprovalRequested) -> None:
        prompt = self.query_one(PromptInput)
        # typing when the card comes up: the next letters are the draft's, not an answer
        self.query_one(ApprovalCard).ask(message, draft=bool(prompt.text.strip()))

    def on_text_area_changed(self, event: PromptInput.Changed) -> None:
        """The draft was sent or cleared: a card that waited for it takes the keys."""
        cards = self.query(ApprovalCard)
        if (
            not cards
            or not isinstance(event.text_area, PromptInput)
            or event.text_area.text.strip()
        ):
            return
        card = cards.first()
        if card.held_back:
            card.claim()

    def drop_approvals(self) -> None:
        cards = self.query(ApprovalCard)
        if cards:
            cards.first().drop()
        self._tool_activity = ""

    def on_approval_card_answered(self, message: ApprovalCard.Answered) -> None:
        self.query_one(PromptInput).focus()

    # --- the context panel and indexing --------------------------------------------------

    def toggle_context(self, draft: str | None = None) -> Notice | None:
        """f5 and `/context`: open the side panel (or close it); `/context TEXT` shows it for TEXT."""
        panels = self.query(ContextPanel)
        if not panels:
            return None
        panel = panels.first()
        if self.session.context_set is None:
            return Notice(CONTEXT_OFF, "warning")
        if panel.is_open and draft is None:
            panel.set_open(False)
            return None
        panel.set_open(True)
        self.refresh_context_panel(draft)
        return None

    def context_changed(self) -> None:
        """Files added or dropped, or a turn ended: the estimate and the open panel follow."""
        self.status(context_tokens=self.session.context_estimate())
        self.refresh_context_panel()

    def refresh_context_panel(self, draft: str | None = None) -> None:
        """Rebuild the open panel's content for the draft (or the prompt being typed)."""
        panels = self.query(ContextPanel)
        if not panels or not panels.first().is_open:
            return
        panel = panels.first()
        context = self.session.context_set
        if context is None:
            panel.show_message(CONTEXT_OFF)
            return
        prompt = draft if draft is not None else str(self.query_one(PromptInput).text)
        panel.preview(functools.partial(context.bundle, prompt, preview=True))

    def start_indexing(self) -> None:
        """Index the repository in a thread, showing progress in the status bar."""
        context = self.session.context_set
        if context is None:
            return

        def post(activity: str) -> None:
            try:
                self.app.call_from_thread(self.status, activity=activity)
            except Exception:
                pass  # the app is closing

        def progress(done: int, total: int) -> None:
            if total >= 2 * PROGRESS_STEP and (done % PROGRESS_STEP == 0 or done == total):
                post(f"indexing {done:,}/{total:,} files")

        def index() -> None:
            try:
                context.refresh(progress)
            except Exception as exc:
                post(f"context unavailable: {exc}")
                return
            post(self.activity())

        self.run_worker(index, thread=True, group="context-index", exclusive=True)
