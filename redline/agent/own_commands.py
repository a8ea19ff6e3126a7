"""The person's own commands: `!cmd` and `/test`, run in the repository root, not sandboxed.

The person typed them, so they run as typed (API keys are still removed from their environment,
since the output goes to the model). The output waits to go with the person's next message as
context; a failing run can be sent back with `/fix`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from redline.agent.context import BuiltContext, ContextSource
from redline.agent.conversation import Conversation

if TYPE_CHECKING:  # the shell's modules load with the first command, not at start-up
    from redline.tools.shell import CommandResult, ShellTool
    from redline.tools.shell.runner import OnOutput

CommandKind = Literal["command", "test"]
SHARED_CHARS = 12_000  # of one command's output, in the next message


@dataclass(frozen=True, slots=True)
class OwnCommand:
    kind: CommandKind
    result: CommandResult

    def as_context(self) -> str:
        what = "ran the tests with" if self.kind == "test" else "ran"
        output = self.result.output
        if len(output) > SHARED_CHARS:
            output = (
                output[: SHARED_CHARS // 4] + "\n[... cut ...]\n" + output[-SHARED_CHARS // 4 * 3 :]
            )
        return (
            f"The person {what} `{self.result.command}` in the repository "
            f"({self.result.status}, {self.result.duration_ms:,.0f} ms). Output:\n"
            f"```\n{output.rstrip()}\n```"
        )

    def fix_prompt(self) -> str:
        what = "The tests fail" if self.kind == "test" else "This command fails"
        return f"{what}. Find the cause and fix it.\n\n{self.as_context()}"


class OwnCommands:
    """Runs one person's command at a time and keeps what goes with the next message."""

    def __init__(self, tool: ShellTool | Callable[[], ShellTool]) -> None:
        """``tool``: the shell, or how to make it on first use."""
        self._tool: ShellTool | None = None
        self._make: Callable[[], ShellTool] | None = None
        if callable(tool) and not hasattr(tool, "run_own"):
            self._make = tool
        else:
            self._tool = tool  # type: ignore[assignment]
        self.shared: list[OwnCommand] = []
        self.last_failed: OwnCommand | None = None
        self._cancel: asyncio.Event | None = None

    @property
    def tool(self) -> ShellTool:
        if self._tool is None:
            assert self._make is not None
            self._tool = self._make()
        return self._tool

    @property
    def running(self) -> bool:
        return self._cancel is not None

    def stop(self) -> bool:
        """Esc: kill the running command (True when there was one)."""
        if self._cancel is None:
            return False
        self._cancel.set()
        return True

    async def run(
        self, command: str, kind: CommandKind = "command", on_output: OnOutput | None = None
    ) -> OwnCommand:
        cancel = self._cancel = asyncio.Event()
        try:
            result = await self.tool.run_own(command, on_output=on_output, cancel=cancel)
        finally:
            self._cancel = None
        done = OwnCommand(kind, result)
        self.shared.append(done)
        self.last_failed = None if result.ok else done
        return done

    def take_shared(self) -> str:
        """What the next message carries (and then no longer)."""
        text = "\n\n".join(c.as_context() for c in self.shared)
        self.shared.clear()
        return text

    def take_fix(self) -> str | None:
        failed, self.last_failed = self.last_failed, None
        return failed.fix_prompt() if failed else None


class WithOwnCommands:
    """A context source that puts the person's command output before the repository context."""

    def __init__(self, own: OwnCommands, inner: ContextSource | None) -> None:
        self.own = own
        self.inner = inner
        self.pending = ""

    def build(self, prompt: str, conversation: Conversation) -> BuiltContext:
        built = self.inner.build(prompt, conversation) if self.inner else BuiltContext("")
        shared, self.pending = self.pending, ""
        if not shared:
            return built
        return BuiltContext(f"{shared}\n\n{built.text}".rstrip() + "\n", built.warnings)


__all__ = ["CommandKind", "OwnCommand", "OwnCommands", "WithOwnCommands"]
