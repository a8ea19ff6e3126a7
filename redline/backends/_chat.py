"""Chat Completions stream chunks -> events (every quirk in DESIGN.md "The stream").

One ``json.loads`` per data line; the common chunk (one choice, one content delta) takes a
handful of dict lookups and one event allocation.
"""

from __future__ import annotations

from redline.backends._errors import frame_error
from redline.backends._json import loads
from redline.backends._think import ThinkSplitter
from redline.backends._toolcalls import ToolCallCollector
from redline.backends.events import (
    Event,
    Finished,
    ProviderNotice,
    ReasoningDelta,
    ServerTiming,
    StreamError,
    TextDelta,
    TextSnapshot,
    Usage,
)


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _detail(obj: dict[str, object], names: tuple[str, str], key: str) -> int | None:
    for name in names:
        details = obj.get(name)
        if isinstance(details, dict):
            found = _int(details.get(key))
            if found is not None:
                return found
    return None


def usage_from(obj: dict[str, object]) -> Usage:
    """Usage in any of its shapes; a field that is absent or null stays None.

    Nested (OpenAI, Cerebras: ``completion_tokens_details.reasoning_tokens``,
    ``prompt_tokens_details.cached_tokens``; Responses: ``input_tokens_details``) or flat
    (Mercury 2: ``reasoning_tokens`` and ``cached_input_tokens`` beside ``prompt_tokens``).
    """
    prompt = obj.get("prompt_tokens", obj.get("input_tokens"))
    completion = obj.get("completion_tokens", obj.get("output_tokens"))
    reasoning = _detail(obj, _OUTPUT_DETAILS, "reasoning_tokens")
    if reasoning is None:
        reasoning = _int(obj.get("reasoning_tokens"))
    cached = _detail(obj, _INPUT_DETAILS, "cached_tokens")
    if cached is None:
        cached = _int(obj.get("cached_input_tokens", obj.get("cached_tokens")))
    return Usage(_int(prompt), _int(completion), reasoning, cached)


_OUTPUT_DETAILS = ("completion_tokens_details", "output_tokens_details")
_INPUT_DETAILS = ("prompt_tokens_details", "input_tokens_details")


def summary_text(value: object) -> str:
    """Mercury's top-level ``reasoning_summary``: ``{content, status}`` (or a bare string)."""
    if isinstance(value, dict):
        value = value.get("content") or value.get("text") or value.get("summary")
    if isinstance(value, list):
        return _parts_text(value)
    return value if isinstance(value, str) else ""


def warning_texts(value: object) -> list[str]:
    """A top-level ``warning`` (string, ``{message}`` object, or a list of either)."""
    items = value if isinstance(value, list) else [value]
    out: list[str] = []
    for item in items:
        if isinstance(item, dict):
            item = item.get("message") or item.get("detail") or item.get("warning")
        if isinstance(item, str) and item.strip():
            out.append(" ".join(item.split()))
    return out


def _parts_text(content: object) -> str:
    """Content sent as a list of parts (``[{"type": "text", "text": ...}]``) as one string."""
    if isinstance(content, list):
        return "".join(p.get("text") or "" if isinstance(p, dict) else str(p) for p in content)
    return str(content)


def _num(value: object) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return None


