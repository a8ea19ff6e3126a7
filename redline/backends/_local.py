"""Exact token counts from a local llama.cpp server's own tokenizer, after the stream.

llama-cpp-python sends neither ``usage`` nor ``timings``; llama-server may omit usage too.
Both can tokenize: llama-server at ``/tokenize`` (``{"content", "add_special"}`` ->
``{"tokens": [...]}``), llama-cpp-python at ``/extras/tokenize/count`` (``{"input"}`` ->
``{"count": N}``, with the BOS token the server adds itself, measured on an empty string and
taken off). Asked only once the answer has finished, so a single-slot server is never
interrupted.
"""

from __future__ import annotations

import httpx

ROUTES = ("/tokenize", "/extras/tokenize/count")
NONE = ""  # the server has no tokenize route (remembered, so it is not asked again)


def server_root(base_url: str) -> str:
    """``http://127.0.0.1:8080/v1`` -> ``http://127.0.0.1:8080``."""
    url = base_url.rstrip("/")
    return url[: -len("/v1")] if url.endswith("/v1") else url


async def _count(http: httpx.AsyncClient, url: str, route: str, text: str) -> int | None:
    body: dict[str, object]
    if route == "/tokenize":
        body = {"content": text, "add_special": False}
    else:
        body = {"input": text}
    response = await http.post(url + route, json=body, headers={"accept": "application/json"})
    if response.status_code != 200:
        return None
    try:
        data = response.json()
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    if isinstance(data.get("count"), int):
        return int(data["count"])
    tokens = data.get("tokens")
    return len(tokens) if isinstance(tokens, list) else None


async def count_tokens(
    http: httpx.AsyncClient, base_url: str, texts: list[str], route: str | None
) -> tuple[int | None, str]:
    """(tokens in ``texts`` by the server's tokenizer or None, the route that answered)."""
    url = server_root(base_url)
    routes = ROUTES if route is None else (route,) if route else ()
    for candidate in routes:
        try:
            baseline = await _count(http, url, candidate, "")
            if baseline is None:
                continue
            total = 0
            for text in texts:
                if not text:
                    continue
                n = await _count(http, url, candidate, text)
                if n is None:
                    return None, candidate
                total += max(0, n - baseline)
            return total, candidate
        except httpx.HTTPError:
            continue
    return None, NONE
