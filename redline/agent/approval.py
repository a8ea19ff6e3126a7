"""Approval modes (DESIGN.md "The agent"): which tool calls run, which ask, which are denied.

``read-only``: read tools only. ``ask`` (default): edits and commands ask. ``auto-edit``: edits
apply, commands ask. ``full-auto``: commands run too, inside the sandbox (without one they ask).
With nobody to ask (``redline exec``), what would ask is denied and the model is told why.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ApprovalMode = Literal["read-only", "ask", "auto-edit", "full-auto"]
ToolKind = Literal["read", "edit", "command"]
Verdict = Literal["allow", "ask", "deny"]

MODES: tuple[ApprovalMode, ...] = ("read-only", "ask", "auto-edit", "full-auto")
DEFAULT_MODE: ApprovalMode = "ask"


@dataclass(slots=True, frozen=True)
class Decision:
    verdict: Verdict
    reason: str = ""  # for a denial: told to the model, and to the person with the flag to use


def parse_mode(text: str) -> ApprovalMode:
    """``text`` as a mode; raises ``ValueError`` with a sentence naming the modes."""
    for mode in MODES:
        if text == mode:
            return mode
    raise ValueError(f"unknown approval mode {text!r}; use one of {', '.join(MODES)}")


def next_mode(mode: ApprovalMode) -> ApprovalMode:
    """The mode after ``mode`` (the TUI's key cycles through them)."""
    return MODES[(MODES.index(mode) + 1) % len(MODES)]


def flag_for(kind: ToolKind) -> str:
    """The flag that lets a call of ``kind`` run without asking."""
    return "--approval auto-edit" if kind == "edit" else "--approval full-auto"


def decide(
    mode: ApprovalMode, kind: ToolKind, *, can_ask: bool = True, sandboxed: bool = False
) -> Decision:
    """What ``mode`` says about a call of ``kind``."""
    if kind == "read":
        return Decision("allow")
    if mode == "read-only":
        what = "edits" if kind == "edit" else "commands"
        return Decision("deny", f"the approval mode is read-only: {what} are not allowed")
    if kind == "edit" and mode in ("auto-edit", "full-auto"):
        return Decision("allow")
    if kind == "command" and mode == "full-auto" and sandboxed:
        return Decision("allow")
    if can_ask:
        return Decision("ask")
    what = "an edit" if kind == "edit" else "a command"
    return Decision(
        "deny", f"{what} needs approval and nobody can approve it here ({flag_for(kind)} allows it)"
    )
