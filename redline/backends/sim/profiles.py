"""Provider profiles: each one's wire quirks and speed, as data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ReasoningField = Literal["reasoning", "reasoning_content"]
UsageMode = Literal["finish", "every", "final", "requested"]


@dataclass(slots=True, frozen=True)
class Profile:
    """How one provider streams, and how fast.

    ``usage``: ``finish`` on the finish-reason chunk (Cerebras, Mercury); ``every`` chunk,
    cumulative (Baseten); ``final`` on an empty-``choices`` chunk always (llama.cpp);
    ``requested`` on an empty-``choices`` chunk only with ``stream_options.include_usage``
    (OpenAI).
    """

    name: str
    models: tuple[str, ...]
    ttft_ms: float
    rate: float  # tokens per second
    reasoning: ReasoningField | None = None
    usage: UsageMode = "finish"
    done_marker: bool = True  # ``data: [DONE]`` at the end
    role_content: str | None = ""  # role chunk's content: "" (OpenAI), None (llama.cpp)
    role_has_content: bool = True  # False: ``{"role": "assistant"}`` alone (Cerebras)
    time_info: bool = False  # Cerebras ``time_info`` on the finish chunk
    timings: bool = False  # llama.cpp ``timings`` beside the final usage
    keepalive: bool = False  # ``:`` comment lines (llama.cpp)
    diffusion: bool = False  # honours ``diffusing: true`` with whole-text snapshots
    chunk_tokens: int = 1  # tokens per chunk at ordinary rates
    fingerprint: str | None = None
    whole_tool_calls: bool = False  # a tool call in one chunk, once complete (Cerebras)

    @property
    def default_model(self) -> str:
        return self.models[0]


PROFILES: dict[str, Profile] = {
    p.name: p
    for p in (
        Profile(
            name="cerebras",
            models=("gpt-oss-120b", "zai-glm-4.7", "llama-3.3-70b", "qwen-3-32b"),
            ttft_ms=150.0,
            rate=2000.0,
            reasoning="reasoning",
            usage="finish",
            done_marker=False,
            role_has_content=False,
            time_info=True,
            fingerprint="fp_sim",
            whole_tool_calls=True,
        ),
        Profile(
            name="baseten",
            models=("moonshotai/Kimi-K2.5", "deepseek-ai/DeepSeek-V3.1", "openai/gpt-oss-120b"),
            ttft_ms=400.0,
            rate=340.0,
            reasoning="reasoning_content",
            usage="every",
        ),
        Profile(
            name="mercury",
            models=("mercury-2", "mercury-coder"),
            ttft_ms=250.0,
            rate=1000.0,
            usage="finish",
            diffusion=True,
        ),
        Profile(
            name="openai",
            models=("gpt-5", "gpt-5-mini", "gpt-5-codex"),
            ttft_ms=500.0,
            rate=120.0,
            usage="requested",
        ),
        Profile(
            name="llamacpp",
            models=("openai/gpt-oss-20b", "gemma-3-270m"),
            ttft_ms=100.0,
            rate=100.0,
            reasoning="reasoning_content",
            usage="final",
            role_content=None,
            timings=True,
            keepalive=True,
            fingerprint="b7010-sim",
        ),
        Profile(
            name="agent",  # the scripted agent at Cerebras speed, OpenAI's chat dialect
            models=("sim-agent",),
            ttft_ms=150.0,
            rate=2000.0,
            usage="requested",
        ),
    )
}


def get_profile(name: str) -> Profile:
    """The profile called ``name``; a clear ``ValueError`` naming the choices otherwise."""
    try:
        return PROFILES[name]
    except KeyError:
        choices = ", ".join(PROFILES)
        raise ValueError(f"unknown simulator profile {name!r}; choose one of: {choices}") from None
