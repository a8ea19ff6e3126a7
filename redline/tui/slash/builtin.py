"""The slash commands the shell itself provides, and where other work plugs in its own.

To add commands (``/undo``, ``/diff``, ``/context``, ``/add``, ``/drop``, ``/race``...), write a
module with ``def commands() -> list[SlashCommand]`` and list it in ``EXTRA_MODULES``.
"""

from __future__ import annotations

import importlib

from redline.tui.slash import SlashCommand, SlashContext, SlashRegistry

EXTRA_MODULES: tuple[str, ...] = (
    "redline.tui.slash.context",
    "redline.tui.slash.edits",
    "redline.tui.slash.race",
    "redline.tui.slash.shell",
    "redline.tui.slash.copy",
    "redline.tui.slash.queue",
    "redline.tui.slash.sessions",
)


def _backend(ctx: SlashContext, arg: str) -> None:
    if arg:
        ctx.ui.switch_backend(arg)
    else:
        ctx.ui.pick_backend()


def _model(ctx: SlashContext, arg: str) -> None:
    if arg:
        ctx.ui.switch_model(arg)
    else:
        ctx.ui.pick_model()


def _clear(ctx: SlashContext, arg: str) -> None:
    ctx.ui.clear_conversation()


def _theme(ctx: SlashContext, arg: str) -> None:
    if arg:
        ctx.ui.set_theme(arg)
    else:
        ctx.ui.pick_theme()


def _help(ctx: SlashContext, arg: str) -> None:
    ctx.ui.show_help()


async def _quit(ctx: SlashContext, arg: str) -> None:
    await ctx.ui.quit()


def builtin_commands() -> list[SlashCommand]:
    return [
        SlashCommand("backend", "pick a provider (or /backend NAME)", _backend, "[NAME]", "ctrl+b"),
        SlashCommand(
            "model", "pick a model from /v1/models (or /model ID)", _model, "[ID]", "ctrl+o"
        ),
        SlashCommand("clear", "start a new conversation", _clear),
        SlashCommand("theme", "pick a theme (or /theme NAME)", _theme, "[NAME]"),
        SlashCommand("help", "keys and commands", _help, key="f1"),
        SlashCommand("quit", "leave redline", _quit, key="ctrl+q"),
    ]


def extra_commands() -> list[SlashCommand]:
    """The other modules' commands (importing them is slow: the app does it after first paint)."""
    commands: list[SlashCommand] = []
    for module_name in EXTRA_MODULES:
        commands.extend(importlib.import_module(module_name).commands())
    return commands


def default_registry(*, extras: bool = True) -> SlashRegistry:
    registry = SlashRegistry(builtin_commands())
    for command in extra_commands() if extras else ():
        registry.register(command)
    return registry
