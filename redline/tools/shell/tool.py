"""The `shell` agent tool: `{"command": str, "timeout_s": number?}` (DESIGN.md "The agent").

`ShellTool` ties the pieces for one repository: arguments checked, the sandbox found once, the
approval policy with the remembered prefixes, the scrubbed environment, the run. The agent asks the
person when `decide` says "ask", then calls `run` (or answers the model with the denial).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import os
import tempfile
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from redline.tools.shell.approvals import (
    Answer,
    ApprovalMode,
    CommandDecision,
    RememberedPrefixes,
    command_prefix,
    decide_command,
)
from redline.tools.shell.env import scrub_env
from redline.tools.shell.hide import (
    Why,
    config_without_credentials,
    default_why,
    global_git_configs,
    hidden_paths,
    repository_git_configs,
)
from redline.tools.shell.output import MODEL_OUTPUT_CHARS
from redline.tools.shell.runner import DEFAULT_TIMEOUT_S, CommandResult, OnOutput, run_command
from redline.tools.shell.sandbox import SandboxPolicy, SandboxStatus, find_sandbox

MAX_TIMEOUT_S = 1800.0
MAX_COMMAND_CHARS = 20_000

SHELL_TOOL: dict[str, Any] = {
    "name": "shell",
    "description": (
        "Run a shell command (bash -c) in the repository root and get its exit code and output "
        "(long output keeps its start and end). Runs sandboxed when possible: writes only inside "
        "the repository and /tmp, no network, .git read-only. Stdin is closed; no interactive "
        "programs. The person may be asked to approve it first, or may deny it."
    ),
    "parameters": {
        "type": "object",
        "properties": {
            "command": {"type": "string", "description": "the command line, e.g. `pytest -q`"},
            "timeout_s": {
                "type": "number",
                "description": f"seconds before it is killed (default {DEFAULT_TIMEOUT_S:.0f})",
            },
        },
        "required": ["command"],
        "additionalProperties": False,
    },
}


class ShellArgsError(ValueError):
    """The model's arguments, refused in one sentence the model can act on."""


@dataclass(frozen=True, slots=True)
class ShellArgs:
    command: str
    timeout_s: float = DEFAULT_TIMEOUT_S


def parse_shell_args(arguments: str | Mapping[str, object]) -> ShellArgs:
    """The tool call's JSON arguments, checked. Keys other than the two are ignored."""
    if isinstance(arguments, str):
        try:
            arguments = json.loads(arguments or "{}")
        except ValueError:
            raise ShellArgsError("shell arguments must be a JSON object") from None
    if not isinstance(arguments, Mapping):
        raise ShellArgsError('shell arguments must be a JSON object like {"command": "ls"}')
    command = arguments.get("command")
    if not isinstance(command, str) or not command.strip():
        raise ShellArgsError('shell needs "command": a non-empty string')
    if len(command) > MAX_COMMAND_CHARS or "\0" in command:
        raise ShellArgsError(f"shell command must be under {MAX_COMMAND_CHARS:,} characters")
    timeout = arguments.get("timeout_s", DEFAULT_TIMEOUT_S)
    if timeout is None:
        timeout = DEFAULT_TIMEOUT_S
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
        raise ShellArgsError('shell "timeout_s" must be a number of seconds')
    if not math.isfinite(timeout) or timeout <= 0:
        raise ShellArgsError('shell "timeout_s" must be greater than 0')
    return ShellArgs(command, min(float(timeout), MAX_TIMEOUT_S))


@dataclass(frozen=True, slots=True)
class ShellSettings:
    """Per repository. `network` and `writable` only from trusted config (see the safety issue)."""

    network: bool = False
    writable: tuple[Path, ...] = ()
    secret_names: tuple[str, ...] = ()  # every preset's key variable and configured api_key_env
    output_chars: int = MODEL_OUTPUT_CHARS


@dataclass(frozen=True, slots=True)
class CommandApproval:
    """What the person is shown before a command runs, and what "always" would remember."""

    command: str
    cwd: Path
    sandboxed: bool
    prefix: str | None  # None: "always" is not offered (a compound or run-anything command)


Ask = Callable[[CommandApproval], Awaitable[Answer]]


@dataclass(frozen=True, slots=True)
class ShellOutcome:
    """One `shell` call as the agent reports it: a step status and the text for the model."""

    status: Literal["ok", "error", "denied"]
    output: str
    result: CommandResult | None = None


