"""Build the real RedlineApp for Pilot and snapshot tests, with everything outside it pinned.

Fixed: the git state, the repo path, the clock (advances a fixed step per reading), no
cursor blink, no session files unless asked.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from redline.tui.app import AppOptions, RedlineApp
from redline.tui.git_state import GitState
from redline.tui.sessions import LoadedSession, SessionStore

SIZE = (100, 30)


class StepClock:
    """A clock that moves ``step`` seconds each time it is read: deterministic meter figures."""

    def __init__(self, step: float = 0.001) -> None:
        self.now = 1000.0
        self.step = step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def make_app(
    *,
    provider: str | None = "sim",
    model: str | None = None,
    base_url: str | None = None,
    open_backend: Callable[[str | None, str | None, str | None], Awaitable[Any]] | None = None,
    sessions: SessionStore | None = None,
    resumed: LoadedSession | None = None,
    git: GitState = GitState("main", dirty=True, changed=2),
    clock: Callable[[], float] | None = None,
    repo_root: Path = Path("/repo"),
) -> RedlineApp:
    options = AppOptions(provider=provider, model=model, base_url=base_url, repo_root=repo_root)
    return RedlineApp(
        options,
        open_backend=open_backend,
        clock=clock or StepClock(),
        cursor_blink=False,
        read_git=lambda _path: git,
        sessions=sessions,
        resumed=resumed,
    )


async def failing_opener(provider: str | None, model: str | None, base_url: str | None) -> Any:
    """A backend that cannot be opened, with the sentence the backend layer would write."""
    raise RuntimeError(f"{provider}: CEREBRAS_API_KEY is not set.")
