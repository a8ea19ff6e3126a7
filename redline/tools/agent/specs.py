"""The agent's tools as offered to a model (DESIGN.md "The agent"): name, description, JSON
schema and kind, for every request with tools on.

Importing this loads no tool's implementation beyond what its module needs for its contract:
no GitPython (``registry`` runs the calls, ``turn_edits`` writes the patches).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from redline.tools.agent import apply_patch, list_files, read_file, search, shell

ToolKind = Literal["read", "edit", "command"]


@dataclass(frozen=True, slots=True)
class AgentTool:
    """One tool as offered to a model; ``kind`` is what approvals go by."""

    name: str
    description: str
    parameters: Mapping[str, object]
    kind: ToolKind

    @property
    def read_only(self) -> bool:
        return self.kind == "read"


TOOLS: dict[str, AgentTool] = {
    t.name: t
    for t in (
        AgentTool(read_file.NAME, read_file.DESCRIPTION, read_file.PARAMETERS, "read"),
        AgentTool(list_files.NAME, list_files.DESCRIPTION, list_files.PARAMETERS, "read"),
        AgentTool(search.NAME, search.DESCRIPTION, search.PARAMETERS, "read"),
        AgentTool(apply_patch.NAME, apply_patch.DESCRIPTION, apply_patch.PARAMETERS, "edit"),
        AgentTool(shell.NAME, shell.DESCRIPTION, shell.PARAMETERS, "command"),
    )
}
