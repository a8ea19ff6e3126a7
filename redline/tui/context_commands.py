"""The context work in the TUI: `/context`, `/add`, `/drop`, `@` completion, background indexing.

The app holds a ``ContextSet`` as ``app.context_set`` (None: no context is sent). Everything that
touches the disk runs in a thread; the UI thread only reads the last index (completion).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from redline.tui.slash import SlashCommand
from redline.tui.widgets.completion_menu import Completion

if TYPE_CHECKING:
    from redline.tools.context import ContextBundle, ContextSet
    from redline.tui.app import RedlineApp

OFF = "Repository context is off in this session."
MAX_COMPLETIONS = 12
PROGRESS_STEP = 100  # files between status-bar updates while indexing


def context_of(app: Any) -> ContextSet | None:
    return getattr(app, "context_set", None)


# --- slash commands ----------------------------------------------------------------------


async def _add(app: RedlineApp, arg: str) -> None:
    context = context_of(app)
    if context is None:
        app.notify(OFF, severity="warning")
        return
    if not arg:
        app.notify("Usage: /add PATH (a file in the repository; @ completes paths).")
        return
    added: list[str] = []
    missing: list[str] = []
    for word in arg.split():
        path = await asyncio.to_thread(context.add, word)
        (added if path else missing).append(path or word)
    if added:
        app.notify(f"Added {', '.join(added)}: sent whole with every request.")
    for word in missing:
        hints = context.complete_paths(word, 3)
        hint = f" Did you mean {', '.join(hints)}?" if hints else ""
        app.notify(f"No file matches {word!r}.{hint}", severity="warning")
    update_estimate(app)


async def _drop(app: RedlineApp, arg: str) -> None:
    context = context_of(app)
    if context is None:
        app.notify(OFF, severity="warning")
        return
    if not arg or arg.strip() in ("*", "all"):
        dropped = list(context.added)
        context.clear()
        app.notify(f"Dropped {len(dropped)} file(s)." if dropped else "No files were added.")
        update_estimate(app)
        return
    for word in arg.split():
        path = context.drop(word)
        if path:
            app.notify(f"Dropped {path}.")
        else:
            now = ", ".join(context.added) or "none"
            app.notify(f"{word!r} is not added (added: {now}).", severity="warning")
    update_estimate(app)


def _show(app: RedlineApp, arg: str) -> None:
    toggle_context_panel(app, arg or None)


def _panel(app: Any) -> Any:
    from redline.tui.widgets.context_panel import ContextPanel

    try:
        panels = app.query(ContextPanel)
    except Exception:  # no screen yet, or the app is closing
        return None
    return panels.first() if panels else None


def toggle_context_panel(app: Any, draft: str | None = None) -> None:
    """f5 and `/context`: open the side panel (or close it); `/context TEXT` shows it for TEXT."""
    panel = _panel(app)
    if panel is None:
        return
    if context_of(app) is None:
        app.notify(OFF, severity="warning")
        return
    if panel.is_open and draft is None:
        panel.set_open(False)
        return
    panel.set_open(True)
    refresh_context_panel(app, draft)


def refresh_context_panel(app: Any, draft: str | None = None) -> None:
    """Rebuild the open panel's content off the UI loop (a preview: nothing is remembered)."""
    panel = _panel(app)
    if panel is None or not panel.is_open:
        return
    context = context_of(app)
    if context is None:
        panel.show_message(OFF)
        return
    prompt = draft if draft is not None else _draft(app)

    async def fill() -> None:
        try:
            bundle = await asyncio.to_thread(context.bundle, prompt, preview=True)
        except Exception as exc:  # tree-sitter, git or file errors: say so, never crash
            panel.show_message(f"Could not build the context: {exc}")
            return
        panel.show(bundle)

    app.run_worker(fill(), group="context-panel", exclusive=True)


def _draft(app: Any) -> str:
    try:
        from redline.tui.widgets.prompt import PromptInput

        return str(app.query_one(PromptInput).text)
    except Exception:
        return ""


def commands() -> list[SlashCommand]:
    return [
        SlashCommand(
            "context",
            "show or hide what the next request carries (files, symbols, map)",
            _show,
            key="f5",
        ),
        SlashCommand("add", "send a file whole with every request", _add, "PATH"),
        SlashCommand("drop", "stop sending an added file (no PATH: all)", _drop, "[PATH]"),
    ]


# --- `@` completion --------------------------------------------------------------------


def at_completions(context: ContextSet) -> Callable[[str], list[Completion]]:
    """Files first, then symbols, from the last index; never scans (fast per keystroke)."""

    def complete(word: str) -> list[Completion]:
        prefix = word[1:]
        if not prefix and not context.index.files:
            return []
        out = []
        for item in context.complete(prefix, MAX_COMPLETIONS):
            where = "file" if item.kind == "file" else f"{item.kind} in {item.path}:{item.line}"
            out.append(Completion(value=f"@{item.text} ", label=f"@{item.text}", help=where))
        return out

    return complete


# --- the turn loop's hook and the status bar -------------------------------------------


class TurnContext:
    """What the turn loop calls: the ContextSet's text, or nothing (with a notice) on failure."""

    def __init__(self, app: Any, context: ContextSet) -> None:
        self._app = app
        self._context = context

    def build(self, prompt: str, conversation: Any) -> str:
        try:
            bundle = self._context.bundle(prompt)
        except Exception as exc:  # never let context stop a turn
            self._notify(f"No repository context sent: {exc}", "warning")
            return ""
        for warning in bundle.warnings:
            self._notify(warning, "warning")
        return bundle.text

    def _notify(self, text: str, severity: str) -> None:
        try:
            self._app.call_from_thread(self._app.notify, text, severity=severity)
        except Exception:
            pass  # the app is closing


def turn_context(app: Any) -> TurnContext | None:
    context = context_of(app)
    return TurnContext(app, context) if context is not None else None


def context_tokens(app: Any) -> int:
    """The last request's context size (0 before the first)."""
    context = context_of(app)
    last: ContextBundle | None = context.last if context is not None else None
    return last.tokens if last is not None else 0


def update_estimate(app: Any) -> None:
    status = getattr(app, "_status", None)
    estimate = getattr(app, "_context_estimate", None)
    if status is not None and estimate is not None:
        status(context_tokens=estimate())
    refresh_context_panel(app)


def start_indexing(app: Any) -> None:
    """Index the repository in a thread at start-up, showing progress in the status bar."""
    context = context_of(app)
    if context is None:
        return

    def post(activity: str) -> None:
        try:
            app.call_from_thread(app._status, activity=activity)
        except Exception:
            pass  # the app is closing

    def progress(done: int, total: int) -> None:
        if total >= 2 * PROGRESS_STEP and (done % PROGRESS_STEP == 0 or done == total):
            post(f"indexing {done:,}/{total:,} files")

    def work() -> None:
        try:
            context.refresh(progress)
        except Exception as exc:
            post(f"context unavailable: {exc}")
            return
        post(app._activity())

    app.run_worker(work, thread=True, group="context-index", exclusive=True)
