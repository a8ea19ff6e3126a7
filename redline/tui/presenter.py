"""Shows one turn's agent messages in the transcript.

Called from the turn's task for every message, so the stream path stays cheap: events go to
the transcript's buffer (an append), everything is drawn later on the transcript's timer.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, get_args

from redline.agent import (
    AgentMessage,
    ApprovalRequested,
    CommandOutput,
    CommandRunning,
    EditProposed,
    Notice,
    SteeringSent,
    ToolCallStarted,
    ToolFinished,
    TurnFinished,
    TurnStarted,
)
from redline.backends.events import Event, StreamError, ToolCall, ToolCallDelta
from redline.tui.hints import SWITCH_HINT, for_tui
from redline.tui.widgets.transcript import Transcript, TurnHandle

if TYPE_CHECKING:
    from rich.console import RenderableType

    from redline.tools.edits import EditBlock
    from redline.tui.widgets._turn_view import ExtraPart
    from redline.tui.widgets.command_card import CommandCard

HINTED_KINDS = ("auth", "config", "rate_limit", "network")
STREAM_EVENTS = frozenset(get_args(Event)) - {StreamError, ToolCallDelta, ToolCall}


def with_hint(error: StreamError) -> StreamError:
    """Errors that another backend would fix: say that ctrl+b picks one."""
    message = for_tui(error.message)  # the backend's advice names flags: here, keys
    if error.kind not in HINTED_KINDS or "ctrl+b" in message:
        if message == error.message:
            return error
        return StreamError(error.kind, message, error.retry_after_s)
    if "/backend" in message:
        message = message.replace("/backend", "ctrl+b, /backend", 1)
    else:
        message = f"{message} {SWITCH_HINT}"
    return StreamError(error.kind, message, error.retry_after_s)


def _overwrites(root: Path | None, block: EditBlock) -> bool:
    """A move whose destination already exists (the card says so; the apply decides)."""
    if root is None or not block.move_to or block.move_to == block.path:
        return False
    from redline.tools.edits.safety import UnsafePath, check_path

    try:
        return (root / check_path(root, block.move_to)).is_file()
    except (UnsafePath, OSError):
        return False  # the apply refuses it and says why


MAX_BEFORE_BYTES = 1_000_000  # a bigger file's rewrite card counts the block alone


def file_before(root: Path | None, block: EditBlock) -> str | None:
    """The text a whole-file block rewrites (None: a new file, unreadable, binary or huge)."""
    from redline.tools.edits import EditKind

    if root is None or block.kind is not EditKind.WHOLE or block.content is None:
        return None
    from redline.tools.edits.safety import UnsafePath, check_path

    try:
        path = root / check_path(root, block.path)
        if not path.is_file() or path.stat().st_size > MAX_BEFORE_BYTES:
            return None
        data = path.read_bytes()
    except (UnsafePath, OSError):
        return None
    if b"\0" in data:
        return None
    return data.decode("utf-8", errors="replace")


class TurnPresenter:
    def __init__(
        self,
        transcript: Transcript,
        say: Callable[[Notice], None],
        ask: Callable[[ApprovalRequested], None] | None = None,
        activity: Callable[[str], None] | None = None,
        root: Path | None = None,
        command_card: Callable[[], CommandCard | None] | None = None,
    ) -> None:
        self._transcript = transcript
        self._say = say
        self._ask = ask
        self._activity = activity
        self._root = root  # the repository, to tell whether a move lands on an existing file
        self._handle: TurnHandle | None = None
        self._arguments: dict[str, str] = {}  # call id -> argument JSON, for its card
        self._streamed = 0  # argument characters of the call streaming now
        self._calling: str | None = None  # the tool call running now
        self._call_cards: list[ExtraPart] = []  # its edit cards (an apply_patch's files)
        # The card a model's running command streams into (None: the person's command has it).
        self._command_card = command_card
        self._card: CommandCard | None = None
        self._card_call = ""

    def __call__(self, message: AgentMessage) -> None:
        kind = type(message)
        handle = self._handle
        if kind in STREAM_EVENTS:
            if handle is not None:
                handle.push(message)  # type: ignore[arg-type]
        elif kind is StreamError:
            if handle is not None:
                handle.push(with_hint(message))  # type: ignore[arg-type]
        elif kind is TurnStarted:
            self._started(message)  # type: ignore[arg-type]
        elif kind is EditProposed:
            if handle is not None:
                self._edit_card(handle, message)  # type: ignore[arg-type]
        elif kind is TurnFinished:
            if self._card is not None:  # interrupted while a command ran: it was killed
                self._card.hide()
                self._card = None
            if handle is not None:
                turn = message.turn  # type: ignore[union-attr]
                if turn.error is not None:  # kept with the turn, as the transcript shows it
                    turn.error = with_hint(turn.error)
                handle.finish(turn)
        elif kind is ToolCallDelta:
            self._call_streams(message)  # type: ignore[arg-type]
        elif kind is ToolCallStarted:
            self._arguments[message.call_id] = message.arguments  # type: ignore[union-attr]
            self._calling = message.call_id  # type: ignore[union-attr]
            self._call_cards = []
            self._set_activity(f"running {message.name}")  # type: ignore[union-attr]
        elif kind is CommandOutput:
            if self._card is not None and message.call_id == self._card_call:  # type: ignore[union-attr]
                from redline.tools.shell import OutputChunk

                self._card.feed(OutputChunk(message.stream, message.text))  # type: ignore[union-attr]
        elif kind is CommandRunning:
            self._command_started(message)  # type: ignore[arg-type]
        elif kind is ToolFinished:
            self._tool_done(message)  # type: ignore[arg-type]
        elif kind is ApprovalRequested:
            if self._ask is not None:
                self._ask(message)  # type: ignore[arg-type]
            else:
                message.future.set_result(False)  # type: ignore[union-attr]
        elif kind is SteeringSent:
            if handle is not None:
                from rich.text import Text

                text = Text("↳ sent to the model: ", style="bold cyan")
                text.append(message.text)  # type: ignore[union-attr]
                handle.add_block(text)
        elif kind is Notice:
            self._say(message)  # type: ignore[arg-type]

    def _edit_card(self, handle: TurnHandle, message: EditProposed) -> None:
        from redline.tui.widgets.diff_card import card_counts, diff_card  # GitPython: not at start

        block = message.block
        over = _overwrites(self._root, block)
        before = file_before(self._root, block)

        def card(status: str) -> RenderableType:
            return diff_card(block, status=status, overwrites=over, before=before)

        status = "failed" if block.error else "proposed"
        count = (block.target, *card_counts(block, before))
        part = handle.add_card(card, status, count, at=message.at)
        if message.at is None and self._calling:  # a patch tool's: decided when the call ends
            self._call_cards.append(part)

    def _call_streams(self, delta: ToolCallDelta) -> None:
        if delta.name:
            self._streamed = 0
        self._streamed += len(delta.arguments)
        self._set_activity(f"calling a tool · {self._streamed:,} chars")

    def _command_started(self, running: CommandRunning) -> None:
        """The card above the prompt shows the command live (drawn on its own timer, the
        output sanitised and only its last lines kept); the tool card takes over at the end."""
        card = self._command_card() if self._command_card is not None else None
        self._card, self._card_call = card, running.call_id
        if card is not None:
            where = "sandboxed" if running.sandboxed else "not sandboxed"
            card.start(running.command, f"the model's command · {where}")

    def _tool_done(self, done: ToolFinished) -> None:
        self._set_activity("")
        self._calling = None
        cards, self._call_cards = self._call_cards, []
        if self._card is not None and done.call_id == self._card_call:
            self._card.hide()
            self._card = None
        if self._handle is None:
            return
        if done.status != "error" or not all(c.status == "failed" for c in cards):
            word = {"ok": "applied", "denied": "denied"}.get(done.status, "failed")
            for card in cards:
                if card.status == "proposed":
                    self._handle.set_status(card, word)
        from redline.tui.widgets.tool_card import tool_card

        self._handle.add_block(tool_card(done, self._arguments.pop(done.call_id, "")))

    def _set_activity(self, text: str) -> None:
        if self._activity is not None:
            self._activity(text)

    def _started(self, message: TurnStarted) -> None:
        handle = self._transcript.start_turn(
            message.turn_id, message.prompt, message.provider, message.model
        )
        if message.meter is not None:
            handle.attach_meter(message.meter)
        self._handle = handle
