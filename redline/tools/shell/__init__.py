"""The `shell` tool: a command in the repository root, approved, sandboxed, keys removed, capped.

Modules: `env` (what a command's environment may hold), `output` (chunks and the model's capped
copy), `sandbox` (bubblewrap / sandbox-exec), `runner` (run, stream, time out, kill), `approvals`
(the policy and the remembered prefixes), `tool` (the agent tool), `testcmd` (the project's tests).
"""

from redline.tools.shell.approvals import (
    Answer,
    ApprovalMode,
    CommandDecision,
    RememberedPrefixes,
    command_prefix,
    decide_command,
    prefix_matches,
)
from redline.tools.shell.env import scrub_env
from redline.tools.shell.output import OutputChunk
from redline.tools.shell.runner import DEFAULT_TIMEOUT_S, CommandResult, run_command
from redline.tools.shell.sandbox import Sandbox, SandboxPolicy, SandboxStatus, find_sandbox
from redline.tools.shell.testcmd import detect_test_command
from redline.tools.shell.tool import (
    SHELL_TOOL,
    CommandApproval,
    ShellArgs,
    ShellArgsError,
    ShellOutcome,
    ShellSettings,
    ShellTool,
    parse_shell_args,
)

__all__ = [
    "DEFAULT_TIMEOUT_S",
    "SHELL_TOOL",
    "Answer",
    "ApprovalMode",
    "CommandApproval",
    "CommandDecision",
    "CommandResult",
    "OutputChunk",
    "RememberedPrefixes",
    "Sandbox",
    "SandboxPolicy",
    "SandboxStatus",
    "ShellArgs",
    "ShellArgsError",
    "ShellOutcome",
    "ShellSettings",
    "ShellTool",
    "command_prefix",
    "decide_command",
    "detect_test_command",
    "find_sandbox",
    "parse_shell_args",
    "prefix_matches",
    "run_command",
    "scrub_env",
]
