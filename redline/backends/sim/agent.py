"""The simulator's scripted agent: reads the mentioned file, searches, edits it, and answers.

When the prompt holds a command in backticks (``run `pytest -q` after``) and ``shell`` is
offered, it runs that command after the edit. The answer says what the tools' results were: a
denied edit is reported as not made, a failed or denied command as such.

Stateless: the next step is derived from the conversation in the request (the tool calls made
since the last user message and their results), so any client, on either wire, can drive it.
A task of ``steps`` model requests is ``steps - 1`` tool calls then the answer; extra steps
re-read line ranges and search again before the edit.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

from redline.backends.sim.edits import (
    MARKER,
    ContextFile,
    choose_file,
    find_context_files,
    make_edit,
)
from redline.backends.sim.faults import AGENT_FAULTS

DEFAULT_STEPS = 4
_MENTION = re.compile(r"@?((?:[\w.-]+/)*[\w-]+\.[A-Za-z0-9]{1,8})\b")
_NUMBERED = re.compile(r"^\s*(\d+)\t(.*)$")
_IDENT = re.compile(r"\b(?:def|class|function|fn|func|struct|interface|type)\s+([A-Za-z_]\w*)")
_WORD = re.compile(r"[A-Za-z_][A-Za-z_0-9]{3,}")
_COMMAND = re.compile(r"`([^`\n]+)`")


@dataclass(slots=True, frozen=True)
class Step:
    """A tool call the conversation already holds, with its result (None: unanswered)."""

    name: str
    arguments: str
    result: str | None

    @property
    def failed(self) -> bool:
        return self.result is None or self.result.startswith("error")


@dataclass(slots=True, frozen=True)
class AgentView:
    prompt: str
    context: str  # system and user text (context files travel there)
    tools: tuple[str, ...]
    steps: tuple[Step, ...]  # since the last user message


@dataclass(slots=True, frozen=True)
class SimCall:
    call_id: str
    name: str
    arguments: str


@dataclass(slots=True, frozen=True)
class AgentMove:
    """What the simulated model does now: call a tool, or answer with ``text``."""

    call: SimCall | None = None
    text: str = ""
    stall: bool = False  # stream part of the call, then go silent (the client must time out)


def agent_view(body: Mapping[str, object]) -> AgentView | None:
    """The conversation as the agent sees it; None when the request offers no tools."""
    tools = _tool_names(body.get("tools"))
    if not tools:
        return None
    items = body.get("messages")
    if items is None:
        items = body.get("input")
    if isinstance(items, str):
        items = [{"role": "user", "content": items}]
    context = [str(body.get("instructions") or "")]
    prompt = ""
    calls: list[tuple[str, str, str]] = []  # (call_id, name, arguments)
    results: dict[str, str] = {}
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        role, kind = item.get("role"), item.get("type")
        if role == "user" or role in ("system", "developer"):
            text = _text(item.get("content"))
            context.append(text)
            if role == "user":
                prompt, calls, results = text, [], {}
        elif role == "assistant":
            for call in item.get("tool_calls") or []:
                if isinstance(call, dict) and isinstance(call.get("function"), dict):
                    fn = call["function"]
                    calls.append(
                        (str(call.get("id")), str(fn.get("name")), str(fn.get("arguments")))
                    )
        elif kind == "function_call":
            calls.append(
                (str(item.get("call_id")), str(item.get("name")), str(item.get("arguments")))
            )
        elif role == "tool":
            results[str(item.get("tool_call_id"))] = _text(item.get("content"))
        elif kind == "function_call_output":
            results[str(item.get("call_id"))] = _text(item.get("output"))
    steps = tuple(Step(name, args, results.get(cid)) for cid, name, args in calls)
    return AgentView(prompt, "\n".join(context), tools, steps)


def next_move(
    view: AgentView, *, steps: int = DEFAULT_STEPS, fault: str | None = None
) -> AgentMove:
    """The scripted model's next move: deterministic for a given conversation."""
    done = [s for s in view.steps if not s.failed]
    failures = len(view.steps) - len(done)
    faulted = failures > 0
    if failures > (1 if fault in AGENT_FAULTS else 0):
        return AgentMove(text=_answer(view, done, failed=True))  # never loop on errors
    target = _target(view, done)
    plan = _plan(view, _target(view, []) is not None, max(steps, 2))
    k = len(done)
    if k >= len(plan):
        return AgentMove(text=_answer(view, done))
    action = plan[k]
    call = _call(action, k, view, done, target)
    if call is None:
        return AgentMove(text=_answer(view, done))
    if fault in AGENT_FAULTS and not faulted:
        if fault == "bad-json":
            call = SimCall(call.call_id, call.name, call.arguments[:-2])  # cut short: not JSON
        elif fault == "unknown-tool":
            call = SimCall(call.call_id, "delete_everything", call.arguments)
        else:
            return AgentMove(call=call, stall=True)
    return AgentMove(call=call)


def _plan(view: AgentView, knows_file: bool, steps: int) -> list[str]:
    base = ["read", "search", "patch"] if knows_file else ["list", "read", "search", "patch"]
    room = steps - 1 - len(base)
    fillers = ["reread" if i % 2 == 0 else "research" for i in range(max(0, room))]
    plan = base[:-1] + fillers + base[-1:]
    if _command(view) is not None:
        plan.append("run")
    return [a for a in plan if _offered(view, a)]