@dataclass
class ShellTool:
    repo_root: Path
    settings: ShellSettings = field(default_factory=ShellSettings)
    remembered: RememberedPrefixes | None = None
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    _status: SandboxStatus | None = None
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def __post_init__(self) -> None:
        self.repo_root = self.repo_root.resolve()
        if self.remembered is None:
            self.remembered = RememberedPrefixes(self.repo_root)

    async def sandbox_status(self) -> SandboxStatus:
        """Found (and probed) once per tool."""
        async with self._lock:
            if self._status is None:
                self._status = await find_sandbox()
            return self._status

    @property
    def policy(self) -> SandboxPolicy:
        return SandboxPolicy(self.repo_root, self.settings.network, self.settings.writable)

    def env(self) -> dict[str, str]:
        return scrub_env(self.environ, self.settings.secret_names)

    async def decide(
        self, mode: ApprovalMode, command: str, *, interactive: bool = True
    ) -> CommandDecision:
        status = await self.sandbox_status()
        remembered = self.remembered.prefixes() if self.remembered else ()
        return decide_command(
            mode, command, sandboxed=status.available, remembered=remembered,
            interactive=interactive,
        )  # fmt: skip

    async def approval(self, command: str) -> CommandApproval:
        status = await self.sandbox_status()
        return CommandApproval(command, self.repo_root, status.available, command_prefix(command))

    def remember(self, prefix: str) -> None:
        if self.remembered is not None:
            self.remembered.remember(prefix)

    async def call(
        self,
        arguments: str | Mapping[str, object],
        *,
        mode: ApprovalMode,
        ask: Ask | None,
        on_output: OnOutput | None = None,
        cancel: asyncio.Event | None = None,
        why: Why = default_why,
    ) -> ShellOutcome:
        """Check, decide, ask when needed (``ask`` None: nobody to ask, as in exec), run."""
        try:
            args = parse_shell_args(arguments)
        except ShellArgsError as exc:
            return ShellOutcome("error", str(exc))
        decision = await self.decide(mode, args.command, interactive=ask is not None)
        if decision.action == "deny":
            return ShellOutcome("denied", f"denied: {decision.reason}; the command did not run")
        if decision.action == "ask":
            assert ask is not None
            approval = await self.approval(args.command)
            answer = await ask(approval)
            if answer == "no":
                return ShellOutcome("denied", "denied: the person said no; the command did not run")
            if answer == "always" and approval.prefix:
                self.remember(approval.prefix)
        result = await self.run(args, on_output=on_output, cancel=cancel, why=why)
        return ShellOutcome("ok" if result.ok else "error", result.for_model(), result)

    async def run(
        self,
        args: ShellArgs,
        *,
        on_output: OnOutput | None = None,
        cancel: asyncio.Event | None = None,
        why: Why = default_why,
    ) -> CommandResult:
        """A model's command: inside the sandbox when there is one (the caller decided first),
        with every path ``why`` keeps from the model (and the person's secrets) covered."""
        status = await self.sandbox_status()
        policy = self.policy
        if status.sandbox is not None:
            hidden = await asyncio.to_thread(hidden_paths, self.repo_root, why, self.environ)
            if hidden.refused:
                return CommandResult(
                    args.command, self.repo_root, None, 0.0, "", sandbox=status.sandbox.kind,
                    error=hidden.refused,
                )  # fmt: skip
            policy = replace(policy, hidden=hidden)
        sandboxed = status.sandbox is not None
        with _clean_git_configs(self.repo_root, self.environ, sandboxed) as replaced:
            if replaced:
                policy = replace(policy, hidden=replace(policy.hidden, replaced=replaced))
            return await run_command(
                args.command, self.repo_root, env=self.env(), timeout_s=args.timeout_s,
                sandbox=status.sandbox, policy=policy, on_output=on_output, cancel=cancel,
                output_chars=self.settings.output_chars,
            )  # fmt: skip

    async def run_own(
        self,
        command: str,
        *,
        timeout_s: float = MAX_TIMEOUT_S,
        on_output: OnOutput | None = None,
        cancel: asyncio.Event | None = None,
    ) -> CommandResult:
        """The person's own command (`!cmd`, `/test`): not sandboxed, keys still removed."""
        return await run_command(
            command, self.repo_root, env=self.env(), timeout_s=timeout_s, on_output=on_output,
            cancel=cancel, output_chars=self.settings.output_chars,
        )  # fmt: skip


@contextlib.contextmanager
def _clean_git_configs(
    repo_root: Path, environ: Mapping[str, str], sandboxed: bool
) -> Iterator[tuple[tuple[Path, Path], ...]]:
    """Copies of the git config files a command would read (the repository's, a linked worktree's
    shared one, the person's ``~/.gitconfig``) without credentials, for the sandbox to show in their
    place while the command runs (nothing when there is none to remove, or no sandbox)."""
    if not sandboxed:
        yield ()
        return
    replaced: list[tuple[Path, Path]] = []
    try:
        for path in [*repository_git_configs(repo_root), *global_git_configs(environ)]:
            clean = config_without_credentials(path)
            if clean is None:
                continue
            fd, name = tempfile.mkstemp(prefix="redline-gitconfig-")
            replaced.append((Path(name), path))
            with os.fdopen(fd, "w", encoding="utf-8", errors="surrogateescape") as out:
                out.write(clean)
        yield tuple(replaced)
    finally:
        for copy, _ in replaced:
            copy.unlink(missing_ok=True)


def secret_names_of(key_envs: Iterable[str | None]) -> tuple[str, ...]:
    return tuple(sorted({k for k in key_envs if k}))
