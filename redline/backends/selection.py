"""Which backend to talk to, and why (DESIGN.md "Providers", default choice).

Order: ``--provider``; the config's ``default_provider``; the first preset whose key env var
is set; a local server answering ``/v1/models``; the built-in simulator.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from redline.backends.client import StreamClient, Timeouts
from redline.backends.model_cache import ModelListCache
from redline.backends.options import ModelKnobs
from redline.backends.presets import PRESETS, ProviderPreset, url_problem

KEYED_ORDER = ("cerebras", "baseten", "inception", "openai")
SIM_PROFILES = ("cerebras", "baseten", "mercury", "openai", "llamacpp", "agent")


class SelectionError(Exception):
    """The asked-for provider cannot be used (exit code 2): one sentence saying what to do."""


@dataclass(slots=True)
class Backend:
    """A provider ready to stream: its preset, model, client and why it was chosen."""

    name: str  # "cerebras", "sim:baseten", a config provider name
    preset: ProviderPreset
    model: str
    client: StreamClient
    reason: str
    sim: Any = None  # the in-process simulator when one was started for this backend

    async def aclose(self) -> None:
        await self.client.aclose()
        if self.sim is not None:
            await self.sim.stop()
            self.sim = None


def _config_attr(config: object, name: str, default: Any = None) -> Any:
    return getattr(config, name, default) if config is not None else default


def all_presets(config: object) -> dict[str, ProviderPreset]:
    presets = _config_attr(config, "presets")
    return dict(presets()) if callable(presets) else dict(PRESETS)


def probing_enabled(env: Mapping[str, str]) -> bool:
    return env.get("REDLINE_NO_PROBE", "") not in ("1", "true", "yes")


def probe_timeout(env: Mapping[str, str], default: float = 0.25) -> float:
    """How long a local server has to answer ``/v1/models`` (``REDLINE_PROBE_TIMEOUT_S``)."""
    try:
        value = float(env.get("REDLINE_PROBE_TIMEOUT_S", default))
    except ValueError:
        return default
    return value if 0 < value < 3600 else default  # nan and inf fail this too


async def probe_local(
    presets: Mapping[str, ProviderPreset],
    timeout_s: float = 0.25,
    *,
    busy: Collection[str] = (),
) -> list[tuple[str, str, list[str]]]:
    """Local servers answering ``GET /models``: (preset name, base URL, model ids).

    ``busy`` base URLs (a server streaming an answer for this session) are not asked: a
    single-slot server would abort that answer.
    """
    skip = {u.rstrip("/") for u in busy}
    candidates = [
        p
        for p in presets.values()
        if (p.local or (_local_url(p.base_url) and not p.key_env))
        and p.base_url.rstrip("/") not in skip
    ]

    async def one(
        http: httpx.AsyncClient, preset: ProviderPreset
    ) -> tuple[str, str, list[str]] | None:
        try:
            response = await http.get(preset.base_url.rstrip("/") + "/models")
            data = response.json().get("data", []) if response.status_code == 200 else None
        except (httpx.HTTPError, ValueError, AttributeError):
            return None
        if not isinstance(data, list):
            return None
        ids = [str(m.get("id")) for m in data if isinstance(m, dict) and m.get("id")]
        return (preset.name, preset.base_url, ids)

    async with httpx.AsyncClient(timeout=timeout_s, trust_env=False) as http:
        found = await asyncio.gather(*(one(http, p) for p in candidates))
    return [f for f in found if f is not None]


def _local_url(url: str) -> bool:
    try:
        return httpx.URL(url).host in ("127.0.0.1", "localhost", "::1")
    except (httpx.InvalidURL, TypeError):
        return False


def _timeouts(config: object) -> Timeouts:
    base = Timeouts()
    return Timeouts(
        connect_s=_config_attr(config, "connect_timeout_s") or base.connect_s,
        first_token_s=_config_attr(config, "first_token_timeout_s") or base.first_token_s,
        stall_s=_config_attr(config, "stall_timeout_s") or base.stall_s,
    )


async def choose(
    provider: str | None,
    base_url: str | None,
    config: object,
    env: Mapping[str, str],
    probe: bool,
    probe_timeout_s: float = 0.25,
) -> tuple[str, str]:
    """(provider name, reason). Raises ``SelectionError`` for an unknown name."""
    presets = all_presets(config)
    if provider:
        name = provider.split(":", 1)[0]
        if name not in presets:
            raise SelectionError(
                f"Unknown provider {provider!r}: choose one of {', '.join(presets)} "
                "(or add [providers.NAME] to your config)."
            )
        if name == "sim" and ":" in provider and provider.split(":", 1)[1] not in SIM_PROFILES:
            raise SelectionError(
                f"Unknown simulator profile {provider.split(':', 1)[1]!r}: choose one of "
                f"{', '.join(SIM_PROFILES)}."
            )
        return provider, f"--provider {provider}"
    default = _config_attr(config, "default_provider")
    if default:
        files = _config_attr(config, "files", ())
        where = f" in {files[-1]}" if files else " in the config"
        try:
            name, _ = await choose(default, base_url, config, env, probe)
        except SelectionError as exc:
            raise SelectionError(f"default_provider{where}: {exc}") from None
        return name, f"default_provider{where}"
    if base_url:
        return "custom", f"--base-url {base_url}"
    keyed = [n for n in KEYED_ORDER if n in presets] + [
        n for n, p in presets.items() if n not in KEYED_ORDER and p.key_env
    ]
    for name in keyed:
        env_var = presets[name].key_env
        if env_var and env.get(env_var):
            return name, f"{env_var} is set"
    if probe:
        found = await probe_local(presets, probe_timeout_s)
        if found:
            name, url, _ = found[0]
            return name, f"found a {name} server at {url}"
    return "sim", "no API key is set and no local server was found: using the built-in simulator"


async def open_backend(
    provider: str | None = None,
    model: str | None = None,
    base_url: str | None = None,
    config: object = None,
    *,
    wire: str | None = None,
    env: Mapping[str, str] | None = None,
    probe: bool | None = None,
    probe_timeout_s: float | None = None,
    warm: bool = True,
    transport: httpx.AsyncBaseTransport | None = None,
) -> Backend:
    """Pick a backend, start the simulator if that is the pick, and pre-connect."""
    env = os.environ if env is None else env
    problem = url_problem(base_url) if base_url is not None else None
    if problem:
        raise SelectionError(
            f"--base-url {base_url!r} {problem}: give one like http://127.0.0.1:8080/v1."
        )
    probe = probing_enabled(env) if probe is None else probe
    timeout = probe_timeout(env) if probe_timeout_s is None else probe_timeout_s
    name, reason = await choose(provider, base_url, config, env, probe, timeout)
    presets = all_presets(config)
    sim = None
    if name == "custom":
        preset = ProviderPreset("custom", base_url or "", None)
    else:
        preset = presets[name.split(":", 1)[0]]
    if preset.name == "sim" and not base_url:
        profile = name.split(":", 1)[1] if ":" in name else "cerebras"
        sim, url = await _start_sim(profile)
        preset = dataclasses.replace(
            preset,
            base_url=url,
            diffusing=profile == "mercury",
            wire="responses" if profile == "openai" else "chat",
        )
    if base_url:
        preset = dataclasses.replace(preset, base_url=base_url)
    api_key = (env.get(preset.key_env) or "").strip() or None if preset.key_env else None
    client = StreamClient(
        preset,
        api_key=api_key,
        wire=wire,
        model_diffusing=_model_diffusing(config),
        model_tools=_model_tools(config),
        model_knobs=_model_knobs(config),
        model_cache=ModelListCache(),
        timeouts=_timeouts(config),
        transport=transport,
    )
    chosen_model = model or (
        _config_attr(config, "default_model") if reason.startswith("default_provider") else None
    )
    backend = Backend(name, preset, chosen_model or preset.default_model, client, reason, sim)
    if warm and (api_key or not preset.key_env):
        ok = await client.warm()
        if ok and not backend.model:
            models = await client.list_models()
            backend.model = models[0] if models else ""
    if not backend.model:
        backend.model = "default"
    return backend


def _model_diffusing(config: object) -> dict[str, bool]:
    fn = _config_attr(config, "model_diffusing")
    return dict(fn()) if callable(fn) else {}


def _model_tools(config: object) -> dict[str, bool]:
    fn = _config_attr(config, "model_tools")
    return dict(fn()) if callable(fn) else {}


def _model_knobs(config: object) -> dict[str, ModelKnobs]:
    fn = _config_attr(config, "model_knobs")
    return dict(fn()) if callable(fn) else {}


async def _start_sim(profile: str) -> tuple[Any, str]:
    try:
        from redline.backends.sim import SimServer  # type: ignore[attr-defined]
    except ImportError:
        raise SelectionError(
            "The built-in simulator is not available in this build: pick a provider with "
            "--provider, or set a provider's API key."
        ) from None
    try:
        server = SimServer(profile=profile)
    except ValueError as exc:  # REDLINE_SIM_TOKENS is not a number
        raise SelectionError(f"The simulator cannot start: {exc}.") from None
    url = await server.start()
    return server, url
