"""How many tokens a model's request may hold (its context window), as far as redline knows.

Looked up in order: ``[models."ID"] context_tokens`` from the config, the model ids known here
(substring match, case-insensitive), the preset's own figure, then a default per kind of
provider (a local server is often started with a small window). The figures are the providers'
published limits for the request (input) side.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from redline.backends.presets import PRESETS

# (part of a model id, tokens): the first match wins, so the more specific come first.
KNOWN_WINDOWS: tuple[tuple[str, int], ...] = (
    ("gpt-5", 272_000),  # 400K in all, 272K of it input
    ("gpt-oss", 131_072),
    ("kimi-k2", 262_144),
    ("glm-4.7", 200_000),
    ("glm-4.6", 200_000),
    ("qwen-3-235b", 131_072),
    ("deepseek-v3", 131_072),
    ("llama-3.3", 128_000),
    ("mercury-coder", 32_768),
    ("mercury", 128_000),
)
LOCAL_WINDOW = 8_192  # llama.cpp, Ollama and LM Studio often start with 4-8K unless told more
DEFAULT_WINDOW = 128_000


@dataclass(slots=True, frozen=True)
class ContextWindow:
    tokens: int
    source: str  # "config", "known", "preset" or "default": how sure the figure is


def context_window(
    provider: str, model: str, configured: Mapping[str, int] | None = None
) -> ContextWindow:
    if configured and model in configured and configured[model] > 0:
        return ContextWindow(configured[model], "config")
    low = model.lower()
    for part, tokens in KNOWN_WINDOWS:
        if part in low:
            return ContextWindow(tokens, "known")
    preset = PRESETS.get(provider.split(":", 1)[0])
    if preset is not None and preset.context_tokens:
        return ContextWindow(preset.context_tokens, "preset")
    if preset is not None and preset.local:
        return ContextWindow(LOCAL_WINDOW, "default")
    return ContextWindow(DEFAULT_WINDOW, "default")
