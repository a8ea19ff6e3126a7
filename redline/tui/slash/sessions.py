"""The session commands: `/sessions` (continue a saved one)."""

from __future__ import annotations

from redline.tui.slash import SlashCommand, SlashContext


def _sessions(ctx: SlashContext, arg: str) -> None:
    ctx.ui.pick_session()


def commands() -> list[SlashCommand]:
    return [
        SlashCommand("sessions", "continue a saved session of this repository", _sessions),
    ]
