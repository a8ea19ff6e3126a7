"""Each provider's wire shape, as SSE frames (see ../shared/fixtures/streams/).

Frames are built from string templates rather than ``json.dumps`` of whole dicts: at 20,000
tokens/s the server must stay far cheaper than the client it is measuring.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

from redline.backends.sim.profiles import Profile

_dumps = json.dumps


def sse(payload: str, event: str | None = None) -> str:
    """One SSE frame for ``payload`` (one data line; JSON here never holds a newline)."""
    if event is None:
        return f"data: {payload}\n\n"
    return f"event: {event}\ndata: {payload}\n\n"


@dataclass(slots=True, frozen=True)
class Counts:
    """Token counts for usage objects and server timings."""

    prompt: int
    completion: int
    reasoning: int
    rate: float
    ttft_s: float


class ChatWire:
    """Chat Completions chunks in one profile's dialect."""

    def __init__(
        self, profile: Profile, model: str, *, include_usage: bool, request_id: str
    ) -> None:
        self.profile = profile
        self.include_usage = include_usage
        self.created = int(time.time())
        fingerprint = (
            f',"system_fingerprint":{_dumps(profile.fingerprint)}' if profile.fingerprint else ""
        )
        self._head = (
            f'{{"id":"chatcmpl-{request_id}","object":"chat.completion.chunk",'
            f'"created":{self.created},"model":{_dumps(model)}{fingerprint},"choices":['
        )

    def opening(self) -> list[str]:
        """Frames sent with the headers, before the model has produced anything."""
        return [":\n\n"] if self.profile.keepalive else []

    def _chunk(self, delta: str, finish: str | None = None, extra: str = "") -> str:
        reason = "null" if finish is None else _dumps(finish)
        return sse(
            f'{self._head}{{"index":0,"delta":{{{delta}}},"finish_reason":{reason}}}]{extra}}}'
        )

    def _usage_json(self, counts: Counts) -> str:
        return (
            f'{{"prompt_tokens":{counts.prompt},"completion_tokens":{counts.completion},'
            f'"total_tokens":{counts.prompt + counts.completion},'
            f'"completion_tokens_details":{{"reasoning_tokens":{counts.reasoning}}}}}'
        )

    def _every(self, counts: Counts) -> str:
        return f',"usage":{self._usage_json(counts)}' if self.profile.usage == "every" else ""

    def role(self, counts: Counts) -> str:
        p = self.profile
        if not p.role_has_content:
            delta = '"role":"assistant"'
        elif p.role_content is None:
            delta = '"role":"assistant","content":null'
        else:
            delta = f'"role":"assistant","content":{_dumps(p.role_content)}'
        return self._chunk(delta, extra=self._every(counts))

    def delta(self, text: str, *, reasoning: bool, counts: Counts) -> str:
        field = (self.profile.reasoning or "reasoning_content") if reasoning else "content"
        return self._chunk(f'"{field}":{_dumps(text)}', extra=self._every(counts))

    def snapshot(self, text: str, *, first: bool) -> str:
        role = '"role":"assistant",' if first else ""
        return self._chunk(f'{role}"content":{_dumps(text)}')

    def closing(self, finish_reason: str, counts: Counts) -> list[str]:
        p = self.profile
        frames: list[str] = []
        extra = ""
        if p.usage in ("finish", "every"):
            extra = f',"usage":{self._usage_json(counts)}'
        if p.time_info:
            completion_time = counts.completion / counts.rate if counts.rate > 0 else 0.0
            prompt_time = counts.ttft_s * 0.8
            extra += (
                f',"time_info":{{"queue_time":{counts.ttft_s * 0.1:.6f},'
                f'"prompt_time":{prompt_time:.6f},"completion_time":{completion_time:.6f},'
                f'"total_time":{counts.ttft_s + completion_time:.6f},"created":{time.time():.6f}}}'
            )
        frames.append(self._chunk("", finish=finish_reason, extra=extra))
        if p.usage == "final" or (p.usage == "requested" and self.include_usage):
            timings = ""
            if p.timings:
                predicted_ms = counts.completion / counts.rate * 1000 if counts.rate > 0 else 0.0
                prompt_ms = counts.ttft_s * 1000
                timings = (
                    f',"timings":{{"prompt_n":{counts.prompt},"prompt_ms":{prompt_ms:.3f},'
                    f'"predicted_n":{counts.completion},"predicted_ms":{predicted_ms:.3f},'
                    f'"predicted_per_second":{counts.rate:.3f}}}'
                )
            frames.append(sse(f'{self._head}],"usage":{self._usage_json(counts)}{timings}}}'))
        if p.done_marker:
            frames.append("data: [DONE]\n\n")
        return frames

    def tool_call(self, index: int, call_id: str, name: str, arguments: str, counts: Counts) -> str:
        """A call's first fragment: id, name and (when whole) the arguments."""
        call = (
            f'{{"index":{index},"id":{_dumps(call_id)},"type":"function",'
            f'"function":{{"name":{_dumps(name)},"arguments":{_dumps(arguments)}}}}}'
        )
        return self._chunk(f'"tool_calls":[{call}]', extra=self._every(counts))

    def tool_args(self, index: int, arguments: str, counts: Counts) -> str:
        call = f'{{"index":{index},"function":{{"arguments":{_dumps(arguments)}}}}}'
        return self._chunk(f'"tool_calls":[{call}]', extra=self._every(counts))

    def error_frame(self) -> list[str]:
        if self.profile.name == "cerebras":
            body = (
                '{"error":{"id":"err_sim","code":"token_quota_exceeded","message":"Tokens per '
                'minute limit exceeded - too many tokens processed (simulated).","param":null,'
                '"type":"too_many_tokens_error"},"status_code":429}'
            )
        else:
            body = (
                '{"error":{"message":"The server had an error while processing your request '
                '(simulated).","type":"server_error","param":null,"code":null}}'
            )
        frames = [sse(body)]
        if self.profile.done_marker:
            frames.append("data: [DONE]\n\n")
        return frames

    def malformed(self) -> str:
        return sse(f'{self._head}{{"index":0,"delta":{{"content":"unterminated')


