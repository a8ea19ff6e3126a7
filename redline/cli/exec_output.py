"""What `redline exec` prints: the final JSON object, the JSONL event stream, step rows.

DESIGN.md "Command line" is the contract: ``--json`` prints one object; ``--jsonl`` one event per
line as the turn runs, then the same object with ``"type": "turn.finished"``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import TextIO

from redline.agent import (
    AgentMessage,
    EditProposed,
    Notice,
    ToolCallStarted,
    ToolFinished,
    Turn,
    TurnStarted,
)
from redline.agent.steps import STEP_OUTPUT_CHARS
from redline.backends.events import ReasoningDelta, StreamError, TextDelta, TextSnapshot
from redline.safety.terminal import json_dumps


def cut(text: str, limit: int = STEP_OUTPUT_CHARS) -> str:
    return (
        text
        if len(text) <= limit
        else text[:limit] + f"\n[... {len(text) - limit:,} characters cut]"
    )


def steps_json(turn: Turn) -> list[dict[str, object]]:
    return [
        {
            "tool": s.tool,
            "args": s.args(),
            "status": s.status,
            "output": cut(s.output),
            "duration_ms": round(s.duration_ms, 2),
        }
        for s in turn.steps
    ]


def timing_json(turn: Turn) -> dict[str, object]:
    t = turn.timing
    if t is None:
        return {"model_ms": None, "tool_ms": None, "overhead_ms": None}
    return {
        "model_ms": round(t.model_ms, 2),
        "tool_ms": round(t.tool_ms, 2),
        "overhead_ms": round(t.overhead_ms, 2),
    }


def commit_rows(repo_root: Path, sha: str) -> list[dict[str, object]]:
    """The files of the turn's commit as ``edits`` rows (status ``applied``)."""
    try:
        out = subprocess.run(
            ["git", "show", "--numstat", "--format=", sha],
            cwd=repo_root,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    rows: list[dict[str, object]] = []
    for line in out.splitlines():
        added, removed, path = [*line.split("\t", 2), "", "", ""][:3]
        if path:
            rows.append({
                "path": path, "status": "applied", "error": None,
                "added": int(added) if added.isdigit() else 0,
                "removed": int(removed) if removed.isdigit() else 0,
            })  # fmt: skip
    return rows


class JsonlStream:
    """One JSON object per line for each event of the turn (flushed at once: for pipes)."""

    def __init__(self, out: TextIO) -> None:
        self._out = out

    def write(self, obj: dict[str, object]) -> None:
        self._out.write(json_dumps(obj) + "\n")
        self._out.flush()

    def __call__(self, message: AgentMessage) -> None:
        kind = type(message)
        if kind is TextDelta:
            self.write({"type": "text", "text": message.text})  # type: ignore[union-attr]
        elif kind is ReasoningDelta:
            self.write({"type": "reasoning", "text": message.text})  # type: ignore[union-attr]
        elif kind is TextSnapshot:
            self.write({"type": "text.snapshot", "text": message.text})  # type: ignore[union-attr]
        elif isinstance(message, TurnStarted):
            self.write({
                "type": "turn.started", "prompt": message.prompt,
                "provider": message.provider, "model": message.model,
            })  # fmt: skip
        elif isinstance(message, ToolCallStarted):
            self.write({
                "type": "tool.started", "call_id": message.call_id, "tool": message.name,
                "arguments": message.arguments,
            })  # fmt: skip
        elif isinstance(message, ToolFinished):
            self.write({
                "type": "tool.finished", "call_id": message.call_id, "tool": message.name,
                "status": message.status, "output": cut(message.output),
                "duration_ms": round(message.duration_ms, 2),
            })  # fmt: skip
        elif isinstance(message, EditProposed):
            block = message.block
            self.write({"type": "edit.proposed", "path": block.path, "error": block.error})
        elif isinstance(message, Notice):
            self.write({"type": "notice", "text": message.text, "severity": message.severity})
        elif isinstance(message, StreamError):
            self.write({"type": "error", "kind": message.kind, "message": message.message})


def say_denied(message: AgentMessage, err: TextIO = sys.stderr) -> None:
    """A call denied for want of approval: the person learns which flag allows it."""
    if isinstance(message, ToolFinished) and message.status == "denied":
        print(f"redline exec: {message.name} {message.output}", file=err)
