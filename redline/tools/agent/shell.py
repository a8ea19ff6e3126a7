"""``shell {command, timeout_s?}``: the contract, from ``redline.tools.shell`` (one definition).

Commands run through ``ShellTool`` (async, sandboxed, approvals); ``run`` here only answers a
call that reached the plain registry without it.
"""

from __future__ import annotations

from collections.abc import Mapping

from redline.tools.agent.result import ToolResult
from redline.tools.shell import SHELL_TOOL

NAME: str = SHELL_TOOL["name"]
DESCRIPTION: str = SHELL_TOOL["description"]
PARAMETERS: Mapping[str, object] = SHELL_TOOL["parameters"]


def run(args: dict[str, object]) -> ToolResult:
    return ToolResult.failure(
        "shell is not available here; use read_file, list_files, search and apply_patch"
    )
