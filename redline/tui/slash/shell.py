"""`/test`: the project's tests, run like the person's own `!cmd` (its output goes with the next
message; a failing run goes back to the model with `/fix`)."""

from __future__ import annotations

from redline.agent import Notice
from redline.tui.slash import SlashCommand, SlashContext

NO_TEST_COMMAND = (
    'No test command found here; set one in your config, e.g. test_command = "pytest -q" '
    "(or run it with !COMMAND)."
)


def _test(ctx: SlashContext, arg: str) -> None:
    command = ctx.ui.test_command()
    if command is None:
        ctx.ui.say(Notice(NO_TEST_COMMAND, "warning"))
        return
    if arg.strip():
        command = f"{command} {arg.strip()}"
    ctx.ui.run_own_command(command, "test", "tests")


def commands() -> list[SlashCommand]:
    return [
        SlashCommand("test", "run the project's tests (/test ARGS adds arguments)", _test, "[ARGS]")
    ]
