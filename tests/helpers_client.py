"""A tiny real HTTP/1.1 server on loopback for the client's tests and benchmark.

It runs its own asyncio loop in a thread, so sync tests (CLI subprocesses) and async tests
both talk to it over a real socket. Each route answers with a scripted ``Reply``; the server
counts attempts per path and notices when a client closes a connection.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path


def fixtures_dir() -> Path:
    """`tests/fixtures` in this checkout: the suite needs nothing outside the repository."""
    return Path(__file__).resolve().parent / "fixtures"


def stream_fixture(name: str) -> bytes:
    return (fixtures_dir() / "streams" / name).read_bytes()


STREAM_FIXTURES = sorted(p.name for p in (fixtures_dir() / "streams").glob("*.sse"))


@dataclass(slots=True)
class Reply:
    """What one request gets back.

    ``chunks`` are written one by one (chunked transfer encoding) with ``delay_s`` between;
    ``stall_s`` then holds the connection open silently; ``cut`` drops it without finishing.
    """

    status: int = 200
    chunks: Sequence[bytes] = ()
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "text/event-stream"
    delay_s: float = 0.0
    stall_s: float = 0.0
    cut: bool = False
    header_delay_s: float = 0.0


def sse_reply(body: bytes, *, split: int = 0, **kwargs: object) -> Reply:
    """Serve an SSE body; ``split`` > 0 cuts it into pieces of that many bytes."""
    if split:
        chunks = [body[i : i + split] for i in range(0, len(body), split)]
    else:
        chunks = [body]
    return Reply(chunks=chunks, **kwargs)  # type: ignore[arg-type]


def json_reply(status: int, obj: object, **kwargs: object) -> Reply:
    return Reply(
        status=status,
        chunks=[json.dumps(obj).encode()],
        content_type="application/json",
        **kwargs,  # type: ignore[arg-type]
    )


Route = Reply | Sequence[Reply] | Callable[[dict[str, object]], Reply]


@dataclass(slots=True)
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> dict[str, object]:
        return json.loads(self.body)  # type: ignore[no-any-return]


_REASONS = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}


class LoopbackServer:
    """``with LoopbackServer({"/v1/chat/completions": reply}) as srv: srv.url`` -> base URL."""

    def __init__(self, routes: dict[str, Route] | None = None) -> None:
        self.routes: dict[str, Route] = dict(routes or {})
        self.seen: list[Seen] = []
        self.connections = 0
        self.closed_at: list[float] = []  # perf_counter when a client hung up mid-reply
        self._attempts: dict[str, int] = {}
        self._loop = asyncio.new_event_loop()
        self._server: asyncio.base_events.Server | None = None
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self.port = 0

    # lifecycle -------------------------------------------------------------------------
    def start(self) -> LoopbackServer:
        self._thread.start()
        fut = asyncio.run_coroutine_threadsafe(self._start(), self._loop)
        fut.result(5)
        return self

    async def _start(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    def stop(self) -> None:
        async def _stop() -> None:
            if self._server is not None:
                self._server.close()
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(_stop(), self._loop).result(5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        self._loop.close()

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def attempts(self, path: str = "/v1/chat/completions") -> int:
        return self._attempts.get(path, 0)

    # serving ---------------------------------------------------------------------------
    def _pick(self, path: str, seen: Seen) -> Reply:
        route = self.routes.get(path)
        n = self._attempts.get(path, 0)
        self._attempts[path] = n + 1
        if route is None:
            return json_reply(404, {"error": {"message": f"no route {path}"}})
        if isinstance(route, Reply):
            return route
        if callable(route):
            return route(seen.json() if seen.body else {})
        return route[min(n, len(route) - 1)]

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                method, target, _ = lines[0].split(" ", 2)
                headers = {}
                for line in lines[1:]:
                    if ":" in line:
                        k, v = line.split(":", 1)
                        headers[k.strip().lower()] = v.strip()
                size = int(headers.get("content-length", "0"))
                body = await reader.readexactly(size) if size else b""
                seen = Seen(method, target.split("?", 1)[0], headers, body)
                self.seen.append(seen)
                reply = self._pick(seen.path, seen)
                if not await self._write(reply, reader, writer):
                    return
        except (
            asyncio.IncompleteReadError,
            ConnectionError,
            asyncio.LimitOverrunError,
            asyncio.CancelledError,
        ):
            return
        finally:
            writer.close()

    async def _write(
        self, reply: Reply, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> bool:
        """Write one reply; False when the connection is done."""
        if reply.header_delay_s and await self._client_hung_up(reader, reply.header_delay_s):
            return False
        head = [f"HTTP/1.1 {reply.status} {_REASONS.get(reply.status, 'Status')}"]
        head.append(f"content-type: {reply.content_type}")
        head.append("transfer-encoding: chunked")
        head += [f"{k}: {v}" for k, v in reply.headers.items()]
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1"))
        await writer.drain()
        for i, chunk in enumerate(reply.chunks):
            if i and reply.delay_s and await self._client_hung_up(reader, reply.delay_s):
                return False
            writer.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            await writer.drain()
        if reply.stall_s and await self._client_hung_up(reader, reply.stall_s):
            return False
        if reply.cut:
            writer.transport.abort()
            return False
        writer.write(b"0\r\n\r\n")
        await writer.drain()
        return True

    async def _client_hung_up(self, reader: asyncio.StreamReader, wait_s: float) -> bool:
        """Wait up to ``wait_s``; True (and note the time) if the client closed meanwhile."""
        try:
            data = await asyncio.wait_for(reader.read(1), wait_s)
        except TimeoutError:
            return False
        if data == b"":
            self.closed_at.append(time.perf_counter())
            return True
        return False


def chat_chunk(content: str) -> bytes:
    obj = {"choices": [{"index": 0, "delta": {"content": content}, "finish_reason": None}]}
    return b"data: " + json.dumps(obj).encode() + b"\n\n"


def synthetic_chat_body(n: int) -> bytes:
    """A realistic OpenAI-style stream of ``n`` content chunks, usage and [DONE]."""
    parts = [
        b'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m",'
        b'"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}\n\n'
    ]
    words = [" the", " quick", " brown", " fox", "\n", " def", " add", "(a,", " b):"]
    for i in range(n):
        w = json.dumps(words[i % len(words)])
        parts.append(
            b'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m",'
            b'"choices":[{"index":0,"delta":{"content":%s},"finish_reason":null}]}\n\n' % w.encode()
        )
    parts.append(
        b'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m",'
        b'"choices":[{"index":0,"delta":{},"finish_reason":"stop"}],'
        b'"usage":{"prompt_tokens":10,"completion_tokens":%d,"total_tokens":%d}}\n\n' % (n, n + 10)
    )
    parts.append(b"data: [DONE]\n\n")
    return b"".join(parts)


async def collect(
    url: str,
    *,
    wire: str = "chat",
    diffusing: bool | None = None,
    name: str = "testprov",
    key_env: str | None = None,
    api_key: str | None = None,
    **client_kwargs: object,
) -> list[object]:
    """Stream one request through a real ``StreamClient`` and return every event."""
    from redline.backends.client import StreamClient
    from redline.backends.presets import ProviderPreset
    from redline.backends.request import ChatRequest, Message

    preset = ProviderPreset(name, url, key_env)
    client = StreamClient(preset, api_key=api_key, wire=wire, **client_kwargs)  # type: ignore[arg-type]
    try:
        request = ChatRequest("test-model", (Message("user", "hi"),), diffusing=diffusing)
        return [event async for event in client.stream(request)]
    finally:
        await client.aclose()


def text_of(events: list[object]) -> str:
    from redline.backends.events import TextDelta, TextSnapshot

    text = ""
    for event in events:
        if isinstance(event, TextDelta):
            text += event.text
        elif isinstance(event, TextSnapshot):
            text = event.text
    return text


def reasoning_of(events: list[object]) -> str:
    from redline.backends.events import ReasoningDelta

    return "".join(e.text for e in events if isinstance(e, ReasoningDelta))
