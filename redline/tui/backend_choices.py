"""What the backend picker lists: presets with their key status, sim profiles, local servers.

Key status says only whether the variable is set; the key itself never leaves the environment.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from redline.tui.screens.backend_picker import BackendChoice

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
