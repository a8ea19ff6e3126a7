"""Per-model knobs a provider takes, as values (the config's ``[models.NAME]`` tables).

The client turns them into request fields for the provider that understands them:
Mercury 2's ``reasoning_effort``, ``realtime`` and ``reasoning_summary``; the reasoning switch
Baseten's Kimi and GLM models take through ``chat_template_args``.
"""

from __future__ import annotations

from dataclasses import dataclass

REASONING_EFFORTS = ("instant", "minimal", "low", "medium", "high")


@dataclass(slots=True, frozen=True)
class ModelKnobs:
    diffusing: bool | None = None  # Mercury: whole-text snapshots
    max_tokens: int | None = None  # answer budget; a preset's ceiling still applies
    reasoning_effort: str | None = None  # Mercury 2: instant / low / medium / high
    reasoning_summary: bool | None = None  # Mercury 2: a summary of its reasoning, shown as such
    realtime: bool | None = None  # Mercury 2: lower time to first token
    reasoning: bool | None = None  # thinking on/off (Baseten chat_template_args for Kimi, GLM)


def thinking_switch(model: str, on: bool) -> dict[str, object]:
    """``chat_template_args`` turning a model's thinking on or off (Kimi: ``thinking``)."""
    key = "thinking" if "kimi" in model.lower() else "enable_thinking"
    return {"chat_template_args": {key: on}}