def _command(view: AgentView) -> str | None:
    """The command the prompt asks to run, in backticks (None: none)."""
    found = _COMMAND.search(view.prompt)
    return found.group(1).strip() or None if found else None


def _offered(view: AgentView, action: str) -> bool:
    tool = {
        "list": "list_files",
        "read": "read_file",
        "reread": "read_file",
        "search": "search",
        "research": "search",
        "patch": "apply_patch",
        "run": "shell",
    }[action]
    return tool in view.tools


def _target(view: AgentView, done: list[Step]) -> str | None:
    """The file to work on: one in the request's context, one the prompt names, or listed."""
    files = find_context_files(view.context)
    chosen = choose_file(files, view.prompt)
    if chosen is not None:
        return chosen.path
    for match in _MENTION.finditer(view.prompt):
        return match.group(1)
    for step in done:
        if step.name == "list_files" and step.result:
            for line in step.result.splitlines():
                line = line.strip()
                if line and not line.startswith("[") and _MENTION.fullmatch(line):
                    return line
    return None


def _call(
    action: str, k: int, view: AgentView, done: list[Step], target: str | None
) -> SimCall | None:
    seq = len(view.steps)  # every call of the turn gets its own id, retries included
    cid = "call_" + hashlib.sha1(f"{view.prompt}\0{seq}".encode()).hexdigest()[:12]
    if action == "list":
        return SimCall(cid, "list_files", "{}")
    if action == "run":
        return SimCall(cid, "shell", json.dumps({"command": _command(view) or "true"}))
    if target is None:
        return None
    content = _file_text(done)
    if action == "read":
        return SimCall(cid, "read_file", json.dumps({"path": target}))
    if action == "reread":
        start = 1 + (k * 7) % max(1, content.count("\n") or 1)
        args = {"path": target, "start_line": start, "end_line": start + 20}
        return SimCall(cid, "read_file", json.dumps(args))
    if action in ("search", "research"):
        words = _identifiers(content) or [target.rsplit("/", 1)[-1].split(".")[0]]
        word = words[(k if action == "research" else 0) % len(words)]
        return SimCall(cid, "search", json.dumps({"pattern": rf"\b{word}\b"}))
    edit = make_edit(ContextFile(target, content or "\n"), "apply-patch")
    patch = "\n".join(edit.text.split("\n")[1:-1]) + "\n"  # without the fence
    return SimCall(cid, "apply_patch", json.dumps({"patch": patch}))


def _file_text(done: list[Step]) -> str:
    """The file as the first whole read returned it (numbered lines back to text)."""
    for step in done:
        if step.name == "read_file" and step.result and "start_line" not in step.arguments:
            lines = [m.group(2) for m in map(_NUMBERED.match, step.result.splitlines()) if m]
            return "\n".join(lines) + "\n" if lines else ""
    return ""


def _identifiers(content: str) -> list[str]:
    found = _IDENT.findall(content)
    if not found:
        found = [w for w in _WORD.findall(content) if w.lower() not in ("redline", "simulator")]
    return list(dict.fromkeys(found))[:8]


def _answer(view: AgentView, done: list[Step], *, failed: bool = False) -> str:
    did = []
    for s in done:
        try:
            args = json.loads(s.arguments)
        except ValueError:
            args = {}
        what = ""
        if isinstance(args, dict):
            what = args.get("path") or args.get("pattern") or args.get("command") or ""
        said = " (denied)" if _denied(s) else ""
        did.append(f"- `{s.name}` {what}".rstrip() + said)
    patches = [s for s in done if s.name == "apply_patch"]
    target = _target(view, done) or "the file"
    if any(not _denied(s) for s in patches):
        outcome = f"I added the comment `{MARKER}` at the top of the file."
    elif patches:
        outcome = f"You declined the edit, so I did not change `{target}`."
    elif failed:
        outcome = "A tool call failed, so I stopped there and made no edit."
    else:
        outcome = "I made no edit."
    for s in done:
        if s.name == "shell":
            outcome += "\n\n" + _ran(s)
    steps = "\n".join(did) if did else "- nothing: no tool was needed"
    return (
        "*Simulated agent reply from redline's built-in simulator; no model was called.*\n\n"
        f"What I did:\n{steps}\n\n{outcome}\n"
    )


def _denied(step: Step) -> bool:
    return (step.result or "").startswith("denied")


def _ran(step: Step) -> str:
    """One sentence on the command's result, from the status line the tool wrote."""
    result = step.result or ""
    if _denied(step):
        return "You declined the command, so I did not run it."
    status = re.search(r"^\[([^;\]]+)", result, re.MULTILINE)
    word = status.group(1) if status else "done"
    return f"I ran the command: {word}."


def _tool_names(tools: object) -> tuple[str, ...]:
    names: list[str] = []
    for tool in tools if isinstance(tools, list) else []:
        if not isinstance(tool, dict):
            continue
        fn = tool.get("function") if isinstance(tool.get("function"), dict) else tool
        name = fn.get("name") if isinstance(fn, dict) else None
        if isinstance(name, str):
            names.append(name)
    return tuple(names)


def _text(content: object) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(
            str(p.get("text")) for p in content if isinstance(p, dict) and p.get("text")
        )
    return ""
