"""Every failure as one sentence a person can act on, with API keys scrubbed out.

The sentences name what to do next: which env var to set, when to retry, which model
ids exist, which server to start. Keys never appear in them (``Scrubber``).
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping

import httpx

from redline.backends._json import LONE_SURROGATE, loads
from redline.backends.events import ErrorKind, StreamError

# Worded for the command line; the TUI rewords it (redline/tui/hints.py: ctrl+b, /backend).
SWITCH = "pick another provider with --provider"

# Things that look like API keys in text a server echoes back.
_KEYLIKE = re.compile(
    r"\b(?:sk|csk|pk|key|api|bt|sess)[-_][A-Za-z0-9_\-]{12,}\b"
    r"|\bBearer\s+[A-Za-z0-9_\-.]{8,}"
)


class Scrubber:
    """Removes the known secrets (and key-looking tokens) from any text before it is shown."""

    __slots__ = ("_secrets",)

    def __init__(self, secrets: tuple[str, ...] = ()) -> None:
        self._secrets = tuple(s for s in secrets if s)

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, "***")
        return _KEYLIKE.sub("***", text)


def short(text: str, limit: int = 200) -> str:
    """One line of server text, trimmed at a word (never mid-word) with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:") + "…"


def said_by_server(detail: str) -> str:
    """`` (the server said: X)``, without X's own closing full stop (no ``.)``)."""
    detail = detail.rstrip(" .;:")
    return f" (the server said: {detail})" if detail else ""


_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h)")
_UNIT = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}


def parse_duration(value: str, now: float | None = None) -> float | None:
    """Seconds from ``Retry-After``-style values: "12", "1.5", "6m0s", "20ms", or an HTTP date."""
    value = value.strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    parts = _DURATION.findall(value)
    if parts and "".join(n + u for n, u in parts) == value.replace(" ", ""):
        return sum(float(n) * _UNIT[u] for n, u in parts)
    try:
        from email.utils import parsedate_to_datetime

        when = parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, when - (time.time() if now is None else now))


