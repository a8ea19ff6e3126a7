"""The repository and app set-up the Pilot edit tests share: a real git repo with ``a.txt``, a
recording loopback server answering with an edit to it, the real app on that server, its toasts
collected in a list."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from tests.helpers_edits import make_repo
from tests.helpers_tui import RecordingServer, make_app

ALPHA = "alpha\nbeta\n"
# One SEARCH/REPLACE edit of ``a.txt``: alpha -> ALPHA.
REPLY = "a.txt\n```\n<<<<<<< SEARCH\nalpha\n=======\nALPHA\n>>>>>>> REPLACE\n```\n"


def alpha_repo(tmp_path: Path, text: str = ALPHA) -> Path:
    """A git repository with ``a.txt`` committed."""
    return make_repo(tmp_path / "repo", {"a.txt": text})


def noting(app: Any, notes: list[str]) -> Any:
    """``app`` with every toast's text appended to ``notes``."""
    app.notify = lambda message, **kw: notes.append(str(message))
    return app


@asynccontextmanager
async def served_app(
    repo: Path, notes: list[str] | None = None, reply: str = "Done:\n\n" + REPLY, **options: Any
) -> AsyncIterator[tuple[Any, RecordingServer]]:
    """The real app on a recording server that answers ``reply``, and the server (it stops at
    the end); toasts go to ``notes`` when given."""
    server = RecordingServer(reply)
    url = await server.start()
    try:
        app = make_app(provider=None, base_url=url, repo_root=repo, **options)
        yield (noting(app, notes) if notes is not None else app), server
    finally:
        await server.stop()
