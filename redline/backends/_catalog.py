"""A provider's model list: memory, then the disk cache (short TTL), then ``GET /models``.

While the client streams from a local server nothing is sent to it: llama-cpp-python serves
one request at a time and aborts the answer it is streaming for another.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx

from redline.backends._errors import Scrubber, http_error, missing_key, transport_error
from redline.backends.events import StreamError
from redline.backends.model_cache import ModelListCache
from redline.backends.presets import ProviderPreset

MODEL_LIST_LIMIT = 4 * 1024 * 1024  # a model list larger than this is not a model list


async def read_capped(response: httpx.Response, limit: int) -> bytes:
    """At most ``limit`` bytes of the body; the rest is never read (a 200 MB error page costs
    64 KiB, on every retry)."""
    parts: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        parts.append(chunk)
        size += len(chunk)
        if size >= limit:
            break
    return b"".join(parts)[:limit]


class ProviderError(Exception):
    """Raised by the non-streaming calls (``list_models``); carries the ``StreamError``."""

    def __init__(self, error: StreamError) -> None:
        super().__init__(error.message)
        self.error = error


class ModelCatalog:
    def __init__(
        self,
        http: httpx.AsyncClient,
        preset: ProviderPreset,
        base_url: str,
        *,
        has_key: bool,
        scrub: Scrubber,
        clock: Callable[[], float],
        ttl_s: float,
        cache: ModelListCache | None,
    ) -> None:
        self._http = http
        self._preset = preset
        self._name = preset.name
        self._base_url = base_url
        self._has_key = has_key
        self._scrub = scrub
        self._clock = clock
        self._ttl_s = ttl_s
        self._cache = cache
        self._models: tuple[float, list[str]] | None = None

    def _stored(self) -> list[str] | None:
        stored = self._cache.read(self._name, self._base_url) if self._cache else None
        return None if stored is None else stored[1]

    async def ids(self, *, busy_local: bool) -> list[str]:
        now = self._clock()
        if self._models is not None and now - self._models[0] < self._ttl_s:
            return list(self._models[1])
        if busy_local:
            stored = self._stored()
            if stored is not None:
                return stored
            if self._preset.models:
                return list(self._preset.models)
            raise ProviderError(
                StreamError(
                    "network",
                    f"{self._name} is busy answering (a local server serves one request at a "
                    "time): open the model list again when the answer is done.",
                )
            )
        fresh = self._cache.fresh(self._name, self._base_url) if self._cache else None
        if fresh is not None:
            self._models = (now, fresh)
            return list(fresh)
        try:
            return await self.fetch()
        except ProviderError:
            stored = self._stored()
            if stored is None:
                raise
            return stored  # offline: the last list this provider gave

    def _error(self, error: StreamError) -> ProviderError:
        return ProviderError(
            StreamError(error.kind, self._scrub(error.message), error.retry_after_s)
        )

    async def fetch(self) -> list[str]:
        """``GET /models`` now (kept in memory and on disk)."""
        now = self._clock()
        key_env = self._preset.key_env
        if key_env and not self._has_key:
            raise ProviderError(missing_key(self._name, key_env))
        url = self._base_url + "/models"
        request = self._http.build_request("GET", url, headers={"accept": "application/json"})
        try:
            response = await self._http.send(request, stream=True)
            try:
                body = await read_capped(response, MODEL_LIST_LIMIT)
            finally:
                await response.aclose()
        except httpx.HTTPError as exc:
            raise self._error(
                transport_error(exc, provider=self._name, url=self._base_url)
            ) from None
        if response.status_code >= 300:
            raise self._error(
                http_error(
                    response.status_code,
                    response.headers,
                    b"",
                    provider=self._name,
                    model="",
                    url=url,
                    key_env=key_env,
                )
            )
        try:
            data = json.loads(body.decode("utf-8", "replace")).get("data", [])
            ids = [str(m["id"]) for m in data if isinstance(m, dict) and "id" in m]
        except (ValueError, AttributeError, TypeError):
            raise ProviderError(
                StreamError(
                    "protocol",
                    f"{self._name} answered GET /models with something that is not a model "
                    f"list: check --base-url ({self._base_url}).",
                )
            ) from None
        self._models = (now, ids)
        if self._cache is not None:
            self._cache.write(self._name, self._base_url, ids)
        return list(ids)
