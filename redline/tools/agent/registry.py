"""The agent's tools by name (DESIGN.md "The agent"): one way to run a call (the specs sent
with a request are ``specs``; this module loads the implementations, GitPython with them).

``run_tool`` never raises: unknown tools, broken argument JSON and failures inside a tool all
come back as a ``ToolResult`` with ``ok`` False and a sentence the model can act on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from redline.tools.agent import apply_patch, list_files, read_file, search, shell
from redline.tools.agent.arguments import ArgumentError, parse_arguments
from redline.tools.agent.protect import DEFAULT_GUARD, ReadGuard
from redline.tools.agent.result import ToolResult, cap_output
from redline.tools.agent.specs import TOOLS, AgentTool
from redline.tools.agent.turn_edits import TurnEdits
from redline.tools.context.files import find_root


@dataclass(slots=True)
class Workspace:
    """What the tools work on: the repository root and this turn's edits."""

    root: Path
    in_git: bool = True
    guard: ReadGuard = DEFAULT_GUARD  # what the read tools keep from the model
    edits: TurnEdits = field(init=False)

    def __post_init__(self) -> None:
        self.edits = TurnEdits(self.root)

    @classmethod
    def open(
        cls,
        start: Path | str,
        *,
        provider: str = "",
        model: str = "",
        checkpoint: bool = True,
        guard: ReadGuard = DEFAULT_GUARD,
    ) -> Workspace:
        """``checkpoint=False``: the caller commits the turn itself (``edits.turn``)."""
        root, in_git = find_root(Path(start))
        ws = cls(root, in_git, guard)
        ws.edits = TurnEdits(
            root, provider=provider, model=model, checkpoint=checkpoint, protected=guard.patterns
        )
        return ws


def parse_call(name: str, arguments: str) -> tuple[AgentTool, dict[str, object]] | ToolResult:
    """The tool and its checked arguments, or the failure to answer the model with."""
    tool = TOOLS.get(name)
    if tool is None:
        return ToolResult.failure(f"there is no tool {name!r}; the tools are {', '.join(TOOLS)}")
    try:
        return tool, parse_arguments(name, arguments, tool.parameters)
    except ArgumentError as exc:
        return ToolResult.failure(str(exc))


def run_tool(workspace: Workspace, name: str, arguments: str) -> ToolResult:
    """Run one call (blocking: file reads, git); the output is capped."""
    parsed = parse_call(name, arguments)
    if isinstance(parsed, ToolResult):
        return parsed
    tool, args = parsed
    return run_parsed(workspace, tool, args)


def run_parsed(workspace: Workspace, tool: AgentTool, args: dict[str, object]) -> ToolResult:
    root = workspace.root
    try:
        guard = workspace.guard
        if tool.name == read_file.NAME:
            result = read_file.run(root, args, guard=guard)
        elif tool.name == list_files.NAME:
            result = list_files.run(root, args, in_git=workspace.in_git, guard=guard)
        elif tool.name == search.NAME:
            result = search.run(root, args, in_git=workspace.in_git, guard=guard)
        elif tool.name == apply_patch.NAME:
            result = apply_patch.run(workspace.edits, args)
        else:
            result = shell.run(args)
    except Exception as exc:  # a tool's bug must not end the turn: tell the model, go on
        return ToolResult.failure(f"{tool.name} failed ({type(exc).__name__}: {exc})")
    if len(result.output) > MAX_RESULT_CHARS:
        return ToolResult(
            result.ok, cap_output(result.output, MAX_RESULT_CHARS), result.error, result.files
        )
    return result


MAX_RESULT_CHARS = 32_000
