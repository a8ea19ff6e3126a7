"""App-wide messages: how workers (threads, background tasks) tell the UI what happened."""

from __future__ import annotations

from textual.message import Message

from redline.tui.git_state import GitState


class GitStateRead(Message):
    """The repository's branch and dirty state, read in a thread."""

    def __init__(self, state: GitState) -> None:
        super().__init__()
        self.state = state