class ChatParser:
    """Feed it the ``data`` of each SSE event; it appends events to ``out``.

    ``feed`` returns True when the stream is over (``[DONE]``, an error frame, bad JSON);
    ``close`` then (or at EOF) appends the held-back usage, server timing and the ending.
    """

    __slots__ = (
        "_diffusing",
        "_done",
        "_ended",
        "_finish",
        "_plain",
        "_provider",
        "_think",
        "_timing",
        "_tools",
        "_usage",
        "_warned",
        "started",
    )

    def __init__(self, provider: str, *, diffusing: bool = False) -> None:
        self._provider = provider
        self._diffusing = diffusing
        self._think = ThinkSplitter()
        self._plain = False  # answer text passes straight through (no think tags to look for)
        self._usage: dict[str, object] | None = None
        self._timing: tuple[str, dict[str, object]] | None = None
        self._finish: str | None = None
        self._tools = ToolCallCollector()
        self._warned: set[str] = set()  # provider warnings already passed on
        self._done = False  # [DONE] seen
        self._ended = False  # an error already ended the stream
        self.started = False  # answer text, reasoning or tool arguments arrived

    def feed(self, data: str, out: list[Event]) -> bool:
        if data == "[DONE]":
            self._done = True
            return True
        try:
            obj = loads(data)
        except ValueError:
            return self._fail(out, "sent malformed JSON in the stream")
        if type(obj) is not dict:
            return self._fail(out, "sent a stream chunk that is not a JSON object")
        choices = obj.get("choices")
        if choices:
            choice = choices[0]
            delta = choice.get("delta") or choice.get("message")
            if delta:
                content = delta.get("content")
                if content and content.__class__ is not str:
                    content = _parts_text(content)
                if content:
                    self.started = True
                    if self._plain:
                        out.append(TextDelta(content))
                    elif self._diffusing:
                        out.append(TextSnapshot(content))
                    else:
                        self._think.feed(content, out)
                        self._plain = self._think.passthrough
                if len(delta) > 1 or not content:
                    self._rest_of_delta(delta, out)
            finish = choice.get("finish_reason")
            if finish:
                if finish == "error":
                    return self._fail(out, 'ended the answer with finish_reason "error"', "server")
                self._finish = finish
                if self._tools:
                    self._tools.finish(out)  # the loop may start on them before usage arrives
        elif obj.get("error"):
            self._emit_tail(out)
            out.append(frame_error(obj, self._provider))
            self._ended = True
            return True
        if "reasoning_summary" in obj:
            summary = summary_text(obj["reasoning_summary"])
            if summary:
                self.started = True
                out.append(ReasoningDelta(summary))
        if "warning" in obj:
            self._warn(obj["warning"], out)
        usage = obj.get("usage")
        if usage:
            self._usage = usage
        elif "x_groq" in obj and isinstance(obj["x_groq"], dict) and obj["x_groq"].get("usage"):
            self._usage = obj["x_groq"]["usage"]
        if "time_info" in obj:
            self._timing = ("time_info", obj["time_info"])
        elif "timings" in obj:
            self._timing = ("timings", obj["timings"])
        return False

    def _warn(self, value: object, out: list[Event]) -> None:
        for text in warning_texts(value):
            if text not in self._warned:
                self._warned.add(text)
                out.append(ProviderNotice(f"{self._provider} warned: {text}"))

    def feed_whole(self, obj: dict[str, object], out: list[Event]) -> None:
        """A non-streamed reply (a server that ignored ``stream: true``)."""
        choices = obj.get("choices")
        if isinstance(choices, list) and choices and isinstance(choices[0], dict):
            message = choices[0].get("message") or {}
            if isinstance(message, dict):
                self._rest_of_delta(message, out)
                content = message.get("content")
                if isinstance(content, str) and content:
                    self.started = True
                    self._think.feed(content, out)
            finish = choices[0].get("finish_reason")
            self._finish = finish if isinstance(finish, str) else "stop"
            self._tools.finish(out)
        summary = summary_text(obj.get("reasoning_summary"))
        if summary:
            out.append(ReasoningDelta(summary))
        if "warning" in obj:
            self._warn(obj["warning"], out)
        usage = obj.get("usage")
        if isinstance(usage, dict):
            self._usage = usage
        self._done = True

    def _rest_of_delta(self, delta: dict[str, object], out: list[Event]) -> None:
        reasoning = delta.get("reasoning_content") or delta.get("reasoning")
        if isinstance(reasoning, str) and reasoning:
            self.started = True
            out.append(ReasoningDelta(reasoning))
        refusal = delta.get("refusal")
        if isinstance(refusal, str) and refusal:
            self.started = True
            out.append(TextDelta(refusal))
        calls = delta.get("tool_calls")
        if isinstance(calls, list):
            for call in calls:
                self._tool_call(call, out)

    def _tool_call(self, call: object, out: list[Event]) -> None:
        if not isinstance(call, dict):
            return
        fn = call.get("function") or {}
        if not isinstance(fn, dict):
            return
        index = call.get("index")
        key = index if isinstance(index, int) and not isinstance(index, bool) else None
        if self._tools.fragment(key, call.get("id"), fn.get("name"), fn.get("arguments"), out):
            self.started = True

    def _fail(self, out: list[Event], what: str, kind: str = "protocol") -> bool:
        self._emit_tail(out)
        out.append(
            StreamError(
                "server" if kind == "server" else "protocol",
                f"{self._provider} {what}; the partial answer was kept; try again, or pick "
                "another provider with --provider.",
            )
        )
        self._ended = True
        return True

    def _emit_tail(self, out: list[Event]) -> None:
        self._think.flush(out)
        usage = self._usage
        if usage is not None:
            out.append(usage_from(usage))
        if self._timing is not None:
            timing = server_timing(*self._timing, usage)
            if timing is not None:
                out.append(timing)
        self._usage = None
        self._timing = None

    def abandon(self) -> None:
        """The stream was ended by the client (an unreadable chunk): nothing more to add."""
        self._ended = True

    def close(self, out: list[Event]) -> None:
        """End of the stream (``[DONE]`` or EOF)."""
        if self._ended:
            return
        self._ended = True
        self._emit_tail(out)
        if self._finish is not None:
            out.append(Finished(self._finish))
        elif self._done:
            # Every Chat Completions server names a finish reason before [DONE]; without one
            # the answer was cut short (llama-cpp-python does this to a running answer when
            # another request reaches it).
            out.append(
                StreamError(
                    "server",
                    f"{self._provider} ended the answer without a finish reason, so it may be "
                    "cut short (a llama-cpp-python server stops an answer when another request "
                    "reaches it); the partial answer was kept; try again, or pick another "
                    "provider with --provider.",
                )
            )
        else:
            out.append(
                StreamError(
                    "network",
                    f"The stream from {self._provider} ended before the answer was finished; "
                    "the partial answer was kept; try again, or pick another provider with "
                    "--provider.",
                )
            )


def server_timing(kind: str, info: object, usage: dict[str, object] | None) -> ServerTiming | None:
    if not isinstance(info, dict):
        return None
    if kind == "timings":  # llama.cpp
        return ServerTiming(
            decode_tps=_num(info.get("predicted_per_second")),
            prefill_ms=_num(info.get("prompt_ms")),
            queue_ms=None,
        )
    # Cerebras time_info: seconds
    completion_time = _num(info.get("completion_time"))
    tokens = _num(usage.get("completion_tokens")) if usage else None
    prompt_time = _num(info.get("prompt_time"))
    queue_time = _num(info.get("queue_time"))
    decode = tokens / completion_time if tokens and completion_time else None
    return ServerTiming(
        decode_tps=decode,
        prefill_ms=prompt_time * 1000 if prompt_time is not None else None,
        queue_ms=queue_time * 1000 if queue_time is not None else None,
    )
