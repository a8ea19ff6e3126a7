"""``shell {command, timeout_s?}``: the contract only; running commands comes with the sandbox."""

from __future__ import annotations

from redline.tools.agent.result import ToolResult

NAME = "shell"
DESCRIPTION = (
    "Run a shell command in the repository root (sandboxed, no network, no API keys) and get "
    "its exit code and output. Use it for tests, builds and git status."
)
PARAMETERS: dict[str, object] = {
    "type": "object",
    "properties": {
        "command": {"type": "string", "description": "the command line, run by /bin/sh"},
        "timeout_s": {"type": "number", "description": "seconds before it is stopped"},
    },
    "required": ["command"],
    "additionalProperties": False,
}


def run(args: dict[str, object]) -> ToolResult:
    return ToolResult.failure(
        "shell is not available in this version of redline; use read_file, list_files, "
        "search and apply_patch"
    )
