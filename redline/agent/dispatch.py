"""Running the model's tool calls: parse, decide (approval policy), ask if needed, run, report.

Tools run in a thread (file reads, git). A question to the person is an ``ApprovalRequested``
carrying a future; the call waits for it. Every call ends as a ``ToolStep`` and a
``ToolFinished`` message, whether it ran, failed or was denied.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from redline.agent.approval import ApprovalMode, Decision, decide
from redline.agent.messages import (
    ApprovalAnswer,
    ApprovalRequest,
    ApprovalRequested,
    CommandOutput,
    CommandRunning,
    EditProposed,
    Emit,
    Notice,
    StepStatus,
    ToolCallStarted,
    ToolFinished,
)
from redline.agent.steps import ToolStep
from redline.agent.timing import Phase, PhaseClock
from redline.backends.events import ToolCall
from redline.tools.agent import (
    AgentTool,
    ToolResult,
    Workspace,
    parse_call,
    patch_blocks,
    run_parsed,
)

if TYPE_CHECKING:
    from redline.tools.edits.turn_track import TurnTracker
    from redline.tools.shell import OutputChunk, ShellTool


class ToolDispatch:
    def __init__(
        self,
        workspace: Workspace,
        mode: Callable[[], ApprovalMode],
        *,
        can_ask: bool,
        clock: Callable[[], float] = time.perf_counter,
        shell: ShellTool | None = None,
        tracker: TurnTracker | None = None,
        phases: PhaseClock | None = None,
    ) -> None:
        self.workspace = workspace
        self.tracker = tracker  # notes what each writing tool changed, for the turn's commit
        self.track_error: str | None = None  # why the turn's changes could not be tracked
        self._phases = phases  # the turn's live time split: tool, waiting for the person
        self.shell = shell  # None: `shell` answers that it is not available
        self._mode = mode
        self._can_ask = can_ask
        self._clock = clock
        self.tool_ms = 0.0  # time spent running tools (not waiting for the person)
        self.wait_ms = 0.0  # time spent waiting for the person's answer
        self._sandbox_said = False

    async def run(self, call: ToolCall, emit: Emit) -> ToolStep:
        self._enter("tool")
        try:
            return await self._run(call, emit)
        finally:
            self._enter("redline")

    def _enter(self, phase: Phase) -> None:
        if self._phases is not None:
            self._phases.enter(phase)

    async def _run(self, call: ToolCall, emit: Emit) -> ToolStep:
        emit(ToolCallStarted(call.call_id, call.name, call.arguments))
        started = self._clock()
        parsed = parse_call(call.name, call.arguments)
        if isinstance(parsed, ToolResult):  # unknown tool, broken JSON: the model is told
            return self._finish(call, "error", parsed.output, started, emit)
        tool, args = parsed
        if tool.name == "shell" and self.shell is not None:
            return await self._shell(call, args, started, emit)
        decision = decide(self._mode(), tool.kind, can_ask=self._can_ask)
        if tool.name == "apply_patch":
            self._propose(str(args.get("patch", "")), emit)
        if decision.verdict == "ask":
            self.tool_ms += (self._clock() - started) * 1000
            asked = self._clock()
            try:
                decision = await self._ask(call, tool, args, emit)
            finally:
                self.wait_ms += (self._clock() - asked) * 1000
            started = self._clock()  # the person's thinking time is not tool time
        if decision.verdict == "deny":
            return self._finish(call, "denied", f"denied: {decision.reason}", started, emit)
        before = await self._window_opens() if tool.kind != "read" else None
        work = asyncio.ensure_future(asyncio.to_thread(run_parsed, self.workspace, tool, args))
        try:
            result = await asyncio.shield(work)
        except asyncio.CancelledError:
            await asyncio.wait([work])  # a write ends (all or nothing) before it is noted
            raise
        finally:
            await self._window_closes(before)
            self.tool_ms += (self._clock() - started) * 1000
        status: StepStatus = "ok" if result.ok else "error"
        return self._finish(call, status, result.output, started, emit, counted=True)

    async def _shell(
        self, call: ToolCall, args: dict[str, object], started: float, emit: Emit
    ) -> ToolStep:
        """A command: the shell's own policy (sandbox, remembered prefixes), asked with its
        exact text and directory, run streaming (a cancelled turn kills it)."""
        from redline.tools.shell import ShellArgsError, parse_shell_args

        shell = self.shell
        assert shell is not None
        try:
            shell_args = parse_shell_args(args)
        except ShellArgsError as exc:
            return self._finish(call, "error", str(exc), started, emit)
        status = await shell.sandbox_status()
        if status.problem and not self._sandbox_said:
            self._sandbox_said = True
            emit(Notice(status.problem, "warning"))
        decision = await shell.decide(self._mode(), shell_args.command, interactive=self._can_ask)
        if decision.action == "deny":
            why = f"denied: {decision.reason}; the command did not run"
            return self._finish(call, "denied", why, started, emit)
        if decision.action == "ask":
            approval = await shell.approval(shell_args.command)
            where = "sandboxed: writes only in the repository and /tmp, no network"
            if not approval.sandboxed:
                where = "NOT sandboxed (no sandbox on this machine)"
            request = ApprovalRequest(
                call.call_id,
                "shell",
                f"run `{shell_args.command}`",
                f"$ {shell_args.command}\nin {approval.cwd} · {where}",
                always=approval.prefix or "",
            )
            self.tool_ms += (self._clock() - started) * 1000
            asked = self._clock()
            future: asyncio.Future[ApprovalAnswer] = asyncio.get_running_loop().create_future()
            emit(ApprovalRequested(request, future))
            self._enter("wait")
            try:
                answer = await future
            finally:
                self._enter("tool")
                self.wait_ms += (self._clock() - asked) * 1000
            started = self._clock()
            if not answer:
                why = "denied: the person said no; the command did not run"
                return self._finish(call, "denied", why, started, emit)
            if answer == "always" and approval.prefix:
                shell.remember(approval.prefix)
        before = await self._window_opens()
        emit(CommandRunning(call.call_id, shell_args.command, decision.sandboxed))
        call_id = call.call_id

        def output(chunk: OutputChunk) -> None:
            emit(CommandOutput(call_id, chunk.stream, chunk.text))

        try:
            hide = self.workspace.guard.why  # what the read tools refuse, the sandbox hides
            result = await shell.run(shell_args, on_output=output, why=hide)
        finally:
            await self._window_closes(before)
            self.tool_ms += (self._clock() - started) * 1000
        status_word: StepStatus = "ok" if result.ok else "error"
        return self._finish(call, status_word, result.for_model(), started, emit, counted=True)

    async def _window_opens(self) -> str | None:
        """The tree just before a tool that may write (None: not tracked)."""
        tracker = self.tracker
        if tracker is None or self.track_error is not None:
            return None
        from redline.tools.edits.turn_track import TrackError

        try:
            return await asyncio.to_thread(tracker.snapshot)
        except TrackError as exc:
            self.track_error = str(exc)
            return None

    async def _window_closes(self, before: str | None) -> None:
        """What changed since ``before`` is the turn's (also when the tool was interrupted)."""
        tracker = self.tracker
        if tracker is None or before is None:
            return
        from redline.tools.edits.turn_track import TrackError

        try:
            await asyncio.to_thread(tracker.record, before)
        except TrackError as exc:
            self.track_error = str(exc)

    def _propose(self, patch: str, emit: Emit) -> None:
        """The patch's files as edit cards, while the person decides (or it applies)."""
        try:
            blocks = patch_blocks(patch)
        except ValueError:
            return  # the tool says what is wrong with it
        for block in blocks:
            emit(EditProposed(block))

    async def _ask(
        self, call: ToolCall, tool: AgentTool, args: dict[str, object], emit: Emit
    ) -> Decision:
        detail = str(args.get("patch") or args.get("command") or "")
        request = ApprovalRequest(call.call_id, tool.name, summarize(tool.name, args), detail)
        future: asyncio.Future[ApprovalAnswer] = asyncio.get_running_loop().create_future()
        emit(ApprovalRequested(request, future))
        self._enter("wait")
        try:
            approved = await future
        finally:
            self._enter("tool")
        return Decision("allow") if approved else Decision("deny", "the person said no")

    def _finish(
        self,
        call: ToolCall,
        status: StepStatus,
        output: str,
        started: float,
        emit: Emit,
        *,
        counted: bool = False,
    ) -> ToolStep:
        duration = (self._clock() - started) * 1000
        if not counted:
            self.tool_ms += duration
        step = ToolStep(call.call_id, call.name, call.arguments, status, output, duration)
        emit(ToolFinished(call.call_id, call.name, status, output, duration))
        return step


def summarize(name: str, args: dict[str, object]) -> str:
    """One line saying what a call would do."""
    if name == "apply_patch":
        try:
            paths = [b.path for b in patch_blocks(str(args.get("patch", "")))]
        except ValueError:
            paths = []
        return f"apply_patch to {', '.join(paths) or 'files'}"
    if name == "shell":
        return f"run `{args.get('command', '')}`"
    shown = ", ".join(f"{k}={v!r}" for k, v in args.items())
    return f"{name}({shown})"
