"""What a turn costs: list prices as data, per provider and model, in US dollars per 1M tokens.

Prices change; every row says when and where it was read. A ``[models."ID"]`` table in the config
overrides any of a model's three figures (``price_in``, ``price_cached``, ``price_out``). Local
servers cost nothing; the simulator charges what the provider it imitates would. A model with no
known price has no cost (``None``), never a guessed one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from redline.backends.meter import MeterReading


@dataclass(slots=True, frozen=True)
class Price:
    """US dollars per 1M tokens: fresh input, cached input (a cache hit), output."""

    input: float
    output: float
    cached: float | None = None  # None: cache hits cost the same as fresh input

    def cost(self, prompt_tokens: int, cached_tokens: int, output_tokens: int) -> float:
        """Dollars for one request; ``prompt_tokens`` includes the cached ones (OpenAI's usage)."""
        cached = max(0, min(cached_tokens, prompt_tokens))
        fresh = prompt_tokens - cached
        cached_rate = self.input if self.cached is None else self.cached
        total = fresh * self.input + cached * cached_rate + output_tokens * self.output
        return total / 1_000_000


FREE = Price(0.0, 0.0, 0.0)

# (provider, model) -> Price. Read 2026-12-01 from the providers' pages via their docs; dated.
PRICES: dict[tuple[str, str], Price] = {
    # cerebras.ai/pricing (seen through inference-docs.cerebras.ai, 2026-05/06)
    ("cerebras", "gpt-oss-120b"): Price(0.35, 0.75),
    ("cerebras", "zai-glm-4.7"): Price(2.25, 2.75),
    ("cerebras", "qwen-3-235b-a22b-instruct-2507"): Price(0.60, 1.20),
    # docs.baseten.co/development/model-apis/overview "Pricing" (2026)
    ("baseten", "moonshotai/Kimi-K2.5"): Price(0.60, 3.00),
    ("baseten", "openai/gpt-oss-120b"): Price(0.10, 0.50),
    ("baseten", "deepseek-ai/DeepSeek-V3.1"): Price(0.50, 1.50),
    # the seed's figure for Mercury ($0.25 / $0.75); cached $0.025 from docs.inceptionlabs.ai (2026-07)
    ("inception", "mercury-coder"): Price(0.25, 0.75, 0.025),
    ("inception", "mercury"): Price(0.25, 0.75, 0.025),
    ("inception", "mercury-2"): Price(0.25, 0.75, 0.025),
    # developers.openai.com/api/docs/models (2026)
    ("openai", "gpt-5-codex"): Price(1.25, 10.00, 0.125),
    ("openai", "gpt-5"): Price(1.25, 10.00, 0.125),
    ("openai", "gpt-5-mini"): Price(0.25, 2.00, 0.025),
}

LOCAL_PROVIDERS = frozenset({"ollama", "lmstudio", "llamacpp", "vllm"})
# The simulator's profiles charge what the provider they imitate would.
SIM_PROVIDER = {
    "cerebras": "cerebras",
    "baseten": "baseten",
    "mercury": "inception",
    "openai": "openai",
    "llamacpp": "llamacpp",
}


@dataclass(slots=True, frozen=True)
class PriceOverride:
    """A config's ``[models."ID"]`` price keys; each one that is set replaces the table's."""

    price_in: float | None = None
    price_out: float | None = None
    price_cached: float | None = None


def _provider_for_prices(provider: str) -> str:
    if provider == "sim" or provider.startswith("sim:"):
        profile = provider.partition(":")[2] or "cerebras"
        return SIM_PROVIDER.get(profile, "")
    return provider


def price_for(
    provider: str, model: str, overrides: Mapping[str, PriceOverride] | None = None
) -> Price | None:
    """The price of ``model`` at ``provider``, with the config's overrides; None when unknown."""
    base = _listed(_provider_for_prices(provider), model)
    override = (overrides or {}).get(model)
    if override is None:
        return base
    price_in = override.price_in
    price_out = override.price_out
    cached = override.price_cached
    if base is not None:
        if price_in is None:
            price_in = base.input
            cached = base.cached if cached is None else cached
        price_out = base.output if price_out is None else price_out
    if price_in is None or price_out is None:
        return None  # half a price is no price
    return Price(float(price_in), float(price_out), cached)


def _listed(provider: str, model: str) -> Price | None:
    if provider in LOCAL_PROVIDERS:
        return FREE
    exact = PRICES.get((provider, model))
    if exact is not None:
        return exact
    lowered = model.lower()  # model ids are matched case-insensitively, as servers do
    for (name, listed), price in PRICES.items():
        if name == provider and listed.lower() == lowered:
            return price
    return None


@dataclass(slots=True, frozen=True)
class Cost:
    """A turn's cost in dollars; ``exact`` False when a token count behind it is an estimate."""

    usd: float
    exact: bool

    def label(self) -> str:
        """``$0.0012``, or ``~$0.0012`` for an estimate (like token counts)."""
        return ("" if self.exact else "~") + format_usd(self.usd)


def format_usd(usd: float) -> str:
    """Dollars with enough digits to be worth reading: $0, $0.000042, $0.0031, $1.24."""
    if usd == 0:
        return "$0"
    if usd >= 1:
        return f"${usd:,.2f}"
    if usd >= 0.01:
        return f"${usd:.3f}"
    return f"${usd:.6f}" if usd < 0.0001 else f"${usd:.4f}"


def turn_cost(
    price: Price | None,
    *,
    prompt_tokens: int | None,
    prompt_estimate: int,
    cached_tokens: int | None,
    output_tokens: int,
    output_exact: bool,
) -> Cost | None:
    """The cost of one request; prompt tokens fall back to ``prompt_estimate`` (then inexact)."""
    if price is None:
        return None
    exact = output_exact and prompt_tokens is not None
    prompt = prompt_tokens if prompt_tokens is not None else prompt_estimate
    return Cost(price.cost(prompt, cached_tokens or 0, output_tokens), exact)


def add_costs(costs: list[Cost | None]) -> Cost | None:
    """A running total of the known parts; inexact when any part is an estimate or unknown."""
    known = [c for c in costs if c is not None]
    if not known:
        return None
    exact = len(known) == len(costs) and all(c.exact for c in known)
    return Cost(sum(c.usd for c in known), exact)


def reading_cost(
    price: Price | None,
    reading: MeterReading | None,
    *,
    prompt_estimate: int,
    cached_tokens: int | None = None,
) -> Cost | None:
    """The cost of the requests a meter measured (its exact counts where the server sent them).

    A turn of several requests (agent steps) pays for each one's prompt: the steps' reported
    prompt and cached tokens summed; when one sent no usage, ``prompt_estimate`` (the first
    request's) once per request, marked inexact."""
    if reading is None:
        return None
    prompt, cached = reading.prompt_tokens, reading.cached_tokens
    if reading.requests > 1:
        prompt, cached = reading.billed_prompt_tokens, reading.billed_cached_tokens
        prompt_estimate *= reading.requests
    return turn_cost(
        price,
        prompt_tokens=prompt,
        prompt_estimate=prompt_estimate,
        cached_tokens=cached_tokens if cached_tokens is not None else cached,
        output_tokens=reading.output_tokens,
        output_exact=reading.tokens_exact,
    )
