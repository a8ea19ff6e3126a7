"""``SimServer``: the loopback HTTP server that speaks each provider's wire at its speed."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import hashlib
import threading
import time
from collections.abc import Callable
from types import TracebackType

from redline.backends.sim import http, plain
from redline.backends.sim.agent import DEFAULT_STEPS, AgentMove, agent_view, next_move
from redline.backends.sim.agent_stream import stream_call
from redline.backends.sim.faults import (
    HTTP_FAULTS,
    MID_STREAM_FAULTS,
    Fault,
    UnknownFault,
    parse_fault,
    split_fault_path,
)
from redline.backends.sim.http import BadRequest, BodyWriter, Request
from redline.backends.sim.merge import merge, split_prompt
from redline.backends.sim.profiles import Profile, get_profile
from redline.backends.sim.replies import (
    build_reply,
    default_reply_tokens,
    padded_reply,
    request_from_body,
)
from redline.backends.sim.stream import Disconnect, Pace, stream_snapshots, stream_tokens
from redline.backends.sim.summary import summary_reply
from redline.backends.sim.wire import ChatWire, ResponsesWire
from redline.backends.tokens import count_tokens


class SimServer:
    """A real HTTP/1.1 server on loopback; see DESIGN.md "The simulator".

    Async: ``url = await server.start()`` ... ``await server.stop()`` (or ``async with``).
    Sync (tests, the CLI): ``url = server.start_in_thread()`` ... ``server.stop_thread()``
    (or ``with SimServer() as server: server.base_url``).
    """

    def __init__(
        self,
        profile: str = "cerebras",
        rate: float | None = None,
        ttft_ms: float | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        chunk_tokens: int | None = None,
        exact_chunks: bool = False,
        close_delimited: bool = False,
        log: Callable[[str], None] | None = None,
        agent_steps: int = DEFAULT_STEPS,
        answer_tokens: int | None = None,
    ) -> None:
        self.profile: Profile = get_profile(profile)
        if rate is not None and rate <= 0:
            raise ValueError("rate must be a positive number of tokens per second")
        if ttft_ms is not None and ttft_ms < 0:
            raise ValueError("ttft_ms must not be negative")
        self.rate = rate if rate is not None else self.profile.rate
        self.ttft_ms = ttft_ms if ttft_ms is not None else self.profile.ttft_ms
        self.chunk_tokens = chunk_tokens or self.profile.chunk_tokens
        self.exact_chunks = exact_chunks  # tests: chunking independent of wall-clock speed
        self.host = host
        self.port = port
        self.close_delimited = close_delimited
        if agent_steps < 1:
            raise ValueError("agent_steps must be at least 1")
        self.agent_steps = agent_steps
        if answer_tokens is not None and answer_tokens < 1:
            raise ValueError("answer_tokens must be at least 1")
        # A request that names no length: about 4 s at this rate, so a person sees the meter.
        self.answer_tokens = answer_tokens or default_reply_tokens(self.rate)
        self._log = log
        self.requests = 0
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._writers: set[asyncio.StreamWriter] = set()
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/v1"

    # -- lifecycle -----------------------------------------------------------------------

    async def start(self) -> str:
        """Listen; returns the base URL (ending in ``/v1``)."""
        self._server = await asyncio.start_server(self._connection, self.host, self.port)
        sockets = self._server.sockets
        if sockets:
            self.port = sockets[0].getsockname()[1]
        return self.base_url

    async def stop(self) -> None:
        """Stop listening and drop every open connection (stalled ones included)."""
        if self._server is not None:
            self._server.close()
        for writer in list(self._writers):
            writer.transport.abort()
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._server is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 2.0)
            self._server = None

    async def __aenter__(self) -> SimServer:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    def start_in_thread(self) -> str:
        """Run the server on its own event loop in a daemon thread; returns the base URL."""
        ready: concurrent.futures.Future[str] = concurrent.futures.Future()
        loop = asyncio.new_event_loop()
        self._loop = loop

        def run() -> None:
            asyncio.set_event_loop(loop)
            try:
                ready.set_result(loop.run_until_complete(self.start()))
            except BaseException as exc:
                ready.set_exception(exc)
                loop.close()
                return
            loop.run_forever()
            loop.run_until_complete(self.stop())
            loop.close()

        self._thread = threading.Thread(target=run, name="redline-sim", daemon=True)
        self._thread.start()
        return ready.result(timeout=10)

    def stop_thread(self) -> None:
        """Stop a server started with ``start_in_thread``."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        if not loop.is_closed():
            loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        self._loop = None
        self._thread = None

    def __enter__(self) -> SimServer:
        self.start_in_thread()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop_thread()

    # -- connections ---------------------------------------------------------------------

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)  # type: ignore[arg-type]
        self._writers.add(writer)
        try:
            while True:
                try:
                    request = await http.read_request(reader, writer)
                except BadRequest as exc:
                    writer.write(
                        plain.error(400, str(exc), "invalid_request_error", keep_alive=False)
                    )
                    await writer.drain()
                    break
                if request is None:
                    break
                self.requests += 1
                started = time.perf_counter()
                keep = await self._respond(request, reader, writer)
                await writer.drain()
                if self._log is not None:
                    ms = (time.perf_counter() - started) * 1000
                    self._log(f"{request.method} {request.path} ({ms:.0f} ms)")
                if not keep:
                    break
        except Disconnect:
            writer.transport.abort()  # drop the socket, no chunked terminator
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass
        finally:
            self._writers.discard(writer)
            if task is not None:
                self._tasks.discard(task)  # type: ignore[arg-type]
            writer.close()

    async def _respond(
        self, request: Request, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> bool:
        """Answer one request; False when the connection must close afterwards."""
        received = asyncio.get_running_loop().time()
        keep = request.keep_alive and not self.close_delimited
        name, path = split_fault_path(request.path)
        name = name or request.headers.get("x-redline-sim-fault")
        fault: Fault | None = None
        if name:
            try:
                fault = parse_fault(name)
            except UnknownFault as exc:
                writer.write(plain.error(400, str(exc), "invalid_request_error", keep_alive=keep))
                return keep
        if fault is not None and fault.name == "slow-headers":
            await asyncio.sleep(fault.delay_s)
        if fault is not None and fault.name in HTTP_FAULTS:
            writer.write(plain.http_fault(fault, keep_alive=keep))
            return keep
        if path in ("/", "/health"):
            writer.write(plain.text(200, f"redline simulator, profile {self.profile.name}\n", keep))
            return keep
        if path == "/v1/models":
            if request.method != "GET":
                writer.write(
                    plain.error(405, "use GET for /v1/models", "invalid_request_error", keep)
                )
                return keep
            writer.write(http.json_response(200, self._models(), keep_alive=keep))
            return keep
        if path == "/v1/apply/completions" and request.method == "POST":
            writer.write(self._merged(request, keep))
            return keep
        if path in ("/v1/chat/completions", "/v1/responses"):
            if request.method != "POST":
                writer.write(
                    plain.error(405, f"use POST for {path}", "invalid_request_error", keep)
                )
                return keep
            try:
                body = request.json()
            except BadRequest as exc:
                writer.write(plain.error(400, str(exc), "invalid_request_error", keep_alive=keep))
                return keep
            return await self._complete(
                request, path, body, (reader, writer), fault, received, keep
            )
        writer.write(
            plain.error(
                404,
                f"no route {path}; the simulator serves /v1/chat/completions, "
                "/v1/responses and /v1/models",
                "invalid_request_error",
                keep,
            )
        )
        return keep

    def _merged(self, request: Request, keep: bool) -> bytes:
        """Mercury's apply-edit endpoint: the original with the update snippet merged in."""
        try:
            body = request.json()
        except BadRequest as exc:
            return plain.error(400, str(exc), "invalid_request_error", keep_alive=keep)
        messages = body.get("messages")
        content = ""
        if isinstance(messages, list) and messages and isinstance(messages[-1], dict):
            content = str(messages[-1].get("content") or "")
        parts = split_prompt(content)
        if parts is None:
            return plain.error(
                400,
                "the message needs <|original_code|> and <|update_snippet|> sections",
                "invalid_request_error",
                keep_alive=keep,
            )
        merged = merge(*parts)
        payload = {
            "id": "sim-apply",
            "object": "chat.completion",
            "model": body.get("model") or "mercury-edit",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": merged},
                    "finish_reason": "stop",
                }
            ],
            "usage": {
                "prompt_tokens": count_tokens(content),
                "completion_tokens": count_tokens(merged),
            },
        }
        return http.json_response(200, payload, keep_alive=keep)

    def _models(self) -> dict[str, object]:
        return {
            "object": "list",
            "data": [
                {"id": m, "object": "model", "created": 1761231200, "owned_by": "redline-sim"}
                for m in self.profile.models
            ],
        }

    def _pace(self, request: Request) -> Pace:
        headers = request.headers
        rate = _positive(headers.get("x-redline-sim-rate")) or self.rate
        ttft = _non_negative(headers.get("x-redline-sim-ttft"))
        chunk = _positive(headers.get("x-redline-sim-chunk"))
        return Pace(
            rate=rate,
            ttft_s=(ttft if ttft is not None else self.ttft_ms) / 1000.0,
            chunk_tokens=int(chunk) if chunk else self.chunk_tokens,
            exact_chunks=self.exact_chunks,
        )

    async def _complete(
        self,
        request: Request,
        path: str,
        body: dict[str, object],
        conn: tuple[asyncio.StreamReader, asyncio.StreamWriter],
        fault: Fault | None,
        received: float,
        keep: bool,
    ) -> bool:
        reader, writer = conn
        responses = path == "/v1/responses"
        model = body.get("model")
        model = model if isinstance(model, str) and model else self.profile.default_model
        seed_text = request.headers.get("x-redline-sim-seed", "0")
        seed = int(seed_text) if seed_text.isdigit() else _hash_seed(seed_text)
        reply_request = request_from_body(
            body,
            reasoning=self.profile.reasoning is not None and not responses,
            seed=seed,
            default_tokens=self.answer_tokens,
        )
        prompt_tokens = count_tokens(reply_request.system + reply_request.conversation)
        pace = self._pace(request)
        request_id = hashlib.sha1(request.body).hexdigest()[:12]
        view = agent_view(body)
        move = None
        if view is not None:  # tools offered: the scripted agent answers
            steps = _positive(request.headers.get("x-redline-sim-steps"))
            move = next_move(
                view,
                steps=int(steps) if steps else self.agent_steps,
                fault=fault.name if fault is not None else None,
            )
            if move.call is not None:
                return await self._call(
                    request,
                    responses,
                    body,
                    move,
                    model,
                    request_id,
                    prompt_tokens,
                    conn,
                    (pace, received, keep),
                )
            reply = padded_reply(move.text + "\n", reply_request.max_tokens, seed)
        else:
            reply = summary_reply(reply_request) or build_reply(
                reply_request, profile=self.profile.name, model=model
            )
        if body.get("stream") is not True:
            if fault is not None and fault.name == "disconnect":
                raise Disconnect
            await asyncio.sleep(
                max(
                    0.0,
                    received
                    + pace.ttft_s
                    + len(reply.tokens) / pace.rate
                    - asyncio.get_running_loop().time(),
                )
            )
            payload = plain.whole_reply(reply, model, request_id, prompt_tokens, responses)
            writer.write(http.json_response(200, payload, keep_alive=keep))
            return keep
        chunked = keep
        writer.write(http.head(200, _sse_headers(request_id, chunked)))
        out = BodyWriter(writer, chunked=chunked, reader=reader)
        mid_fault = fault if fault is not None and fault.name in MID_STREAM_FAULTS else None
        wire = self._wire(body, model, request_id, responses)
        for frame in wire.opening():
            out.write(frame)
        await writer.drain()
        if isinstance(wire, ChatWire) and self.profile.diffusion and body.get("diffusing") is True:
            await stream_snapshots(
                out, wire, reply, pace, received, prompt_tokens=prompt_tokens, fault=mid_fault
            )
        else:
            await stream_tokens(
                out, wire, reply, pace, received, prompt_tokens=prompt_tokens, fault=mid_fault
            )
        return chunked

    def _wire(
        self, body: dict[str, object], model: str, request_id: str, responses: bool
    ) -> ChatWire | ResponsesWire:
        """The wire to stream on: Responses events, or Chat Completions chunks (usage at the
        end when the request asked for it)."""
        if responses:
            return ResponsesWire(model, request_id=request_id)
        options = body.get("stream_options")
        include_usage = isinstance(options, dict) and options.get("include_usage") is True
        return ChatWire(self.profile, model, include_usage=include_usage, request_id=request_id)

    async def _call(
        self,
        request: Request,
        responses: bool,
        body: dict[str, object],
        move: AgentMove,
        model: str,
        request_id: str,
        prompt_tokens: int,
        conn: tuple[asyncio.StreamReader, asyncio.StreamWriter],
        timing: tuple[Pace, float, bool],
    ) -> bool:
        """The scripted agent calls a tool: streamed at the profile's pace, or whole."""
        reader, writer = conn
        pace, received, keep = timing
        call = move.call
        assert call is not None
        if body.get("stream") is not True:
            due = received + pace.ttft_s + count_tokens(call.arguments) / pace.rate
            await asyncio.sleep(max(0.0, due - asyncio.get_running_loop().time()))
            payload = plain.whole_call(call, model, request_id, prompt_tokens, responses)
            writer.write(http.json_response(200, payload, keep_alive=keep))
            return keep
        writer.write(http.head(200, _sse_headers(request_id, keep)))
        out = BodyWriter(writer, chunked=keep, reader=reader)
        wire = self._wire(body, model, request_id, responses)
        if isinstance(wire, ChatWire):  # the Responses call stream opens in stream_call
            for frame in wire.opening():
                out.write(frame)
        await writer.drain()
        await stream_call(
            out,
            wire,
            call,
            pace,
            received,
            prompt_tokens=prompt_tokens,
            whole=self.profile.whole_tool_calls,
            stall=move.stall,
        )
        return keep and not move.stall


def _sse_headers(request_id: str, chunked: bool) -> dict[str, str]:
    headers = {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache",
        "x-request-id": f"sim-{request_id}",
        "connection": "keep-alive" if chunked else "close",
    }
    if chunked:
        headers["transfer-encoding"] = "chunked"
    return headers


def _positive(text: str | None) -> float | None:
    try:
        value = float(text) if text else None
    except ValueError:
        return None
    return value if value is not None and value > 0 else None


def _non_negative(text: str | None) -> float | None:
    try:
        value = float(text) if text else None
    except ValueError:
        return None
    return value if value is not None and value >= 0 else None


def _hash_seed(text: str) -> int:
    return int(hashlib.sha1(text.encode()).hexdigest()[:8], 16)
