"""/race and /stats: race 2-4 backends on a prompt; the speed history per provider and model."""

from __future__ import annotations

from redline.tui.slash import SlashCommand, SlashContext


def _race(ctx: SlashContext, arg: str) -> None:
    ctx.ui.start_race(arg)


def _stats(ctx: SlashContext, arg: str) -> None:
    ctx.ui.show_stats()


def commands() -> list[SlashCommand]:
    return [
        SlashCommand(
            "race", "race 2-4 backends on the same prompt, keep one answer", _race, "PROMPT", "f8"
        ),
        SlashCommand("stats", "speed history: medians per provider and model", _stats),
    ]
