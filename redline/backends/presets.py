"""Provider presets as data (DESIGN.md "Providers"): one row per provider, no class each.

Custom providers from the config's ``[providers.NAME]`` tables become presets too
(``preset_from_table``); a table named like a built-in preset overrides its fields.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

Wire = Literal["chat", "responses"]
TokensField = Literal["max_tokens", "max_completion_tokens"]


@dataclass(slots=True, frozen=True)
class ToolRules:
    """How a provider wants tools and tool turns, as data (DESIGN.md "The agent").

    Every provider gets these regardless: ``tool_choice`` only with ``tools``; each call answered
    right after the assistant turn that made it (an unanswered one gets a placeholder); no
    orphan ``tool`` messages; the system prompt as ``system`` (never ``developer``).
    """

    # Cerebras API v2 / OpenAI: ``"strict": true`` schemas, every property required (optional
    # ones nullable), ``additionalProperties: false`` on every object.
    strict_schemas: bool = False
    # Cerebras rejects ``parallel_tool_calls``: never send it.
    parallel_calls_field: bool = True
    # Inception: ``tool_choice`` only "auto" / "required" / "none" (a named tool -> "required").
    named_tool_choice: bool = True
    # Kimi (Baseten, Moonshot, ...): assistant tool-call turns must echo ``reasoning_content``
    # or the server answers 400; matched as substrings of the model id, lowercased.
    echo_reasoning_models: tuple[str, ...] = ("kimi",)
    # Responses API reasoning models: ask for ``reasoning.encrypted_content`` so the reasoning
    # items echoed back work without server-side storage too (substrings of the model id).
    encrypted_reasoning_models: tuple[str, ...] = ()


@dataclass(slots=True, frozen=True)
class ProviderPreset:
    name: str
    base_url: str
    key_env: str | None  # None: no key needed (local servers, the simulator)
    wire: Wire = "chat"
    default_model: str = ""  # "": ask the server's /v1/models
    models: tuple[str, ...] = ()  # known ids, shown when the server can't be asked
    local: bool = False  # a server on this machine, found by probing /v1/models
    diffusing: bool = False  # Mercury: stream whole-text snapshots by default
    tokens_field: TokensField = "max_tokens"
    max_tokens_cap: int | None = None  # Cerebras reserves max_completion_tokens against its limit
    max_tokens_ceiling: int | None = None  # the most the API accepts; sent only when asked for
    extra_headers: tuple[tuple[str, str], ...] = ()  # sent with every request (API version pins)
    gzip_requests: bool = False  # accepts Content-Encoding: gzip request bodies (Cerebras)
    session_affinity: bool = False  # Baseten: x-session-affinity keeps a session on one replica
    thinking_switch: bool = False  # the model's reasoning is toggled with chat_template_args
    options: tuple[str, ...] = ()  # per-model knobs it understands (see backends/options.py)
    context_tokens: int | None = None  # the default model's context window, when known
    stream_usage: bool = True  # ask for usage with stream_options.include_usage
    note: str = ""
    tool_rules: ToolRules = ToolRules()

    @property
    def needs_key(self) -> bool:
        return self.key_env is not None


CEREBRAS_TOKEN_CAP = 16_384
MERCURY_TOKEN_CEILING = 50_000  # Mercury 2 accepts max_tokens up to this (default 16,384)

PRESETS: dict[str, ProviderPreset] = {
    p.name: p
    for p in (
        ProviderPreset(
            "cerebras",
            "https://api.cerebras.ai/v1",
            "CEREBRAS_API_KEY",
            default_model="gpt-oss-120b",
            models=(
                "gpt-oss-120b",
                "zai-glm-4.7",
                "qwen-3-235b-a22b-instruct-2507",
                "llama-3.3-70b",
            ),
            tokens_field="max_completion_tokens",
            max_tokens_cap=CEREBRAS_TOKEN_CAP,
            stream_usage=False,  # usage and time_info always come on the finish chunk
            tool_rules=ToolRules(strict_schemas=True, parallel_calls_field=False),
            extra_headers=(("x-cerebras-version-patch", "2"),),
            gzip_requests=True,
            note="~2,000 tok/s; reports its own decode rate (time_info); caches prompt prefixes",
        ),
        ProviderPreset(
            "baseten",
            "https://inference.baseten.co/v1",
            "BASETEN_API_KEY",
            default_model="moonshotai/Kimi-K2.5",
            models=(
                "moonshotai/Kimi-K2.5",
                "zai-org/GLM-4.7",
                "openai/gpt-oss-120b",
                "deepseek-ai/DeepSeek-V3.1",
            ),
            session_affinity=True,
            thinking_switch=True,
            options=("reasoning",),
            note="reasoning in reasoning_content; one replica per session (x-session-affinity)",
        ),
        ProviderPreset(
            "inception",
            "https://api.inceptionlabs.ai/v1",
            "INCEPTION_API_KEY",
            default_model="mercury-2",
            models=("mercury-2", "mercury-coder"),
            diffusing=True,
            tool_rules=ToolRules(named_tool_choice=False),
            max_tokens_ceiling=MERCURY_TOKEN_CEILING,
            options=("reasoning_effort", "reasoning_summary", "realtime"),
            context_tokens=128_000,
            note="Mercury 2 diffusion (128K): whole-text snapshots while diffusing",
        ),
        ProviderPreset(
            "openai",
            "https://api.openai.com/v1",
            "OPENAI_API_KEY",
            wire="responses",
            default_model="gpt-5-codex",
            models=("gpt-5-codex", "gpt-5", "gpt-5-mini"),
            tokens_field="max_completion_tokens",
            tool_rules=ToolRules(
                strict_schemas=True, encrypted_reasoning_models=("gpt-5", "codex", "o3", "o4")
            ),
            note="Responses API (codex models speak only that)",
        ),
        ProviderPreset("ollama", "http://127.0.0.1:11434/v1", None, local=True),
        ProviderPreset("lmstudio", "http://127.0.0.1:1234/v1", None, local=True),
        ProviderPreset("llamacpp", "http://127.0.0.1:8080/v1", None, local=True),
        ProviderPreset("vllm", "http://127.0.0.1:8000/v1", None, local=True),
        ProviderPreset(
            "sim",
            "",  # started on demand, on a free loopback port
            None,
            note="the built-in simulator (no key, no network); sim:PROFILE picks a profile",
        ),
    )
}

# Fields a [providers.NAME] table may set, with the preset field each maps to.
TABLE_FIELDS: dict[str, str] = {
    "base_url": "base_url",
    "api_key_env": "key_env",
    "wire": "wire",
    "default_model": "default_model",
    "models": "models",
    "diffusing": "diffusing",
    "max_tokens_cap": "max_tokens_cap",
    "tokens_field": "tokens_field",
    "stream_usage": "stream_usage",
}


def preset_from_table(name: str, table: Mapping[str, object]) -> ProviderPreset:
    """A custom provider (or an override of a built-in one) from a validated config table."""
    base = PRESETS.get(name)
    values: dict[str, object] = {TABLE_FIELDS[k]: v for k, v in table.items() if k in TABLE_FIELDS}
    if "models" in values:
        values["models"] = tuple(values["models"])  # type: ignore[arg-type,call-overload]
    if base is not None:
        return dataclasses.replace(base, **values)  # type: ignore[arg-type]
    models = values.get("models", ())
    values.setdefault("default_model", models[0] if models else "")  # type: ignore[index]
    values.setdefault("key_env", None)
    return ProviderPreset(name=name, **values)  # type: ignore[arg-type]


def wire_for(preset: ProviderPreset, model: str, override: str | None = None) -> Wire:
    if override in ("chat", "responses"):
        return override  # type: ignore[return-value]
    return preset.wire


# A plain http(s) URL with an ASCII host name: httpx takes every one of them (the common case,
# e.g. a config's base_url, checked before the TUI's first frame without importing httpx).
_PLAIN_URL = re.compile(r"https?://[A-Za-z0-9._-]+(?::[0-9]{1,5})?(?:[/?#][!-~]*)?", re.ASCII)


def url_problem(url: str) -> str | None:
    """What makes ``url`` unusable as a base URL (None when it is fine), in a few words."""
    if not url or any(c.isspace() for c in url):
        return "must be an http:// or https:// URL without spaces"
    if _PLAIN_URL.fullmatch(url):
        return None
    import httpx  # anything else: httpx's parser decides, and says why

    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        return f"is not a valid URL ({exc})"
    if parsed.scheme not in ("http", "https"):
        return "must start with http:// or https://"
    if not parsed.host:
        return "has no host name"
    return None
