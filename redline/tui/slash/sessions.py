"""The session commands: `/sessions` (continue a saved one), `/compact` (make room)."""

from __future__ import annotations

from redline.tui.slash import SlashCommand, SlashContext


def _sessions(ctx: SlashContext, arg: str) -> None:
    ctx.ui.pick_session()


def _compact(ctx: SlashContext, arg: str) -> None:
    ctx.ui.compact()


def commands() -> list[SlashCommand]:
    return [
        SlashCommand("sessions", "continue a saved session of this repository", _sessions),
        SlashCommand(
            "compact", "summarise the older turns to make room in the context window", _compact
        ),
    ]
