"""Raw helpers for simulator tests: read its SSE with plain httpx, no redline client."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import httpx


@dataclass
class RawStream:
    status: int
    headers: httpx.Headers
    frames: list[tuple[str | None, str]] = field(default_factory=list)  # (event name, data)
    comments: int = 0
    error: str | None = None  # transport error mid-stream, if any

    @property
    def chunks(self) -> list[dict[str, Any]]:
        """Every data payload that is JSON (``[DONE]`` and malformed lines left out)."""
        out = []
        for _, data in self.frames:
            try:
                out.append(json.loads(data))
            except ValueError:
                continue
        return out

    def text(self, field_name: str = "content") -> str:
        parts = []
        for chunk in self.chunks:
            for choice in chunk.get("choices") or ():
                value = (choice.get("delta") or {}).get(field_name)
                if isinstance(value, str):
                    parts.append(value)
        return "".join(parts)


def parse_sse(lines: list[str], stream: RawStream) -> None:
    event: str | None = None
    data: list[str] = []
    for line in lines:
        if line == "":
            if data:
                stream.frames.append((event, "\n".join(data)))
            event, data = None, []
        elif line.startswith(":"):
            stream.comments += 1
        elif line.startswith("event:"):
            event = line[6:].strip()
        elif line.startswith("data:"):
            data.append(line[5:].lstrip(" "))
    if data:
        stream.frames.append((event, "\n".join(data)))


def post_stream(
    client: httpx.Client,
    url: str,
    body: dict[str, Any],
    headers: dict[str, str] | None = None,
) -> RawStream:
    """POST ``body`` and read the whole SSE answer (or as much as arrives)."""
    lines: list[str] = []
    with client.stream("POST", url, json=body, headers=headers or {}) as response:
        stream = RawStream(response.status_code, response.headers)
        try:
            for line in response.iter_lines():
                lines.append(line)
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.ReadTimeout) as exc:
            stream.error = type(exc).__name__
        if response.status_code != 200 and not lines:
            response.read()
    parse_sse(lines, stream)
    return stream


def chat_body(content: str = "hello", max_tokens: int = 60, **extra: Any) -> dict[str, Any]:
    return {
        "model": "sim-model",
        "stream": True,
        "max_tokens": max_tokens,
        "messages": [{"role": "user", "content": content}],
        **extra,
    }
