"""The approval card: a tool call waiting for the person's yes or no (y / n; esc says no and
stops the turn, as it does in Codex CLI and Claude Code).

It holds the request's future and resolves it; the turn awaits that future. Hidden when
nothing waits; focused while something does, so y and n never reach the prompt. When it comes up
while the person is typing a draft, it does not take the keys (the "n" of "then" would deny the
call): it waits, saying so, until the draft is sent or cleared (``claim``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Static

from redline.tui.widgets.tool_card import approval_text

if TYPE_CHECKING:
    from redline.agent.messages import ApprovalRequest, ApprovalRequested


class ApprovalCard(Static, can_focus=True):
    DEFAULT_CSS = """
    ApprovalCard {
        display: none;
        height: auto;
        max-height: 12;
        padding: 0 1;
        border: round $warning;
        background: $surface;
    }
    ApprovalCard.-waiting { display: block; }
    """
    BINDINGS = [
        Binding("y", "answer(True)", "Yes", tooltip="let the tool call run"),
        Binding("n", "answer(False)", "No", tooltip="deny it; the model is told"),
        Binding("a", "always", "Always", tooltip="run it, and this command prefix from now on"),
        Binding("escape", "stop", "Stop", tooltip="deny it and stop the turn"),
    ]

    class Answered(Message):
        """The last waiting request got its answer (the prompt takes the focus back)."""

    def __init__(self, id: str | None = None, stop: Callable[[], None] | None = None) -> None:
        """``stop``: what esc calls to stop the turn (before the waiting calls are dropped)."""
        super().__init__("", id=id)
        self._stop = stop
        self._waiting: list[ApprovalRequested] = []
        self._draft = False  # the person is typing: the card waits for the prompt to empty

    @property
    def waiting(self) -> bool:
        return bool(self._waiting)

    @property
    def request(self) -> ApprovalRequest | None:
        """The request on show (the first that waits)."""
        return self._waiting[0].request if self._waiting else None

    @property
    def held_back(self) -> bool:
        """It waits without the keys: a draft in the prompt keeps them."""
        return self.waiting and self._draft

    def ask(self, message: ApprovalRequested, *, draft: bool = False) -> None:
        """Show ``message``; ``draft``: the person is typing, so the keys stay in the prompt."""
        self._waiting.append(message)
        self._draft = self._draft or (draft and not self.has_focus)
        self._show()

    def claim(self) -> None:
        """The draft was sent or deleted: y / n / esc answer the card from now on."""
        if self._draft:
            self._draft = False
            self._show()

    def _show(self) -> None:
        # a future resolved elsewhere (the turn was interrupted) needs no answer
        while self._waiting and self._waiting[0].future.done():
            self._waiting.pop(0)
        if not self._waiting:
            self._draft = False
            if self.has_class("-waiting"):  # each turn's end drops the card: no layout for nothing
                self.set_class(False, "-waiting")
                self.update("")
            return
        self.update(approval_text(self._waiting[0].request, held_back=self._draft))
        self.refresh_bindings()
        self.set_class(True, "-waiting")
        if not self._draft:
            self.focus()

    def action_answer(self, yes: bool) -> None:
        if not self._waiting:
            return
        message = self._waiting.pop(0)
        if not message.future.done():
            message.future.set_result(yes)
        self._show()
        if not self._waiting:
            self.post_message(self.Answered())

    def action_stop(self) -> None:
        """Esc: the turn stops (what finished is kept) and every call that waits is dropped."""
        if not self._waiting:
            return
        if self._stop is not None:
            self._stop()  # first, so the turn cannot go on with a "no" before it is cancelled
        self.drop()
        self.post_message(self.Answered())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "always":  # offered only for a simple command's prefix
            request = self.request
            return bool(request and request.always)
        return True

    def action_always(self) -> None:
        """Only where the request offers it (a simple command's prefix)."""
        if not self._waiting or not self._waiting[0].request.always:
            return
        message = self._waiting.pop(0)
        if not message.future.done():
            message.future.set_result("always")
        self._show()
        if not self._waiting:
            self.post_message(self.Answered())

    def drop(self) -> None:
        """The turn ended: nothing waits any more."""
        for message in self._waiting:
            if not message.future.done():
                message.future.cancel()
        self._waiting.clear()
        self._show()
