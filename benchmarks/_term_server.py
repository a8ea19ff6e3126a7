"""The terminal benchmark's model server: one fixed answer, at a fixed rate, on both wires.

Runs in its own process (``python benchmarks/_term_server.py PORT RATE TTFT_MS``) and prints one
JSON line per request to stdout, with CLOCK_MONOTONIC times (comparable across processes on
Linux): when the request arrived, when the first token and the last byte were sent. Speaks Chat
Completions (``/v1/chat/completions``) and the Responses API (``/v1/responses``), and answers
``GET /v1/models``, so any OpenAI-compatible assistant can be pointed at it. Only loopback.
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
import time

MODEL = "bench-model"


def answer_text(n: int = 0) -> str:
    """About 1,900 tokens: prose, a 60-line code block and a list. Every line carries the tag
    ``Bench-N`` (so the first text of answer N is recognisable wherever it is cut) and the
    answer ends with ``bench-end-N``."""
    tag = f"Bench-{n}"
    prose = (
        f"{tag} streams at a fixed rate so that every assistant draws the same bytes. "
        "It mixes prose, code and a list, the way a real coding answer does, and it is long "
        "enough that the screen has to keep up for a while. "
    )
    code = "\n".join(
        f"def step_{i:02d}(value: int) -> int:  # {tag}"
        if i % 3 == 0
        else f"    value += {i}  # {tag}"
        for i in range(60)
    )
    items = "\n".join(
        f"- {tag} item {i}: a short point about the change, number {i}" for i in range(40)
    )
    body = [prose * 4, "```python", code, "```", prose * 5, items]
    return "\n\n".join(body) + f"\n\nThe last words are bench-end-{n}.\n"


def tokens(text: str) -> list[str]:
    """Word-ish pieces (a word with its leading space, or one punctuation/newline); the tag
    ``Bench-N`` is one piece, so an answer's first token is what the screen is searched for
    (as three pieces, first text was the frame that carried the third, not the first)."""
    return re.findall(r" ?Bench-\d+| ?[A-Za-z0-9_]+| ?[^A-Za-z0-9_\s]|\s", text)


def _sse(obj: object, event: str | None = None) -> bytes:
    data = json.dumps(obj, separators=(",", ":"))
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {data}\n\n".encode()


def chat_frame(piece: str) -> bytes:
    return _sse(
        {
            "id": "bench",
            "object": "chat.completion.chunk",
            "model": MODEL,
            "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}],
        }
    )


def chat_end(n: int) -> bytes:
    usage = {"prompt_tokens": 100, "completion_tokens": n, "total_tokens": 100 + n}
    last = {
        "id": "bench",
        "object": "chat.completion.chunk",
        "model": MODEL,
        "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
        "usage": usage,
    }
    return _sse(last) + b"data: [DONE]\n\n"


def responses_open() -> bytes:
    resp = {"id": "resp_bench", "object": "response", "status": "in_progress", "model": MODEL}
    item = {"id": "msg_bench", "type": "message", "role": "assistant", "content": []}
    part = {"type": "output_text", "text": ""}
    return (
        _sse({"type": "response.created", "response": resp}, "response.created")
        + _sse({"type": "response.in_progress", "response": resp}, "response.in_progress")
        + _sse(
            {"type": "response.output_item.added", "output_index": 0, "item": item},
            "response.output_item.added",
        )
        + _sse(
            {
                "type": "response.content_part.added",
                "item_id": "msg_bench",
                "output_index": 0,
                "content_index": 0,
                "part": part,
            },
            "response.content_part.added",
        )
    )


def responses_frame(piece: str) -> bytes:
    return _sse(
        {
            "type": "response.output_text.delta",
            "item_id": "msg_bench",
            "output_index": 0,
            "content_index": 0,
            "delta": piece,
        },
        "response.output_text.delta",
    )


def responses_end(text: str, n: int) -> bytes:
    content = [{"type": "output_text", "text": text, "annotations": []}]
    item = {
        "id": "msg_bench",
        "type": "message",
        "role": "assistant",
        "status": "completed",
        "content": content,
    }
    usage = {
        "input_tokens": 100,
        "input_tokens_details": {"cached_tokens": 0},
        "output_tokens": n,
        "output_tokens_details": {"reasoning_tokens": 0},
        "total_tokens": 100 + n,
    }
    resp = {
        "id": "resp_bench",
        "object": "response",
        "status": "completed",
        "model": MODEL,
        "output": [item],
        "usage": usage,
    }
    return (
        _sse(
            {"type": "response.output_text.done", "item_id": "msg_bench", "text": text},
            "response.output_text.done",
        )
        + _sse(
            {"type": "response.output_item.done", "output_index": 0, "item": item},
            "response.output_item.done",
        )
        + _sse({"type": "response.completed", "response": resp}, "response.completed")
    )


class Server:
    def __init__(self, rate: float, ttft_s: float) -> None:
        self.rate = rate
        self.ttft_s = ttft_s
        self.requests = 0
        self.tokens = len(tokens(answer_text(1)))

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                arrived = time.monotonic()
                lines = head.decode("latin-1").split("\r\n")
                method, path, _ = lines[0].split(" ", 2)
                length = 0
                for line in lines[1:]:
                    name, _, value = line.partition(":")
                    if name.strip().lower() == "content-length":
                        length = int(value.strip())
                if length:
                    await reader.readexactly(length)
                if method == "GET":
                    body = json.dumps(
                        {"object": "list", "data": [{"id": MODEL, "object": "model"}]}
                    )
                    writer.write(
                        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                        + f"Content-Length: {len(body)}\r\n\r\n{body}".encode()
                    )
                    await writer.drain()
                    continue
                await self.stream(writer, path, arrived)
        except (asyncio.IncompleteReadError, ConnectionError, ValueError):
            pass
        finally:
            writer.close()

    async def stream(self, writer: asyncio.StreamWriter, path: str, arrived: float) -> None:
        responses = path.rstrip("/").endswith("/responses")
        self.requests += 1
        n_request = self.requests
        text = answer_text(n_request)
        pieces = tokens(text)
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n"
        )

        def send(data: bytes) -> None:
            writer.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")

        if responses:
            send(responses_open())
        await writer.drain()
        await asyncio.sleep(self.ttft_s)
        first = time.monotonic()
        frame = responses_frame if responses else chat_frame
        interval = 1.0 / self.rate
        sent = 0
        n = len(pieces)
        while sent < n:
            due = int((time.monotonic() - first) / interval) + 1
            batch = pieces[sent : min(n, max(due, sent + 1))]
            send(b"".join(frame(p) for p in batch))
            sent += len(batch)
            await writer.drain()
            if sent < n:
                wait = first + sent * interval - time.monotonic()
                await asyncio.sleep(max(0.0005, wait))
        send(responses_end(text, n) if responses else chat_end(n))
        writer.write(b"0\r\n\r\n")
        await writer.drain()
        last = time.monotonic()
        record = {
            "n": n_request,
            "path": path,
            "arrived": arrived,
            "first_token": first,
            "last_byte": last,
        }
        print(json.dumps(record), flush=True)


async def main(port: int, rate: float, ttft_ms: float) -> None:
    server = Server(rate, ttft_ms / 1000)
    srv = await asyncio.start_server(server.handle, "127.0.0.1", port)
    print(json.dumps({"port": srv.sockets[0].getsockname()[1], "tokens": server.tokens}))
    sys.stdout.flush()
    async with srv:
        await srv.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])))
