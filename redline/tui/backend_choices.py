"""What the backend picker lists: presets with their key status, sim profiles, local servers.

Key status says only whether the variable is set; the key itself never leaves the environment.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Any

from redline.backends.presets import ProviderPreset
from redline.backends.selection import all_presets, probe_local, probing_enabled
from redline.config import Config
from redline.tui.screens.backend_picker import BackendChoice, BackendPickerScreen

SIM_PROFILES = ("baseten", "mercury", "openai", "llamacpp")


def preset_choices(
    presets: Iterable[Any], env: Mapping[str, str], current: str | None
) -> list[BackendChoice]:
    """Remote presets and the simulator; local presets come from ``local_choices`` once found."""
    choices: list[BackendChoice] = []
    for preset in presets:
        if getattr(preset, "local", False):
            continue
        if preset.name == "sim":
            for name in ("sim", *(f"sim:{p}" for p in SIM_PROFILES)):
                choices.append(
                    BackendChoice(
                        name, "loopback simulator", "no key needed", True, name == current
                    )
                )
            continue
        key_env = getattr(preset, "key_env", None)
        if key_env is None:
            status, ready = "no key needed", True
        elif env.get(key_env):
            status, ready = f"{key_env} set", True
        else:
            status, ready = f"missing {key_env}", False
        choices.append(
            BackendChoice(preset.name, preset.base_url, status, ready, preset.name == current)
        )
    return choices


def local_choices(found: Iterable[tuple[str, str]], current: str | None) -> list[BackendChoice]:
    """``found``: (preset name, base URL) of each local server that answered."""
    return [BackendChoice(name, url, "running", True, name == current) for name, url in found]


PROBE_TIMEOUT_S = 2.0


async def find_local_servers(
    presets: Mapping[str, ProviderPreset], busy: Collection[str] = ()
) -> list[tuple[str, str]]:
    """(preset name, base URL) of each local server answering ``/v1/models`` (never raises);
    ``busy`` servers (streaming this session's answer) are not asked."""
    try:
        answered = await asyncio.wait_for(probe_local(presets, busy=busy), PROBE_TIMEOUT_S)
    except (TimeoutError, OSError):
        answered = []
    return [(name, url) for name, url, _models in answered]


def picker_screen(
    config: Config | None,
    current: str | None,
    local_servers: list[tuple[str, str]] | None,
    found: Callable[[list[tuple[str, str]]], None],
    speeds: Mapping[str, str] | None = None,
    *,
    busy: Collection[str] = (),
) -> BackendPickerScreen:
    """The picker, probing for local servers once (``found`` keeps what answered); ``speeds``:
    each backend's median TTFT and tok/s from the speed history, shown beside its name."""
    presets = all_presets(config)
    known = speeds or {}

    def sped(choices: list[BackendChoice]) -> list[BackendChoice]:
        return [c.with_speed(known.get(c.name, "")) for c in choices]

    choices = preset_choices(presets.values(), os.environ, current)
    if local_servers:
        choices += local_choices(local_servers, current)
    choices = sped(choices)

    async def probe() -> list[BackendChoice]:
        servers = await find_local_servers(presets, busy)
        if not busy:  # a list that skipped a busy server is not the whole picture
            found(servers)
        return sped(local_choices(servers, current))

    wanted = local_servers is None and probing_enabled(os.environ)
    return BackendPickerScreen(choices, probe if wanted else None)
