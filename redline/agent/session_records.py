"""One session-file line per turn: a ``Turn`` to JSON and back, bounded and without secrets.

A turn's line keeps what the next request needs to carry it again: the prompt, the answer, and
the steps of an agent turn (the assistant's tool calls and each result, in the neutral form of
``redline.backends.request.Message``), each capped so one huge tool output cannot bloat the
file. Reading checks every field: a line some other program (or a newer redline) wrote fails
here with ``TypeError``/``KeyError``, never later on screen.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, fields
from typing import Any

from redline.agent.conversation import Conversation, Turn
from redline.agent.steps import STEP_OUTPUT_CHARS, ToolStep
from redline.backends.events import StreamError, ToolCall
from redline.backends.meter import MeterReading
from redline.backends.request import Message

ITEM_CHARS = 24_000  # one saved message or tool result (what a tool may send the model)
TURN_ITEM_CHARS = 200_000  # every saved message of one turn together
REDACTED = "[redacted]"
_ROLES = ("user", "assistant", "tool")
_STATUSES = ("ok", "error", "denied")
_MIN_SECRET_LEN = 8  # shorter values are too common to treat as a key


def secret_values(
    environ: Mapping[str, str] | None = None, names: Iterable[str] = ()
) -> tuple[str, ...]:
    """The values of the credential variables (by name, or listed in ``names``): never saved."""
    from redline.tools.shell.env import is_secret_name

    env = os.environ if environ is None else environ
    named = {n.upper() for n in names if n}
    values = {
        v.strip()
        for k, v in env.items()
        if (k.upper() in named or is_secret_name(k)) and len(v.strip()) >= _MIN_SECRET_LEN
    }
    return tuple(sorted(values, key=len, reverse=True))  # a longer key first: no half-redaction


def redact(line: str, secrets: Iterable[str]) -> str:
    """``line`` (JSON text) with every secret value, as JSON would escape it, replaced."""
    for secret in secrets:
        escaped = json.dumps(secret, ensure_ascii=False)[1:-1]
        line = line.replace(escaped, REDACTED)
    return line


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[:limit] + f"\n[... {len(text) - limit:,} more characters not saved]"


def _arguments(text: str, limit: int) -> str:
    """Tool arguments stay JSON a wire can send: too long, they are replaced by a note."""
    if len(text) <= limit:
        return text
    return json.dumps({"not_saved": f"{len(text):,} characters of arguments"})


def items_to_json(items: list[Message]) -> list[dict[str, Any]]:
    """The turn's steps, each capped, and all together at most ``TURN_ITEM_CHARS`` (the newest
    kept whole: the model's latest view of the code matters most)."""
    budget = TURN_ITEM_CHARS
    saved: list[dict[str, Any]] = []
    for m in reversed(items):
        limit = max(200, min(ITEM_CHARS, budget))
        record: dict[str, Any] = {"role": m.role, "content": _cut(m.content, limit)}
        if m.tool_calls:
            record["tool_calls"] = [
                {"id": c.call_id, "name": c.name, "arguments": _arguments(c.arguments, limit)}
                for c in m.tool_calls
            ]
        if m.call_id is not None:
            record["call_id"] = m.call_id
        if m.reasoning:
            record["reasoning"] = _cut(m.reasoning, limit)
            record["reasoning_provider"] = m.reasoning_provider
        budget -= len(json.dumps(record, ensure_ascii=False))
        saved.append(record)
    saved.reverse()
    return saved


def steps_to_json(steps: list[ToolStep]) -> list[dict[str, Any]]:
    return [
        {
            "call_id": s.call_id,
            "tool": s.tool,
            "arguments": _arguments(s.arguments, ITEM_CHARS),
            "status": s.status,
            "output": _cut(s.output, STEP_OUTPUT_CHARS),
            "duration_ms": round(s.duration_ms, 2),
        }
        for s in steps
    ]


def turn_to_json(turn: Turn, at: str, *, context_files: Iterable[str] = ()) -> dict[str, Any]:
    record: dict[str, Any] = {
        "type": "turn",
        "at": at,
        "prompt": turn.prompt,
        "provider": turn.provider,
        "model": turn.model,
        "text": turn.text,
        "reasoning": turn.reasoning,
        "finish_reason": turn.finish_reason,
        "interrupted": turn.interrupted,
        "error": None if turn.error is None else asdict(turn.error),
        "reading": None if turn.reading is None else asdict(turn.reading),
        "commit": turn.commit,
        "edit_status": turn.edit_status,
    }
    if turn.items:
        record["items"] = items_to_json(turn.items)
        record["answer_start"] = turn.answer_start
    if turn.steps:
        record["steps"] = steps_to_json(turn.steps)
    files = list(context_files)
    if files:
        record["context_files"] = files
    return record


# --- reading back ---------------------------------------------------------------------------


def _number(value: object) -> bool:
    return type(value) in (int, float) and math.isfinite(value)  # type: ignore[arg-type]


def _text(raw: Mapping[str, Any], key: str, default: str | None = "") -> str:
    value = raw.get(key, default)
    if not isinstance(value, str):
        raise TypeError(f"{key} is not text")
    return value