def retry_after(headers: Mapping[str, str]) -> float | None:
    """When the server says to retry: ``retry-after-ms``, ``Retry-After``, ``x-ratelimit-reset-*``."""
    ms = headers.get("retry-after-ms")
    if ms:
        try:
            return max(0.0, float(ms) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value:
        secs = parse_duration(value)
        if secs is not None:
            return secs
    resets = [
        parse_duration(headers[h])
        for h in (
            "x-ratelimit-reset-requests",
            "x-ratelimit-reset-tokens",
            "x-ratelimit-reset-requests-minute",
            "x-ratelimit-reset-tokens-minute",
            "x-ratelimit-reset",
        )
        if headers.get(h)
    ]
    found = [r for r in resets if r is not None]
    return max(found) if found else None


def server_message(body: bytes) -> str:
    """The human part of an error body (OpenAI-style ``{"error": {"message": ...}}`` or text)."""
    text = body.decode("utf-8", "replace")
    try:
        obj = loads(text)
    except ValueError:
        return short(LONE_SURROGATE.sub("\ufffd", text))
    return short(error_text(obj))


def error_text(obj: object) -> str:
    if isinstance(obj, dict):
        err = obj.get("error", obj)
        if isinstance(err, str):
            return err
        if isinstance(err, dict):
            for key in ("message", "detail", "error"):
                val = err.get(key)
                if isinstance(val, str) and val:
                    return val
        for key in ("message", "detail"):
            val = obj.get(key)
            if isinstance(val, str) and val:
                return val
    return str(obj)


def when(seconds: float | None) -> str:
    if seconds is None:
        return "retry in a minute"
    if seconds < 1:
        return "retry in a moment"
    if seconds < 120:
        return f"retry in {seconds:.0f} s"
    return f"retry in {seconds / 60:.0f} min"


def missing_key(provider: str, env: str) -> StreamError:
    return StreamError(
        "config",
        f"{env} is not set: export {env}=<your {provider} key> to use {provider}, or {SWITCH}.",
    )


def http_error(
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    *,
    provider: str,
    model: str,
    url: str,
    key_env: str | None,
    models: list[str] | None = None,
) -> StreamError:
    """One sentence for an HTTP error status before the stream started."""
    detail = server_message(body) if body else ""
    said = said_by_server(detail)
    if status in (401, 403):
        if key_env:
            verb = "rejected" if status == 401 else "refused access with"
            msg = (
                f"{provider} {verb} the API key in {key_env} (HTTP {status}){said}: "
                f"check the key, or {SWITCH}."
            )
        else:
            msg = f"{provider} at {url} refused the request (HTTP {status}){said}: it wants an API key; add api_key_env for it in your config, or {SWITCH}."
        return StreamError("auth", msg)
    if status == 429:
        from redline.backends._ratelimit import exhausted_reset  # it reads our durations

        secs = retry_after(headers)
        exact = exhausted_reset(headers)
        advice = when(secs) if exact is None else f"retry {exact[1]}"
        if secs is None and exact is not None:
            secs = exact[0]
        return StreamError(
            "rate_limit",
            f"{provider} is rate limiting requests (HTTP 429){said}: {advice}, or {SWITCH}.",
            secs,
        )
    if status == 404:
        if models:
            listed = ", ".join(models[:20]) + (" …" if len(models) > 20 else "")
            return StreamError(
                "config",
                f"Model {model!r} was not found at {provider}; available models: {listed}. "
                "Pick one with --model.",
            )
        return StreamError(
            "config",
            f"{provider} has no such endpoint or model at {url} (HTTP 404){said}: "
            "check --base-url and --model.",
        )
    if status >= 500:
        return StreamError(
            "server",
            f"{provider} had a server error (HTTP {status}){said}: try again shortly, or {SWITCH}.",
            retry_after(headers),
        )
    return StreamError(
        "config",
        f"{provider} rejected the request for model {model!r} (HTTP {status}){said}: "
        "check the model and settings.",
    )


def frame_error(obj: dict[str, object], provider: str) -> StreamError:
    """An error frame inside an HTTP 200 stream (``{"error": ...}``)."""
    err = obj.get("error")
    text = short(error_text(obj)).rstrip(". ")
    code = ""
    status = obj.get("status_code")
    if isinstance(err, dict):
        code = f"{err.get('type') or ''} {err.get('code') or ''}".lower()
        status = status or err.get("status") or err.get("status_code")
    kind: ErrorKind = "server"
    if status == 429 or "rate" in code or "quota" in code or "too_many" in code:
        kind = "rate_limit"
        advice = f"{when(None)}, or {SWITCH}"
    elif status in (401, 403) or "auth" in code:
        kind = "auth"
        advice = f"check the key, or {SWITCH}"
    else:
        advice = f"try again, or {SWITCH}"
    return StreamError(
        kind,
        f"{provider} stopped the answer with an error: {text}; the partial answer was kept; {advice}.",
    )


def _chain_text(exc: BaseException) -> str:
    """The messages of an exception and its causes (httpx hides "refused" in a cause)."""
    parts: list[str] = []
    seen: BaseException | None = exc
    while seen is not None and len(parts) < 6:
        parts.append(f"{type(seen).__name__} {seen}")
        if isinstance(seen, ConnectionRefusedError):
            parts.append("refused")
        seen = seen.__cause__ or seen.__context__
    return " ".join(parts).lower()


def transport_error(exc: BaseException, *, provider: str, url: str) -> StreamError:
    """Connection-level failures before or during the stream."""
    if isinstance(exc, httpx.ConnectTimeout):
        return StreamError(
            "timeout",
            f"Connecting to {url} timed out: check your network or --base-url, or {SWITCH}.",
        )
    if isinstance(exc, httpx.ConnectError):
        text = _chain_text(exc)
        if "refused" in text or "errno 111" in text or "errno 61" in text:
            host = httpx.URL(url).host
            if host in ("127.0.0.1", "localhost", "::1", "0.0.0.0"):
                todo = f"start the {provider} server there"
            else:
                todo = "check --base-url and your network"
            return StreamError(
                "network",
                f"Could not connect to {url} (connection refused): {todo}, or {SWITCH}.",
            )
        if "name" in text or "resolv" in text or "nodename" in text:
            return StreamError(
                "network",
                f"Could not resolve the host of {url}: check your network and --base-url, or {SWITCH}.",
            )
        return StreamError(
            "network",
            f"Could not connect to {url} ({short(str(exc), 80)}): check that it is up, or {SWITCH}.",
        )
    if isinstance(exc, httpx.TimeoutException):
        return StreamError("timeout", f"{provider} timed out: try again, or {SWITCH}.")
    return StreamError(
        "network",
        f"The connection to {provider} dropped ({short(str(exc) or type(exc).__name__, 80)}): "
        f"the partial answer was kept; try again, or {SWITCH}.",
    )


_TOOL_WORDS = re.compile(r"\btool|\bfunction.?call|\bfunctions?\b", re.IGNORECASE)
_REFUSAL_WORDS = re.compile(
    r"not support|unsupported|requires?\b|--jinja|auto-tool-choice|unrecogni[sz]ed|unknown|"
    r"not allowed|not permitted|extra (?:inputs|fields)|unexpected|not available|disabled",
    re.IGNORECASE,
)


def refuses_tools(status: int, message: str) -> bool:
    """An HTTP error that says the model or server cannot take ``tools`` at all."""
    if status not in (400, 404, 422, 500, 501):
        return False
    said = message.partition("the server said:")[2] or message
    return bool(_TOOL_WORDS.search(said) and _REFUSAL_WORDS.search(said))


def no_tools(provider: str, model: str, message: str) -> StreamError:
    said = message.partition("(the server said: ")[2].rpartition(")")[0]
    detail = f" ({said})" if said else ""
    return StreamError(
        "config",
        f"{provider} model {model!r} cannot call tools{detail}: redline answers with edit "
        "blocks instead; set tools = false for this model in your config to skip the attempt.",
    )
