"""Build the real RedlineApp for Pilot and snapshot tests, with everything outside it pinned.

Fixed: the git state, the repo path, the clock (advances a fixed step per reading), no
cursor blink, no session files unless asked.
"""

from __future__ import annotations

import asyncio
import fcntl
import json
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from redline.agent.store import LoadedSession, SessionStore
from redline.tui.app import AppOptions, RedlineApp
from redline.tui.git_state import GitState

SIZE = (100, 30)


class StepClock:
    """The meter's clock in tests: time moves with what the meter is fed, never with a look.

    ``SpeedMeter.reading()`` reads the clock as often as the screen refreshes; letting those
    reads move time would tie the figures to frame timing. So only the meter's inputs move
    it: the first text ``ttft`` after the request, then each text as if written at ``rate``
    tokens/s (4 characters a token), and ``step`` for anything else.

    ``per_meter``: every meter keeps its own time, starting at its request. Lanes of a race
    share one clock, and how their streams interleave depends on scheduling; with one shared
    time a lane's figures would move with its neighbours' chunks.
    """

    def __init__(
        self,
        ttft: float = 0.15,
        rate: float = 2000.0,
        step: float = 0.0001,
        *,
        per_meter: bool = False,
    ) -> None:
        self.now = 1000.0
        self.ttft = ttft
        self.rate = rate
        self.step = step
        self.per_meter = per_meter
        self._waiting_first = False
        self._meters: dict[int, list[float | bool]] = {}  # id(meter) -> [now, waiting_first]

    def __call__(self) -> float:
        caller = sys._getframe(1)
        name = caller.f_code.co_name
        if self.per_meter and name in ("request_sent", "feed", "reading", "finish"):
            return self._meter_time(name, caller)
        if name == "request_sent":
            self._waiting_first = True
        elif name == "feed":
            text = getattr(caller.f_locals.get("event"), "text", "")
            if text and self._waiting_first:
                self.now += self.ttft
                self._waiting_first = False
            elif text:
                self.now += len(text) / 4 / self.rate
            else:
                self.now += self.step
        elif name != "reading":
            self.now += self.step
        return self.now

    def _meter_time(self, name: str, caller: Any) -> float:
        key = id(caller.f_locals.get("self"))
        if name == "request_sent":
            self._meters[key] = [1000.0, True]
            return 1000.0
        state = self._meters.setdefault(key, [1000.0, False])
        now, waiting = float(state[0]), bool(state[1])
        if name == "feed":
            text = getattr(caller.f_locals.get("event"), "text", "")
            if text and waiting:
                now += self.ttft
                waiting = False
            elif text:
                now += len(text) / 4 / self.rate
            else:
                now += self.step
        elif name == "finish":
            now += self.step
        state[0], state[1] = now, waiting
        return now


def spawn_redline_in_pty(
    cwd: Path, *, cols: int, rows: int = 40, env: dict[str, str] | None = None
) -> tuple[subprocess.Popen[bytes], int]:
    """``redline --provider sim`` on a real pseudo-terminal of ``cols`` x ``rows``, in its own
    session (no controlling terminal); returns the process and the master side."""
    from tests.conftest import ROOT

    full = dict(os.environ)
    full["PYTHONPATH"] = str(ROOT) + os.pathsep + full.get("PYTHONPATH", "")
    full["TERM"] = "xterm-256color"
    full.update(env or {})
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    proc = subprocess.Popen(
        [sys.executable, "-m", "redline", "--provider", "sim"],
        cwd=cwd, env=full, stdin=slave, stdout=slave, stderr=slave,
        start_new_session=True,
    )  # fmt: skip
    os.close(slave)
    return proc, master


def read_pty_until(
    master: int,
    done: Callable[[bytearray], bool],
    seen: bytearray,
    limit_s: float,
    *,
    poll_s: float = 0.2,
) -> None:
    """Read what the app writes to a pseudo-terminal into ``seen`` until ``done(seen)``."""
    deadline = time.monotonic() + limit_s
    while not done(seen) and time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], poll_s)
        if ready:
            try:
                seen += os.read(master, 65536)
            except OSError:
                return


