"""The warm-up thread's imports: what the first turn needs, loaded while the person types.

The turn's request path comes first (``REQUEST_IMPORTS``: measured, what a first Enter with no
warm-up imports before its request is written; with tools on, the tools' specs, which load no
GitPython). What only the answer needs (the diff card, the scrollbar) and what only running a
tool needs (the registry, the turn's tracker: GitPython) come after, and wait while a turn's
request is on its way: the warm-up thread importing beside the first Enter holds the GIL and
the import locks the request path waits for.
"""

from __future__ import annotations

import importlib
import sys
import threading
from collections.abc import Iterable

REQUEST_IMPORTS = (
    "redline.agent.engine",
    "redline.tui.presenter",
    "redline.tools.context.builder",  # the first prompt's context (the index loads with it)
    "redline.tools.agent.specs",  # the tools' specs go with the request (no GitPython)
    "redline.tools.shell",  # the shell tool is made before the first request
    "redline.tools.edits.parser",  # the answer's edit blocks, from its first text
)

# Not before the answer streams: these wait while a request is on its way. The answer's
# own first; then the tools' (GitPython, ~0.1-0.2 s of import): a call comes at a step's end.
AFTER_REQUEST_IMPORTS = (
    "redline.tui.widgets.diff_card",
    "redline.tui.widgets._scrollbar",  # textual.scrollbar with it
    "redline.agent.dispatch",
    "redline.tools.agent.registry",
    "redline.tools.edits.turn_track",
    "redline.tools.edits.apply",
)

TURN_IMPORTS = REQUEST_IMPORTS + AFTER_REQUEST_IMPORTS

# The longest the warm-up waits for one request to go out; then it goes on regardless.
PAUSE_LIMIT_S = 1.0


class WarmUpGate:
    """Open while nothing is on its way; ``close()`` at Enter, ``open()`` once the request is
    on the wire (or the turn ended). The warm-up waits at it before each later module."""

    def __init__(self) -> None:
        self._open = threading.Event()
        self._open.set()
        self.paused = 0  # how many imports waited for a request

    def close(self) -> None:
        self._open.clear()

    def open(self) -> None:
        self._open.set()

    @property
    def is_open(self) -> bool:
        return self._open.is_set()

    def wait(self) -> None:
        """While a request is on its way: wait for it (at most ``PAUSE_LIMIT_S``)."""
        if not self._open.is_set():
            self.paused += 1
            if not self._open.wait(PAUSE_LIMIT_S):
                self._open.set()  # a request that never said it went out: stop waiting

    def load(self, first: Iterable[str], after: Iterable[str]) -> None:
        """Import ``first``, then each of ``after`` once no request is on its way."""
        for name in first:
            importlib.import_module(name)
        for name in after:
            if name not in sys.modules:
                self.wait()
            importlib.import_module(name)
