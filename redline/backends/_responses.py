"""OpenAI Responses API stream (named events) -> events.

The stream has no ``[DONE]``: it ends with ``response.completed``, ``response.incomplete``
or ``response.failed`` (or an ``error`` event).
"""

from __future__ import annotations

from redline.backends._chat import usage_from
from redline.backends._errors import SWITCH, frame_error, short
from redline.backends._json import loads
from redline.backends._toolcalls import ToolCallCollector
from redline.backends.events import (
    Event,
    Finished,
    ReasoningDelta,
    ReasoningItem,
    StreamError,
    TextDelta,
    Usage,
)

_TEXT = frozenset({"response.output_text.delta", "response.refusal.delta"})
_REASONING = frozenset({"response.reasoning_summary_text.delta", "response.reasoning_text.delta"})
_TOOL_ARGS = frozenset(
    {"response.function_call_arguments.delta", "response.custom_tool_call_input.delta"}
)
_TOOL_DONE = frozenset(
    {"response.function_call_arguments.done", "response.custom_tool_call_input.done"}
)
_CALL_ITEMS = ("function_call", "custom_tool_call")
_INCOMPLETE = {"max_output_tokens": "length", "content_filter": "content_filter"}


class ResponsesParser:
    __slots__ = ("_ended", "_finish", "_provider", "_tools", "_usage", "started")

    def __init__(self, provider: str) -> None:
        self._provider = provider
        self._usage: Usage | None = None
        self._finish: str | None = None
        self._ended = False
        self._tools = ToolCallCollector()
        self.started = False

    def feed(self, event: str, data: str, out: list[Event]) -> bool:
        if data == "[DONE]":
            return True
        try:
            obj = loads(data)
        except ValueError:
            return self._fail(out, "protocol", "sent malformed JSON in the stream")
        if type(obj) is not dict:
            return self._fail(out, "protocol", "sent a stream event that is not a JSON object")
        kind = obj.get("type") or event
        if kind in _TEXT or kind in _REASONING:
            delta = obj.get("delta")
            if isinstance(delta, str) and delta:
                self.started = True
                out.append(ReasoningDelta(delta) if kind in _REASONING else TextDelta(delta))
            return False
        if kind in _TOOL_ARGS:
            key = _item_key(obj)
            if self._tools.fragment(key, None, None, obj.get("delta"), out):
                self.started = True
            return False
        if kind in _TOOL_DONE:
            key = _item_key(obj)
            self._tools.whole(key, None, obj.get("name"), obj.get("arguments", obj.get("input")))
            self._tools.finish_one(key, out)
            return False
        if kind in ("response.output_item.added", "response.output_item.done"):
            item = obj.get("item")
            if isinstance(item, dict) and item.get("type") in _CALL_ITEMS:
                self._call_item(kind, item, obj, out)
            elif (
                isinstance(item, dict)
                and item.get("type") == "reasoning"
                and kind == "response.output_item.done"
            ):
                reasoning = reasoning_item(item)
                if reasoning is not None:
                    out.append(reasoning)
            return False
        if kind in ("response.completed", "response.incomplete", "response.failed"):
            response = obj.get("response")
            response = response if isinstance(response, dict) else {}
            usage = response.get("usage")
            if isinstance(usage, dict):
                self._usage = usage_from(usage)
            if kind == "response.failed":
                err = response.get("error")
                return self._fail(
                    out,
                    "server",
                    f"reported the response failed: {short(str(err.get('message') if isinstance(err, dict) else err))}",
                )
            if kind == "response.incomplete":
                details = response.get("incomplete_details")
                reason = details.get("reason") if isinstance(details, dict) else None
                self._finish = _INCOMPLETE.get(str(reason), str(reason or "incomplete"))
            else:
                self._finish = "stop"
            if self._tools:
                self._tools.finish(out)
                if self._finish == "stop":
                    self._finish = "tool_calls"  # as Chat Completions names it
            return True
        if kind == "error":
            self._emit_usage(out)
            err = obj.get("error") if isinstance(obj.get("error"), dict) else obj
            out.append(frame_error({"error": err}, self._provider))
            self._ended = True
            return True
        return False

    def _call_item(
        self, kind: str, item: dict[str, object], obj: dict[str, object], out: list[Event]
    ) -> None:
        key = item.get("id") or _item_key(obj)
        call_id = item.get("call_id") or item.get("id")
        args = item.get("arguments", item.get("input"))
        if kind == "response.output_item.added":
            if self._tools.fragment(key, call_id, item.get("name"), args, out):
                self.started = True
            self._tools.alias(key, ("output", obj.get("output_index")))
            return
        self._tools.whole(key, call_id, item.get("name"), args)
        self._tools.finish_one(key, out)

    def _emit_usage(self, out: list[Event]) -> None:
        if self._usage is not None:
            out.append(self._usage)
            self._usage = None

    def _fail(self, out: list[Event], kind: str, what: str) -> bool:
        self._emit_usage(out)
        out.append(
            StreamError(
                "server" if kind == "server" else "protocol",
                f"{self._provider} {what}; the partial answer was kept; try again, or {SWITCH}.",
            )
        )
        self._ended = True
        return True

    def abandon(self) -> None:
        """The stream was ended by the client (an unreadable chunk): nothing more to add."""
        self._ended = True

    def close(self, out: list[Event]) -> None:
        if self._ended:
            return
        self._ended = True
        self._emit_usage(out)
        if self._finish is not None:
            out.append(Finished(self._finish))
        else:
            out.append(
                StreamError(
                    "network",
                    f"The stream from {self._provider} ended before the answer was finished; "
                    f"the partial answer was kept; try again, or {SWITCH}.",
                )
            )


def _item_key(obj: dict[str, object]) -> object:
    """Which output item an event belongs to: its ``item_id``, else its ``output_index``."""
    item_id = obj.get("item_id")
    if isinstance(item_id, str) and item_id:
        return item_id
    return ("output", obj.get("output_index"))


MAX_ENCRYPTED_CHARS = 1_000_000  # a hostile server cannot make every later request huge


def reasoning_item(item: dict[str, object]) -> ReasoningItem | None:
    """The reasoning item to echo, or None when it has no usable id."""
    item_id = item.get("id")
    if not isinstance(item_id, str) or not item_id or len(item_id) > 200:
        return None
    summary = item.get("summary")
    texts = tuple(
        str(part["text"])
        for part in (summary if isinstance(summary, list) else [])
        if isinstance(part, dict) and isinstance(part.get("text"), str)
    )
    encrypted = item.get("encrypted_content")
    if not isinstance(encrypted, str) or not encrypted or len(encrypted) > MAX_ENCRYPTED_CHARS:
        encrypted = None
    return ReasoningItem(item_id, texts, encrypted)