def make_app(
    *,
    provider: str | None = "sim",
    model: str | None = None,
    base_url: str | None = None,
    open_backend: Callable[[str | None, str | None, str | None], Awaitable[Any]] | None = None,
    sessions: SessionStore | None = None,
    resumed: LoadedSession | None = None,
    git: GitState = GitState("main", dirty=True, changed=2),
    clock: Callable[[], float] | None = None,
    repo_root: Path = Path("/repo"),
    config: Any = None,
    save_setting: Callable[[str, object], object] | None = None,
    tools: bool = False,  # the agent's tools: tests of the plain edit-block turn leave them off
    approval: str = "ask",
    context_set: Any = None,
) -> RedlineApp:
    options = AppOptions(
        provider=provider,
        model=model,
        base_url=base_url,
        repo_root=repo_root,
        tools=tools,
        approval=approval,  # type: ignore[arg-type]
    )
    return RedlineApp(
        options,
        config=config,
        save_setting=save_setting,
        open_backend=open_backend,
        clock=clock or StepClock(),
        display_clock=lambda: 0.0,
        cursor_blink=False,
        read_git=lambda _path: git,
        sessions=sessions,
        resumed=resumed,
        context_set=context_set,
    )


async def failing_opener(provider: str | None, model: str | None, base_url: str | None) -> Any:
    """A backend that cannot be opened, with the sentence the backend layer would write."""
    raise RuntimeError(f"{provider}: CEREBRAS_API_KEY is not set.")


class RecordingServer:
    """A tiny OpenAI-compatible server on loopback that keeps every request body it gets.

    Answers ``POST /v1/chat/completions`` with a short SSE stream (``reply`` split in words)
    and ``GET /v1/models`` with ``models``. Runs in the test's own event loop.
    """

    def __init__(self, reply: str = "recorded reply", models: tuple[str, ...] = ("rec-1",)) -> None:
        self.reply = reply
        self.models = models
        self.bodies: list[dict[str, Any]] = []
        self.url = ""  # once started
        self._server: asyncio.Server | None = None

    async def start(self) -> str:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}/v1"
        return self.url

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, path, _ = lines[0].split(" ", 2)
            headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
            length = int({k.lower(): v for k, v in headers.items()}.get("content-length", "0"))
            body = await reader.readexactly(length) if length else b""
            if method == "GET" and path.endswith("/models"):
                data = {
                    "object": "list",
                    "data": [{"id": m, "object": "model"} for m in self.models],
                }
                payload = json.dumps(data).encode()
                writer.write(
                    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
                    + f"content-length: {len(payload)}\r\nconnection: close\r\n\r\n".encode()
                    + payload
                )
            elif not path.endswith("/chat/completions"):  # e.g. a tokenize probe: not here
                writer.write(
                    b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                )
            else:
                self.bodies.append(json.loads(body))
                writer.write(
                    b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n"
                    b"connection: close\r\n\r\n"
                )
                for word in self.reply.split(" "):
                    chunk = {"choices": [{"index": 0, "delta": {"content": word + " "}}]}
                    writer.write(f"data: {json.dumps(chunk)}\n\n".encode())
                end = {"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
                writer.write(f"data: {json.dumps(end)}\n\ndata: [DONE]\n\n".encode())
            await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, ValueError):
            pass
        finally:
            writer.close()


async def wait_until(pilot: Any, condition: Callable[[], bool], timeout: float = 20.0) -> None:
    """Let the app run until ``condition()`` holds (fails the test after ``timeout`` s)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError("the app did not get there in time")
        await pilot.pause(0.02)


async def settle(pilot: Any) -> None:
    """Wait for start-up work (backend opened, git read) and any turn to end; then a frame."""
    app = pilot.app
    await wait_until(
        pilot, lambda: app.session.backend is not None or app.session.backend_error is not None
    )
    await wait_until(pilot, lambda: not app.session.turn_running)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
