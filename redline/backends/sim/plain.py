"""Plain (not streamed) answers: errors, HTTP faults and whole completions."""

from __future__ import annotations

import time

from redline.backends.sim import http
from redline.backends.sim.agent import SimCall
from redline.backends.sim.faults import Fault
from redline.backends.sim.replies import Reply
from redline.backends.tokens import count_tokens


def whole_reply(
    reply: Reply, model: str, request_id: str, prompt_tokens: int, responses: bool
) -> dict[str, object]:
    n = len(reply.tokens)
    if responses:
        return {
            "id": f"resp_{request_id}",
            "object": "response",
            "status": "completed" if reply.finish_reason == "stop" else "incomplete",
            "model": model,
            "output": [
                {
                    "id": f"msg_{request_id}",
                    "type": "message",
                    "role": "assistant",
                    "content": [{"type": "output_text", "text": reply.answer_text}],
                }
            ],
            "usage": {
                "input_tokens": prompt_tokens,
                "output_tokens": n,
                "total_tokens": prompt_tokens + n,
            },
        }
    message: dict[str, object] = {"role": "assistant", "content": reply.answer_text}
    if reply.reasoning:
        message["reasoning_content"] = reply.reasoning_text
    return {
        "id": f"chatcmpl-{request_id}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": reply.finish_reason}],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": n,
            "total_tokens": prompt_tokens + n,
            "completion_tokens_details": {"reasoning_tokens": reply.reasoning},
        },
    }


def whole_call(
    call: SimCall, model: str, request_id: str, prompt_tokens: int, responses: bool
) -> dict[str, object]:
    """A tool call as a non-streamed reply."""
    n = count_tokens(call.arguments)
    if responses:
        return {
            "id": f"resp_{request_id}",
            "object": "response",
            "status": "completed",
            "model": model,
            "output": [
                {
                    "id": f"fc_{request_id}",
                    "type": "function_call",
                    "status": "completed",
                    "call_id": call.call_id,
                    "name": call.name,
                    "arguments": call.arguments,
                }
            ],
            "usage": {"input_tokens": prompt_tokens, "output_tokens": n},
        }
    message = {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {
                "id": call.call_id,
                "type": "function",
                "function": {"name": call.name, "arguments": call.arguments},
            }
        ],
    }
    return {
        "id": f"chatcmpl-{request_id}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": "tool_calls"}],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": n,
            "total_tokens": prompt_tokens + n,
        },
    }


def error(
    status: int,
    message: str,
    kind: str,
    keep_alive: bool,
    code: str | None = None,
    extra: dict[str, str] | None = None,
) -> bytes:
    return http.json_response(
        status, http.error_payload(message, kind, code), keep_alive=keep_alive, extra=extra
    )


def text(status: int, text: str, keep_alive: bool) -> bytes:
    body = text.encode()
    return (
        http.head(
            status,
            {
                "content-type": "text/plain; charset=utf-8",
                "content-length": str(len(body)),
                "connection": "keep-alive" if keep_alive else "close",
            },
        )
        + body
    )


def http_fault(fault: Fault, *, keep_alive: bool) -> bytes:
    if fault.name == "401":
        return error(
            401,
            "Invalid API key provided (simulated).",
            "invalid_request_error",
            keep_alive,
            code="invalid_api_key",
        )
    if fault.name == "404":
        return error(
            404,
            "The model does not exist or you do not have access to it (simulated).",
            "invalid_request_error",
            keep_alive,
            code="model_not_found",
        )
    if fault.name == "429":
        retry = fault.retry_after_s
        retry_text = str(int(retry)) if retry == int(retry) else f"{retry:g}"
        return error(
            429,
            f"Rate limit reached; retry after {retry_text} s (simulated).",
            "rate_limit_error",
            keep_alive,
            code="rate_limit_exceeded",
            extra={"retry-after": retry_text},
        )
    return error(
        500,
        "The server had an error while processing your request (simulated).",
        "server_error",
        keep_alive,
    )