def _reading(raw: object) -> MeterReading | None:
    """A saved reading, checked field by field (a foreign line must fail here, not on screen)."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise TypeError("reading is not an object")
    values: dict[str, Any] = {}
    for f in fields(MeterReading):
        if f.name not in raw:
            continue
        value = raw[f.name]
        default = f.default
        if f.name == "rate_history":
            if not isinstance(value, list) or not all(_number(v) for v in value):
                raise TypeError("rate_history is not a list of numbers")
            value = tuple(value)
        elif isinstance(default, bool):
            if type(value) is not bool:
                raise TypeError(f"{f.name} is not true/false")
        elif isinstance(default, int) and type(value) is not int:
            raise TypeError(f"{f.name} is not a whole number")
        elif not (value is None or _number(value)):
            raise TypeError(f"{f.name} is not a number")
        values[f.name] = value
    return MeterReading(**values)


def _error(raw: object) -> StreamError | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise TypeError("error is not an object")
    kind, message, retry = raw.get("kind"), raw.get("message"), raw.get("retry_after_s")
    if not isinstance(kind, str) or not isinstance(message, str):
        raise TypeError("error has no kind and message")
    if not (retry is None or _number(retry)):
        raise TypeError("retry_after_s is not a number")
    return StreamError(kind, message, retry)  # type: ignore[arg-type]


def turn_from_json(data: dict[str, Any]) -> Turn:
    """The turn without its steps; raises ``TypeError``/``KeyError`` for a line that is not a
    turn redline wrote."""
    error = _error(data.get("error"))
    reading = _reading(data.get("reading"))
    finish = data.get("finish_reason")
    if not (finish is None or isinstance(finish, str)):
        raise TypeError("finish_reason is not a string")
    return Turn(
        prompt=str(data["prompt"]),
        provider=str(data["provider"]),
        model=str(data["model"]),
        text=str(data.get("text", "")),
        reasoning=str(data.get("reasoning", "")),
        finish_reason=finish,
        error=error,
        interrupted=bool(data.get("interrupted", False)),
        reading=reading,
        commit=_commit(data.get("commit")),  # absent from files of older redlines
        edit_status=_edit_status(data.get("edit_status")),
    )


EDIT_STATUSES = frozenset({"applied", "discarded", "undone", "superseded"})
_COMMIT = re.compile(r"[0-9a-f]{7,64}")


def _edit_status(raw: object) -> str | None:
    if raw is None:
        return None
    if raw not in EDIT_STATUSES:
        raise TypeError("edit_status is not one redline writes")
    return str(raw)


def _commit(raw: object) -> str | None:
    if raw is None:
        return None
    if not isinstance(raw, str) or not _COMMIT.fullmatch(raw):
        raise TypeError("commit is not a commit id")
    return raw


def apply_decision(conversation: Conversation, data: Mapping[str, Any]) -> None:
    """An "edits" line: what became of turn number ``turn``'s edits after it was saved."""
    index = data["turn"]
    if type(index) is not int or not 0 <= index < len(conversation.turns):
        raise TypeError("no such turn")
    turn = conversation.turns[index]
    turn.edit_status = _edit_status(data["status"])
    turn.commit = _commit(data.get("commit"))


def _message(raw: object) -> Message:
    if not isinstance(raw, dict):
        raise TypeError("an item is not an object")
    role = raw.get("role")
    if role not in _ROLES:
        raise TypeError("an item has no known role")
    calls: list[ToolCall] = []
    for call in raw.get("tool_calls", []) if role == "assistant" else []:
        if not isinstance(call, dict):
            raise TypeError("a tool call is not an object")
        calls.append(
            ToolCall(_text(call, "id", None), _text(call, "name", None), _text(call, "arguments"))
        )
    call_id = raw.get("call_id")
    if role == "tool" and not isinstance(call_id, str):
        raise TypeError("a tool result answers no call")
    return Message(
        role,
        _text(raw, "content"),
        tool_calls=tuple(calls),
        call_id=call_id if role == "tool" else None,
        reasoning=_text(raw, "reasoning"),
        reasoning_provider=_text(raw, "reasoning_provider"),
    )


def _step(raw: object) -> ToolStep:
    if not isinstance(raw, dict):
        raise TypeError("a step is not an object")
    status = raw.get("status")
    duration = raw.get("duration_ms", 0.0)
    if status not in _STATUSES or not _number(duration):
        raise TypeError("a step has no known status or duration")
    return ToolStep(
        _text(raw, "call_id"),
        _text(raw, "tool", None),
        _text(raw, "arguments"),
        status,
        _text(raw, "output"),
        float(duration),
    )


def add_steps(turn: Turn, data: dict[str, Any]) -> None:
    """The saved steps of an agent turn onto ``turn`` (older files have none). Raises
    ``TypeError`` when they cannot be read; ``turn`` is then left without them."""
    raw_items, raw_steps = data.get("items", []), data.get("steps", [])
    if not isinstance(raw_items, list) or not isinstance(raw_steps, list):
        raise TypeError("items or steps is not a list")
    items = [_message(m) for m in raw_items]
    steps = [_step(s) for s in raw_steps]
    start = data.get("answer_start", 0)
    if type(start) is not int or not 0 <= start <= len(turn.text):
        raise TypeError("answer_start is not a place in the answer")
    turn.items, turn.steps, turn.answer_start = items, steps, start


def context_files_of(data: dict[str, Any]) -> tuple[str, ...]:
    """The files the person had added when the turn ended (checked again before use)."""
    raw = data.get("context_files", [])
    if not isinstance(raw, list):
        return ()
    return tuple(p for p in raw if isinstance(p, str) and p)
