"""Just enough HTTP/1.1 for the simulator: requests in, keep-alive, chunked or close-delimited out."""

from __future__ import annotations

import asyncio
import gzip
import json
from dataclasses import dataclass

REASONS = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Payload Too Large",
    429: "Too Many Requests",
    500: "Internal Server Error",
}
MAX_BODY = 64 * 1024 * 1024


class BadRequest(Exception):
    """The bytes on the socket are not an HTTP/1.1 request we can answer."""


@dataclass(slots=True, frozen=True)
class Request:
    method: str
    path: str  # without the query string
    headers: dict[str, str]  # lower-cased names
    body: bytes
    keep_alive: bool

    def json(self) -> dict[str, object]:
        if not self.body:
            return {}
        raw = self.body
        if self.headers.get("content-encoding", "").lower() == "gzip":
            try:
                raw = gzip.decompress(raw)
            except (OSError, EOFError) as exc:
                raise BadRequest(f"request body is not valid gzip: {exc}") from None
        try:
            data = json.loads(raw)
        except ValueError as exc:
            raise BadRequest(f"request body is not JSON: {exc}") from None
        if not isinstance(data, dict):
            raise BadRequest("request body must be a JSON object")
        return data


async def read_request(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter | None = None
) -> Request | None:
    """The next request on the connection, or None when the client has closed it."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as exc:
        if exc.partial.strip():
            raise BadRequest("connection closed in the middle of a request") from None
        return None
    except asyncio.LimitOverrunError:
        raise BadRequest("request headers too large") from None
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
        raise BadRequest(f"not an HTTP/1.1 request line: {lines[0][:80]!r}")
    method, target, version = parts
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if not line:
            continue
        name, sep, value = line.partition(":")
        if not sep:
            raise BadRequest(f"malformed header line: {line[:80]!r}")
        headers[name.strip().lower()] = value.strip()
    if writer is not None and headers.get("expect", "").lower() == "100-continue":
        writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")  # curl waits for this on big bodies
    body = await _read_body(reader, headers)
    connection = headers.get("connection", "").lower()
    keep_alive = connection != "close" if version == "HTTP/1.1" else connection == "keep-alive"
    return Request(method.upper(), target.split("?", 1)[0], headers, body, keep_alive)


async def _read_body(reader: asyncio.StreamReader, headers: dict[str, str]) -> bytes:
    if "chunked" in headers.get("transfer-encoding", "").lower():
        parts: list[bytes] = []
        while True:
            size_line = await reader.readuntil(b"\r\n")
            size = int(size_line.split(b";", 1)[0].strip() or b"0", 16)
            if size == 0:
                while (await reader.readuntil(b"\r\n")) != b"\r\n":
                    pass
                return b"".join(parts)
            parts.append(await reader.readexactly(size))
            await reader.readexactly(2)
    length_text = headers.get("content-length", "0") or "0"
    try:
        length = int(length_text)
    except ValueError:
        raise BadRequest(f"bad content-length: {length_text!r}") from None
    if length > MAX_BODY:
        raise BadRequest("request body too large")
    return await reader.readexactly(length) if length else b""


def head(status: int, headers: dict[str, str]) -> bytes:
    """Status line and headers, ready to write."""
    lines = [f"HTTP/1.1 {status} {REASONS.get(status, 'Unknown')}"]
    lines.extend(f"{name}: {value}" for name, value in headers.items())
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def json_response(
    status: int, payload: object, *, keep_alive: bool, extra: dict[str, str] | None = None
) -> bytes:
    body = json.dumps(payload).encode()
    headers = {
        "content-type": "application/json",
        "content-length": str(len(body)),
        "connection": "keep-alive" if keep_alive else "close",
        **(extra or {}),
    }
    return head(status, headers) + body


def error_payload(message: str, kind: str, code: str | None = None) -> dict[str, object]:
    """An OpenAI-style error body."""
    return {"error": {"message": message, "type": kind, "param": None, "code": code}}


class BodyWriter:
    """Writes a streamed body, chunked (keep-alive) or close-delimited."""

    def __init__(
        self,
        writer: asyncio.StreamWriter,
        *,
        chunked: bool,
        reader: asyncio.StreamReader | None = None,
    ) -> None:
        self.writer = writer
        self.chunked = chunked
        self.reader = reader

    @property
    def closed(self) -> bool:
        """The client has gone (reset, or closed its side): stop pacing tokens for it."""
        if self.writer.is_closing():
            return True
        return self.reader is not None and self.reader.at_eof()

    def write(self, text: str) -> None:
        data = text.encode()
        if self.chunked:
            self.writer.write(b"%x\r\n%b\r\n" % (len(data), data))
        else:
            self.writer.write(data)

    async def flush(self, high_water: int = 256 * 1024) -> None:
        if self.writer.transport.get_write_buffer_size() > high_water:
            await self.writer.drain()

    async def end(self) -> None:
        if self.chunked:
            self.writer.write(b"0\r\n\r\n")
        await self.writer.drain()
