"""The one streaming client: ``httpx.AsyncClient`` + its own event-stream decoder, no vendor SDK.

One ``StreamClient`` per backend keeps one connection pool (HTTP keep-alive), so after
``warm()`` a request's time to first token is the provider's, not a TCP/TLS handshake.
Every failure comes out of ``stream()`` as a ``StreamError`` event, never an exception.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import replace

import httpx

from redline.backends import _local, _messages
from redline.backends import apply_edit as _apply
from redline.backends._body import apply_knobs, encode, token_limit
from redline.backends._catalog import ModelCatalog, ProviderError, read_capped
from redline.backends._chat import ChatParser
from redline.backends._conversation import (
    add_tools,
    chat_messages,
    encrypted_reasoning,
    responses_input,
)
from redline.backends._errors import (
    Scrubber,
    http_error,
    missing_key,
    no_tools,
    refuses_tools,
    short,
    transport_error,
)
from redline.backends._messages import prompt_estimate
from redline.backends._ratelimit import low_budget
from redline.backends._responses import ResponsesParser
from redline.backends._sse import Sse, sse_batches
from redline.backends._timeouts import RetryPolicy, Timeouts, Watchdog
from redline.backends.events import Event, ProviderNotice, StreamError
from redline.backends.model_cache import ModelListCache
from redline.backends.options import ModelKnobs
from redline.backends.presets import ProviderPreset, Wire, wire_for
from redline.backends.request import ChatRequest

Sleep = Callable[[float], Awaitable[None]]

__all__ = ["ProviderError", "RetryPolicy", "StreamClient", "Timeouts"]


class _SwitchWire(Exception):
    """The server has no Responses API (404): ask again over Chat Completions."""


class _Retry(Exception):
    def __init__(self, error: StreamError, delay_s: float) -> None:
        super().__init__(error.message)
        self.error = error
        self.delay_s = delay_s


class KeyAuth(httpx.Auth):
    """The API key as a bearer token, attached only to requests for the origin it belongs to
    (checked as each request is built, so no later URL change can carry it elsewhere)."""

    def __init__(self, key: str, base_url: str) -> None:
        self._header = f"Bearer {key}"
        self._origin = _origin(httpx.URL(base_url))

    def auth_flow(self, request: httpx.Request):  # type: ignore[no-untyped-def]
        if _origin(request.url) == self._origin:
            request.headers["authorization"] = self._header
        yield request


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    return (url.scheme, url.host, url.port)


ERROR_BODY_LIMIT = 64 * 1024  # an error page or message: enough to say what went wrong
WHOLE_BODY_LIMIT = 4 * 1024 * 1024  # a server that ignored `stream: true`: one whole answer


_CHAT_CHUNK = '"chat.completion.chunk"'


def _is_local(url: str) -> bool:
    host = httpx.URL(url).host
    return host in ("127.0.0.1", "localhost", "::1", "0.0.0.0")


class StreamClient:
    def __init__(
        self,
        preset: ProviderPreset,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        wire: str | None = None,
        model_diffusing: Mapping[str, bool] | None = None,
        model_tools: Mapping[str, bool] | None = None,
        model_knobs: Mapping[str, ModelKnobs] | None = None,
        timeouts: Timeouts = Timeouts(),
        retry: RetryPolicy = RetryPolicy(),
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Sleep = asyncio.sleep,
        http2: bool = False,
        models_ttl_s: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        model_cache: ModelListCache | None = None,
    ) -> None:
        self.preset = preset
        self.base_url = (base_url or preset.base_url).rstrip("/")
        self.wire: Wire = wire_for(preset, preset.default_model, wire)
        self.wire_explicit = wire in ("chat", "responses")
        # A Responses preset pointed at another server may find it speaks only Chat Completions.
        self._detect_wire = (
            not self.wire_explicit
            and self.wire == "responses"
            and bool(base_url)
            and self.base_url != preset.base_url.rstrip("/")
        )
        self.local = _is_local(self.base_url)
        self._busy = 0  # requests in flight: a single-slot local server is not probed meanwhile
        self._tokenize: str | None = None  # the local server's tokenize route, once found
        self.timeouts = timeouts
        self.retry = retry
        self._key = api_key or None
        self._scrub = Scrubber((api_key,) if api_key else ())
        self._model_diffusing = dict(model_diffusing or {})
        self._model_tools = dict(model_tools or {})
        self._refused_tools: set[str] = set()
        self._knobs = dict(model_knobs or {})
        self._sleep = sleep
        self._clock = clock
        # Called once a request's body is on the wire (the TUI holds its frame until then).
        self.written_hook: Callable[[], None] | None = None
        headers = {"accept": "text/event-stream", **dict(preset.extra_headers)}
        self._http = httpx.AsyncClient(
            headers=headers,
            auth=KeyAuth(self._key, self.base_url) if self._key else None,
            timeout=httpx.Timeout(connect=timeouts.connect_s, read=None, write=30.0, pool=30.0),
            limits=httpx.Limits(max_keepalive_connections=8, keepalive_expiry=300.0),
            transport=transport,
            http2=http2,
            trust_env=True,
        )
        self._catalog = ModelCatalog(
            self._http,
            preset,
            self.base_url,
            has_key=self._key is not None,
            scrub=self._scrub,
            clock=clock,
            ttl_s=models_ttl_s,
            cache=model_cache,
        )

    @property
    def name(self) -> str:
        return self.preset.name

    @property
    def endpoint(self) -> str:
        return self.base_url + ("/responses" if self.wire == "responses" else "/chat/completions")

    # request -------------------------------------------------------------------------
    def supports_tools(self, model: str) -> bool:
        """False when config says ``tools = false`` for ``model`` or the server refused them.

        A refusal is an HTTP error mentioning tools in answer to a request that offered some
        (Ollama "does not support tools", vLLM without ``--enable-auto-tool-choice``, llama.cpp
        without ``--jinja``); the turn then falls back to edit blocks.
        """
        model = model or self.preset.default_model
        return self._model_tools.get(model, True) and model not in self._refused_tools

    def diffusing_for(self, request: ChatRequest) -> bool:
        if self.wire != "chat":
            return False
        if request.diffusing is not None:
            return request.diffusing
        knobs = self._knobs.get(request.model)
        if knobs is not None and knobs.diffusing is not None:
            return knobs.diffusing
        return self._model_diffusing.get(request.model, self.preset.diffusing)

    def build_body(self, request: ChatRequest) -> dict[str, object]:
        model = request.model or self.preset.default_model
        knobs = self._knobs.get(model)
        limit = token_limit(self.preset, request.max_tokens, knobs)
        body: dict[str, object]
        if self.wire == "responses":
            system, items = responses_input(request.messages, provider=self.name, model=model)
            body = {"model": model, "input": items, "stream": True}
            if encrypted_reasoning(self.preset.tool_rules, model):
                body["include"] = ["reasoning.encrypted_content"]
            if system:
                body["instructions"] = system
            if limit:
                body["max_output_tokens"] = limit
        else:
            body = {
                "model": model,
                "messages": chat_messages(
                    request.messages, rules=self.preset.tool_rules, model=model, provider=self.name
                ),
                "stream": True,
            }
            if self.preset.stream_usage:
                body["stream_options"] = {"include_usage": True}
            if limit:
                body[self.preset.tokens_field] = limit
            if self.diffusing_for(request):
                body["diffusing"] = True
        if request.temperature is not None:
            body["temperature"] = request.temperature
        add_tools(body, request, self.preset.tool_rules, self.wire)
        apply_knobs(body, self.preset, knobs, self.wire)
        body.update(request.extra)
        return body

    def request_headers(self, request: ChatRequest) -> dict[str, str]:
        """Per-request headers: the session's affinity id where the provider routes by it."""
        if self.preset.session_affinity and request.session_id:
            return {"x-session-affinity": request.session_id}
        return {}

    # streaming -----------------------------------------------------------------------
    def stream(self, request: ChatRequest) -> AsyncGenerator[Event, None]:
        """The answer as events; always ends with ``Finished`` or ``StreamError``."""
        return self._stream(request)  # one async-generator hop per event, not two

    async def _stream(self, request: ChatRequest) -> AsyncGenerator[Event, None]:
        if self.preset.key_env and not self._key:
            yield missing_key(self.name, self.preset.key_env)
            return
        body = self.build_body(request)
        diffusing = self.diffusing_for(request)
        model = str(body["model"])
        headers = self.request_headers(request)
        attempt = 0
        while True:
            may_retry = attempt < self.retry.max_retries
            self._busy += 1
            try:
                deadline = asyncio.get_running_loop().time() + self.timeouts.first_token_s
                opened = await self._open(body, headers, model, deadline, may_retry)
                if isinstance(opened, StreamError):
                    yield opened
                    return
                budget = low_budget(self.name, opened.headers)
                if budget:
                    yield ProviderNotice(budget)
                try:
                    ctype = opened.headers.get("content-type", "")
                    if "event-stream" not in ctype:
                        for event in await self._whole(opened, ctype):
                            yield event
                        return
                    loop = asyncio.get_running_loop()
                    stall = self.timeouts.stall_s
                    responses = self.wire == "responses"
                    chat = ChatParser(self.name, diffusing=diffusing)
                    resp = ResponsesParser(self.name)
                    out: list[Event] = []
                    started = done = broken = False
                    batch: list[Sse] | None = None
                    source = sse_batches(opened)
                    next_batch = source.__anext__
                    watch = Watchdog(loop, deadline)
                    try:
                        while not done:
                            if (
                                started
                            ):  # a stall is time spent waiting on the network, not on the consumer
                                watch.deadline = loop.time() + stall
                            watch.reading = True
                            try:
                                batch = await next_batch()  # every event of one network chunk
                            except StopAsyncIteration:
                                break
                            except asyncio.CancelledError:
                                if not watch.take_timeout():
                                    raise
                                yield (
                                    self._stall_timeout()
                                    if started
                                    else self._first_token_timeout()
                                )
                                return
                            except httpx.HTTPError as exc:
                                error = self._scrubbed(
                                    transport_error(exc, provider=self.name, url=self.base_url)
                                )
                                if not started and may_retry:
                                    raise _Retry(error, self.retry.backoff_s) from None
                                yield error
                                return
                            finally:
                                watch.reading = False
                            for event_name, data in batch:
                                if not data:
                                    continue
                                if responses and not resp.started and _CHAT_CHUNK in data:
                                    responses = self._speaks_chat(out)
                                try:
                                    if responses:
                                        done = resp.feed(event_name, data, out)
                                        now_started = resp.started
                                    else:
                                        done = chat.feed(data, out)
                                        now_started = chat.started
                                except (AttributeError, TypeError, KeyError, IndexError) as exc:
                                    # A chunk of an unexpected shape: say so, keep what came before.
                                    out.append(self._odd_chunk(data, exc))
                                    done = broken = True
                                    now_started = started
                                    chat.abandon()
                                    resp.abandon()
                                if now_started and not started:
                                    started = True
                                    watch.arm(
                                        loop.time() + stall
                                    )  # earlier than the first-token deadline
                                if out:
                                    if not started and may_retry:
                                        self._maybe_retry(out)
                                    for event in out:
                                        yield (
                                            self._scrubbed(event)
                                            if type(event) is StreamError
                                            else event
                                        )
                                    out.clear()
                                if done:
                                    break  # what follows the end in this chunk is not read
                        watch.cancel()
                        if batch is None and self.local:
                            yield _messages.nothing_sent(
                                self.name, self.base_url, prompt_estimate(body)
                            )  # not retried: it would do it again
                            return
                        (resp if responses else chat).close(out)
                        if out and not started and may_retry:
                            self._maybe_retry(out)
                        for event in out:
                            yield self._scrubbed(event) if type(event) is StreamError else event
                        if done and not broken:
                            await self._drain(source)
                    finally:
                        watch.cancel()
                        await source.aclose()
                    return
                finally:
                    await opened.aclose()
            except _Retry as retry:
                attempt += 1
                await self._sleep(retry.delay_s)
            except _SwitchWire:
                body = self.build_body(request)
                yield _messages.speaks_chat(self.name, self.base_url)
            finally:
                self._busy -= 1

    def _backoff(self, error: StreamError) -> float | None:
        """Seconds to wait before retrying ``error``, or None if it must not be retried."""
        if error.kind == "rate_limit":
            wait = error.retry_after_s
            if wait is None or wait > self.retry.max_wait_s:
                return None
            return wait
        if error.kind in ("network", "server"):
            wait = error.retry_after_s
            return min(wait if wait is not None else self.retry.backoff_s, self.retry.max_wait_s)
        return None

    def _scrubbed(self, error: StreamError) -> StreamError:
        return replace(error, message=self._scrub(error.message))

    async def _open(
        self,
        body: dict[str, object],
        headers: dict[str, str],
        model: str,
        deadline: float,
        may_retry: bool,
    ) -> httpx.Response | StreamError:
        """Send the request: the streaming response, or the error (raises ``_Retry``)."""
        content, content_headers = encode(body, gzip_ok=self.preset.gzip_requests)
        hook = self.written_hook
        request = self._http.build_request(
            "POST",
            self.endpoint,
            content=content,
            headers={**content_headers, **headers},
            extensions={"trace": _on_written(hook)} if hook is not None else None,
        )
        try:
            async with asyncio.timeout_at(deadline):
                response = await self._http.send(request, stream=True)
        except TimeoutError:
            return self._first_token_timeout()
        except httpx.HTTPError as exc:
            error = self._scrubbed(transport_error(exc, provider=self.name, url=self.base_url))
            refused_locally = "refused" in error.message and _is_local(self.base_url)
            if may_retry and not refused_locally and not isinstance(exc, httpx.ConnectTimeout):
                raise _Retry(error, self.retry.backoff_s) from None
            return error
        if response.status_code < 300:
            return response
        if response.status_code == 404 and self._detect_wire and self.wire == "responses":
            await response.aclose()
            self.wire = "chat"
            self._detect_wire = False
            raise _SwitchWire
        try:
            error = await self._status_error(response, model)
        finally:
            await response.aclose()
        if "tools" in body and refuses_tools(response.status_code, error.message):
            self._refused_tools.add(model)
            return no_tools(self.name, model, error.message)
        wait = self._backoff(error)
        if may_retry and wait is not None:
            raise _Retry(error, wait)
        return error

    @staticmethod
    async def _drain(source: AsyncIterator[object]) -> None:
        """Read to the end of the body after the last event, so the connection is reused."""
        try:
            async with asyncio.timeout(0.5):
                async for _ in source:
                    pass
        except (TimeoutError, httpx.HTTPError):
            pass

    def _maybe_retry(self, out: list[Event]) -> None:
        """An error before any text may be retried (nothing was shown yet)."""
        for event in out:
            if type(event) is StreamError:
                wait = self._backoff(event)
                if wait is not None:
                    raise _Retry(event, wait)

    async def _whole(self, response: httpx.Response, ctype: str) -> list[Event]:
        """A server that ignored ``stream: true`` and sent one JSON body."""
        from redline.backends._json import loads

        raw = await read_capped(response, WHOLE_BODY_LIMIT)
        out: list[Event] = []
        try:
            obj = loads(raw.decode("utf-8", "replace"))
        except ValueError:
            obj = None
        if isinstance(obj, dict) and obj.get("choices"):
            parser = ChatParser(self.name)
            parser.feed_whole(obj, out)
            parser.close(out)
        else:
            out.append(
                StreamError(
                    "protocol",
                    f"{self.name} answered with {ctype or 'no content type'} instead of an event "
                    f"stream ({short(self._scrub(raw.decode('utf-8', 'replace')), 120)}): check "
                    f"--base-url ({self.base_url}).",
                )
            )
        return out

    async def _status_error(self, response: httpx.Response, model: str) -> StreamError:
        try:
            raw = await asyncio.wait_for(read_capped(response, ERROR_BODY_LIMIT), 5.0)
        except (TimeoutError, httpx.HTTPError):
            raw = b""
        models: list[str] | None = None
        if response.status_code == 404:
            try:
                models = await asyncio.wait_for(self._catalog.fetch(), 5.0)
            except (TimeoutError, ProviderError):
                models = None
            if models is not None and model in models:
                models = None  # the model exists: the 404 is about the URL
        error = http_error(
            response.status_code,
            response.headers,
            self._scrub(raw.decode("utf-8", "replace")).encode(),
            provider=self.name,
            model=model,
            url=self.endpoint,
            key_env=self.preset.key_env,
            models=models,
        )
        if response.status_code == 404 and self.wire == "responses" and not models:
            error = StreamError(
                "config",
                f"{self.name} at {self.base_url} has no Responses API (HTTP 404 on /responses): "
                'pass --wire chat (or set wire = "chat" for this provider).',
            )
        return self._scrubbed(error)

    def _speaks_chat(self, out: list[Event]) -> bool:
        """A chat chunk where Responses events were expected: read the rest as chat."""
        self.wire = "chat"
        self._detect_wire = False
        out.append(_messages.speaks_chat(self.name, self.base_url))
        return False

    def _odd_chunk(self, data: str, exc: BaseException) -> StreamError:
        return _messages.odd_chunk(self.name, short(self._scrub(data), 80), exc)

    def _first_token_timeout(self) -> StreamError:
        return _messages.first_token_timeout(self.name, self.timeouts.first_token_s)

    def _stall_timeout(self) -> StreamError:
        return _messages.stall_timeout(self.name, self.timeouts.stall_s)

    # other calls ---------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        """A request is in flight (a single-slot local server must not be probed now)."""
        return self._busy > 0

    async def list_models(self) -> list[str]:
        """Model ids: memory, the disk cache, else ``GET /models`` (never a busy local server)."""
        return await self._catalog.ids(busy_local=self.busy and self.local)

    async def count_tokens(self, texts: list[str], timeout_s: float = 5.0) -> int | None:
        """Exact tokens in ``texts`` by a local llama.cpp server's tokenizer (None: cannot)."""
        if not self.local or self._tokenize == _local.NONE:
            return None
        try:
            async with asyncio.timeout(timeout_s):
                count, self._tokenize = await _local.count_tokens(
                    self._http, self.base_url, texts, self._tokenize
                )
        except TimeoutError:
            return None
        return count

    async def apply_edit(self, original: str, update: str, model: str | None = None) -> str:
        """Merge an elided edit into ``original`` with Mercury's apply endpoint (Inception)."""
        if self.preset.key_env and not self._key:
            raise ProviderError(missing_key(self.name, self.preset.key_env))
        return await _apply.apply_edit(
            self._http,
            self.base_url,
            original,
            update,
            provider=self.name,
            key_env=self.preset.key_env,
            scrub=self._scrub,
            model=model or _apply.APPLY_MODEL,
        )

    async def warm(self, timeout_s: float = 3.0) -> bool:
        """Open (and keep) a connection now, so the first request pays no handshake."""
        if self.preset.key_env and not self._key:
            return False
        try:
            await asyncio.wait_for(self._catalog.fetch(), timeout_s)
        except (TimeoutError, ProviderError):
            return False
        return True

    async def aclose(self) -> None:
        await self._http.aclose()


_WRITTEN = ("http11.send_request_body.complete", "http2.send_request_body.complete")


def _on_written(hook: Callable[[], None]) -> Callable[[str, dict[str, object]], Awaitable[None]]:
    """An httpcore trace callback that calls ``hook`` once the request body has been sent."""

    async def trace(name: str, info: dict[str, object]) -> None:
        if name in _WRITTEN:
            hook()

    return trace
