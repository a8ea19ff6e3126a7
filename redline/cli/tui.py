"""`redline` with no command: the TUI."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from redline.config import Config
    from redline.tools.context import ContextSet


def _config(repo_root: Path) -> tuple[Config, Callable[..., Path]]:
    """The merged config (raises ``ConfigError``) and the function that saves a user setting."""
    from redline.config import load_config, save_user_setting

    return load_config(repo_root), save_user_setting


def _context_set(repo_root: Path, config: Config) -> ContextSet:
    """The repository context sent with each prompt (indexed in the background once started)."""
    from redline.tools.context import DEFAULT_BUDGET, ContextSet

    budget = config.context_budget or DEFAULT_BUDGET
    return ContextSet(repo_root, budget=budget)


# Textual draws a refreshed screen at its next frame slot; 120 slots a second put new text on
# screen within ~8 ms of the transcript's tick (frames still come no closer than its 1/60 s).
FRAME_RATE = "120"

# Textual writes each frame to the terminal from its own thread, which then waits for the GIL:
# at Python's default 5 ms switch interval a frame composed while the stream is busy reached
# the terminal up to 5 ms later (10-20 ms at the tail, measured with REDLINE_TRACE_FRAMES).
SWITCH_INTERVAL_S = 0.001


def tune_runtime() -> None:
    """What the TUI needs of the interpreter, set before Textual is imported."""
    from redline.tui import startup_gc

    startup_gc.pause()  # until the first paint (the app resumes it; ``run`` at the latest)
    os.environ.setdefault("TEXTUAL_FPS", FRAME_RATE)  # read once, when Textual is imported
    sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL_S))


def quiet_terminal(fd: int) -> Callable[[], None]:
    """Keys typed while redline starts are not echoed by the terminal (cooked mode would print
    them over the shell's screen before Textual takes it); they still reach the prompt, read by
    Textual once it starts. Returns what puts the terminal back as it was."""
    import termios

    try:
        if not os.isatty(fd):
            return lambda: None
        before = termios.tcgetattr(fd)
        quiet = termios.tcgetattr(fd)
        quiet[3] &= ~(termios.ECHO | termios.ICANON)
        quiet[6][termios.VMIN], quiet[6][termios.VTIME] = 1, 0
        termios.tcsetattr(fd, termios.TCSANOW, quiet)  # not TCSAFLUSH: keep what was typed
    except (OSError, termios.error):
        return lambda: None

    def restore() -> None:
        try:
            termios.tcsetattr(fd, termios.TCSADRAIN, before)
        except (OSError, termios.error):
            pass

    return restore


def run(args: argparse.Namespace) -> int:
    try:
        fd = sys.stdin.fileno()
    except (OSError, ValueError):  # no real stdin (a test's stand-in)
        fd = -1
    restore = quiet_terminal(fd) if fd >= 0 else (lambda: None)
    try:  # Textual puts back the terminal it found (this quiet one): this restores the first
        return _run(args)
    finally:
        restore()
        from redline.tui import startup_gc

        startup_gc.resume()  # an app that ended before its first paint


def _run(args: argparse.Namespace) -> int:
    tune_runtime()
    from redline.agent.store import SessionError, SessionStore
    from redline.tui.app import AppOptions, RedlineApp

    repo_root = Path.cwd()
    try:
        config, save_setting = _config(repo_root)
    except Exception as exc:  # ConfigError: a sentence naming the file and line
        print(f"redline: {exc}", file=sys.stderr)
        return 2
    store = SessionStore()
    resumed = None
    if args.resume:
        try:
            resumed = store.load(args.resume, repo_root)
        except SessionError as exc:
            print(f"redline: {exc}", file=sys.stderr)
            return 2
    if not sys.stdin.isatty():  # the TUI reads its keys from stdin: a pipe would ignore them all
        print(
            "redline: standard input is not a terminal, so the TUI could not read your keys. "
            "To run one prompt from a pipe: echo 'your request' | redline exec -",
            file=sys.stderr,
        )
        return 2
    options = AppOptions(
        provider=args.provider,
        model=args.model,
        base_url=args.base_url,
        resume=args.resume,
        approval=args.approval or "ask",
        auto_apply=args.auto_apply or bool(getattr(config, "auto_apply", False)),
        repo_root=repo_root,
    )
    app = RedlineApp(
        options,
        config=config,
        sessions=store,
        resumed=resumed,
        save_setting=save_setting,
        context_set=_context_set(repo_root, config),
    )
    app.run()
    return 0
