"""The agent's tools: ``read_file``, ``list_files``, ``search``, ``apply_patch`` (and ``shell``'s
contract). Pure and typed: each takes the repository root and parsed arguments and returns a
``ToolResult``; ``run_tool`` runs a call by name from its argument JSON, never raising.

Modules: ``specs`` (the tools as offered to a model), ``registry`` (running a call),
``turn_edits`` (a turn's patches, through git), one module per tool.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from redline._lazy import lazy_exports

if TYPE_CHECKING:
    from redline.tools.agent.apply_patch import patch_blocks
    from redline.tools.agent.arguments import ArgumentError, parse_arguments
    from redline.tools.agent.registry import Workspace, parse_call, run_parsed, run_tool
    from redline.tools.agent.result import ToolResult, cap_output
    from redline.tools.agent.specs import TOOLS, AgentTool, ToolKind
    from redline.tools.agent.turn_edits import TurnEdits

# A request with tools on needs only the specs; running a tool loads the registry and GitPython.
__getattr__ = lazy_exports(
    __name__,
    {
        "apply_patch": ("patch_blocks",),
        "arguments": ("ArgumentError", "parse_arguments"),
        "registry": ("Workspace", "parse_call", "run_parsed", "run_tool"),
        "result": ("ToolResult", "cap_output"),
        "specs": ("TOOLS", "AgentTool", "ToolKind"),
        "turn_edits": ("TurnEdits",),
    },
)

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
