"""The agent's tools: ``read_file``, ``list_files``, ``search``, ``apply_patch`` (and ``shell``'s
contract). Pure and typed: each takes the repository root and parsed arguments and returns a
``ToolResult``; ``run_tool`` runs a call by name from its argument JSON, never raising.
"""

from redline.tools.agent.apply_patch import TurnEdits, patch_blocks
from redline.tools.agent.arguments import ArgumentError, parse_arguments
from redline.tools.agent.registry import (
    TOOLS,
    AgentTool,
    ToolKind,
    Workspace,
    parse_call,
    run_parsed,
    run_tool,
)
from redline.tools.agent.result import ToolResult, cap_output

__all__ = [
    "TOOLS",
    "AgentTool",
    "ArgumentError",
    "ToolKind",
    "ToolResult",
    "TurnEdits",
    "Workspace",
    "cap_output",
    "parse_arguments",
    "parse_call",
    "patch_blocks",
    "run_parsed",
    "run_tool",
]
