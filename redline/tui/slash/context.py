"""The context commands: `/context`, `/add`, `/drop` (the session holds the ``ContextSet``)."""

from __future__ import annotations

import asyncio

from redline.agent import Notice
from redline.tui.slash import SlashCommand, SlashContext

OFF = "Repository context is off in this session."


async def _add(ctx: SlashContext, arg: str) -> None:
    context = ctx.session.context_set
    if context is None:
        ctx.ui.say(Notice(OFF, "warning"))
        return
    if not arg:
        ctx.ui.say(Notice("Usage: /add PATH (a file in the repository; @ completes paths)."))
        return
    added: list[str] = []
    missing: list[str] = []
    for word in arg.split():
        path = await asyncio.to_thread(context.add, word)
        (added if path else missing).append(path or word)
    if added:
        ctx.ui.say(Notice(f"Added {', '.join(added)}: sent whole with every request."))
    for word in missing:
        hints = await asyncio.to_thread(context.suggest, word)
        hint = f" Did you mean {', '.join(hints)}?" if hints else ""
        ctx.ui.say(Notice(f"No file matches {word!r}.{hint}", "warning"))
    ctx.ui.context_changed()


async def _drop(ctx: SlashContext, arg: str) -> None:
    context = ctx.session.context_set
    if context is None:
        ctx.ui.say(Notice(OFF, "warning"))
        return
    if not arg or arg.strip() in ("*", "all"):
        dropped = list(context.added)
        context.clear()
        ctx.ui.say(
            Notice(f"Dropped {len(dropped)} file(s)." if dropped else "No files were added.")
        )
        ctx.ui.context_changed()
        return
    for word in arg.split():
        path = context.drop(word)
        if path:
            ctx.ui.say(Notice(f"Dropped {path}."))
        else:
            now = ", ".join(context.added) or "none"
            ctx.ui.say(Notice(f"{word!r} is not added (added: {now}).", "warning"))
    ctx.ui.context_changed()


def _show(ctx: SlashContext, arg: str) -> None:
    ctx.ui.toggle_context(arg or None)


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
