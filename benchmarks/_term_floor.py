"""The terminal benchmark's floor: the least a client can do between a token and the screen.

Not an assistant: a prompt read in cooked mode, one Chat Completions request over a plain
socket, and every token's text written to the terminal with ``os.write`` the moment its SSE
line is complete (no framework, no buffering, no layout). Whatever ``benchmarks/terminal.py``
measures for it is what the measurement itself costs (the pty, tmux's parsing, the capture
poll), so it is the line the real assistants are read against.

Usage: python benchmarks/_term_floor.py BASE_URL   (http://127.0.0.1:PORT/v1)
"""

from __future__ import annotations

import json
import os
import socket
import sys
from urllib.parse import urlsplit

PROMPT = "floor› "


def ask(host: str, port: int, path: str, prompt: str) -> None:
    body = json.dumps(
        {
            "model": "bench-model",
            "stream": True,
            "messages": [{"role": "user", "content": prompt}],
        }
    ).encode()
    head = (
        f"POST {path}/chat/completions HTTP/1.1\r\nHost: {host}:{port}\r\n"
        "Content-Type: application/json\r\nAccept: text/event-stream\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode()
    with socket.create_connection((host, port)) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.sendall(head + body)
        pending = b""
        while True:
            data = sock.recv(65536)
            if not data:
                return
            pending += data
            *lines, pending = pending.split(b"\n")
            out: list[str] = []
            for line in lines:  # chunk-size lines and blank lines are not "data:" lines
                if not line.startswith(b"data: "):
                    continue
                payload = line[6:].strip()
                if payload == b"[DONE]":
                    os.write(1, ("".join(out) + "\n").encode())
                    return
                delta = json.loads(payload)["choices"][0]["delta"]
                out.append(delta.get("content") or "")
            if out:
                os.write(1, "".join(out).encode())  # the tty turns "\n" into "\r\n"


def main() -> None:
    url = urlsplit(sys.argv[1])
    host, port = url.hostname or "127.0.0.1", url.port or 80
    os.write(1, b"\x1b[2J\x1b[H")
    while True:
        try:
            prompt = input(PROMPT)
        except (EOFError, KeyboardInterrupt):
            return
        if prompt.strip():
            ask(host, port, url.path.rstrip("/"), prompt)


if __name__ == "__main__":
    main()
