"""A tool card: one tool call as the transcript shows it (call, arguments, result folded, time).

Pure rendering; every byte of the call and its result comes from the model or the repository,
so it goes through the terminal sanitiser and never through markup.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.text import Text

from redline.safety.terminal import for_terminal, one_line

if TYPE_CHECKING:
    from redline.agent.messages import ApprovalRequest, ToolFinished

SHOWN_LINES = 3  # of the result; the rest is folded
ARG_CHARS = 60
_STATUS_STYLE = {"ok": "green", "error": "red", "denied": "yellow"}


def call_summary(name: str, arguments: str) -> str:
    """``read_file path=calc.py``: the call on one line, long values cut."""
    try:
        args = json.loads(arguments) if arguments.strip() else {}
    except ValueError:
        return f"{name} {one_line(arguments)[:ARG_CHARS]}"
    if not isinstance(args, dict):
        return name
    if name == "apply_patch":
        paths = [
            line.split(":", 1)[1].strip()
            for line in str(args.get("patch", "")).splitlines()
            if line.startswith(("*** Update File:", "*** Add File:", "*** Delete File:"))
        ]
        return f"{name} {', '.join(paths)}" if paths else name
    shown = []
    for key, value in args.items():
        text = one_line(value if isinstance(value, str) else json.dumps(value))
        shown.append(f"{key}={text[:ARG_CHARS] + '…' if len(text) > ARG_CHARS else text}")
    return " ".join([name, *shown])


def tool_card(done: ToolFinished, arguments: str) -> RenderableType:
    style = _STATUS_STYLE.get(done.status, "")
    title = Text()
    title.append("⚙ ", style="dim")
    title.append(call_summary(done.name, arguments), style="bold")
    title.append(f"  {done.status}", style=style)
    title.append(f" · {done.duration_ms:,.0f} ms", style="dim")
    lines = for_terminal(done.output).splitlines()
    body = Text()
    for line in lines[:SHOWN_LINES]:
        body.append(line + "\n", style="red" if done.status != "ok" else "")
    if len(lines) > SHOWN_LINES:
        body.append(f"… {len(lines) - SHOWN_LINES} more lines", style="dim")
    body.rstrip()
    return Panel(
        body if body.plain else Text("(no output)", style="dim"),
        title=title,
        title_align="left",
        border_style=style or "blue",
        padding=(0, 1),
    )


HELD_BACK = "your draft keeps the keys: send it (enter, tab queues it) or delete it, then answer"


def approval_text(request: ApprovalRequest, *, held_back: bool = False) -> RenderableType:
    head = Text()
    if held_back:
        head.append(f"⏸ {HELD_BACK}\n", style="bold")
    head.append("Allow ", style="bold")
    head.append(one_line(request.summary), style="bold yellow")
    head.append("?  ", style="bold")
    head.append("y", style="bold green")
    head.append(" yes · ")
    head.append("n", style="bold red")
    head.append(" no (the model is told)")
    if request.always:
        head.append(" · ")
        head.append("a", style="bold cyan")
        head.append(" always allow ")
        head.append(f"`{one_line(request.always)}`", style="bold")
        head.append(" here")
    head.append(" · ")
    head.append("esc", style="bold")
    head.append(" stop the turn")
    if not request.detail:
        return head
    detail = for_terminal(request.detail).splitlines()
    body = Text("\n".join(detail[:8]), style="dim")
    if len(detail) > 8:
        body.append(f"\n… {len(detail) - 8} more lines")
    return Group(head, body)