class ResponsesWire:
    """The Responses API's named events (OpenAI codex models)."""

    def __init__(self, model: str, *, request_id: str) -> None:
        self.model = model
        self.response_id = f"resp_{request_id}"
        self.item_id = f"msg_{request_id}"
        self.seq = 0

    def _event(self, kind: str, body: str) -> str:
        frame = sse(f'{{"type":"{kind}",{body},"sequence_number":{self.seq}}}', event=kind)
        self.seq += 1
        return frame

    def _response(self, status: str, usage: str = "") -> str:
        return (
            f'"response":{{"id":"{self.response_id}","object":"response","status":"{status}",'
            f'"model":{_dumps(self.model)}{usage}}}'
        )

    def opening(self) -> list[str]:
        item = (
            f'"item":{{"id":"{self.item_id}","type":"message","status":"in_progress",'
            f'"content":[],"role":"assistant"}},"output_index":0'
        )
        return [
            self._event("response.created", self._response("in_progress")),
            self._event("response.in_progress", self._response("in_progress")),
            self._event("response.output_item.added", item),
        ]

    def delta(self, text: str, *, reasoning: bool) -> str:
        kind = "response.reasoning_text.delta" if reasoning else "response.output_text.delta"
        return self._event(
            kind,
            f'"item_id":"{self.item_id}","output_index":0,"content_index":0,"delta":{_dumps(text)}',
        )

    def closing(self, text: str, counts: Counts, *, incomplete: bool) -> list[str]:
        usage = (
            f',"usage":{{"input_tokens":{counts.prompt},"output_tokens":{counts.completion},'
            f'"output_tokens_details":{{"reasoning_tokens":{counts.reasoning}}},'
            f'"total_tokens":{counts.prompt + counts.completion}}}'
        )
        done = (
            f'"item_id":"{self.item_id}","output_index":0,"content_index":0,"text":{_dumps(text)}'
        )
        status = "incomplete" if incomplete else "completed"
        return [
            self._event("response.output_text.done", done),
            self._event(f"response.{status}", self._response(status, usage)),
        ]

    def opening_tools(self) -> list[str]:
        return [
            self._event("response.created", self._response("in_progress")),
            self._event("response.in_progress", self._response("in_progress")),
        ]

    def _call_item(self, call_id: str, name: str, arguments: str, status: str) -> str:
        return (
            f'{{"id":"fc_{self.item_id[4:]}","type":"function_call","status":"{status}",'
            f'"arguments":{_dumps(arguments)},"call_id":{_dumps(call_id)},"name":{_dumps(name)}}}'
        )

    def tool_call(self, call_id: str, name: str) -> str:
        item = self._call_item(call_id, name, "", "in_progress")
        return self._event("response.output_item.added", f'"output_index":0,"item":{item}')

    def tool_args(self, arguments: str) -> str:
        return self._event(
            "response.function_call_arguments.delta",
            f'"item_id":"fc_{self.item_id[4:]}","output_index":0,"delta":{_dumps(arguments)}',
        )

    def closing_tools(self, call_id: str, name: str, arguments: str, counts: Counts) -> list[str]:
        item = self._call_item(call_id, name, arguments, "completed")
        usage = (
            f',"usage":{{"input_tokens":{counts.prompt},"output_tokens":{counts.completion},'
            f'"output_tokens_details":{{"reasoning_tokens":0}},'
            f'"total_tokens":{counts.prompt + counts.completion}}}'
        )
        response = (
            f'"response":{{"id":"{self.response_id}","object":"response","status":"completed",'
            f'"model":{_dumps(self.model)},"output":[{item}]{usage}}}'
        )
        return [
            self._event(
                "response.function_call_arguments.done",
                f'"item_id":"fc_{self.item_id[4:]}","output_index":0,'
                f'"arguments":{_dumps(arguments)}',
            ),
            self._event("response.output_item.done", f'"output_index":0,"item":{item}'),
            self._event("response.completed", response),
        ]

    def error_frame(self) -> list[str]:
        return [
            self._event(
                "error",
                '"code":"server_error","message":"The server had an error while processing '
                'your request (simulated).","param":null',
            )
        ]

    def malformed(self) -> str:
        return sse(
            '{"type":"response.output_text.delta","delta":"unterminated',
            event="response.output_text.delta",
        )
