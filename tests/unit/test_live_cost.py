"""The live cost beside the meter is the turn's so far: its finished steps' requests plus the
step streaming now, as the finished turn's cost counts them."""

from __future__ import annotations

from redline.agent.timing import combined
from redline.backends.meter import MeterReading
from redline.backends.prices import Price, reading_cost
from redline.tui.spending import Spending

PRICE = Price(input=3.0, output=15.0)
STEP_1 = MeterReading(output_tokens=400, tokens_exact=True, prompt_tokens=9000, duration_ms=900)
STEP_2 = MeterReading(output_tokens=300, tokens_exact=True, prompt_tokens=9500, duration_ms=700)
NOW = MeterReading(output_tokens=50, tokens_exact=True, prompt_tokens=10_000, duration_ms=200)


def _spending() -> Spending:
    spending = Spending(None)
    spending.price = lambda backend: PRICE  # type: ignore[method-assign]
    return spending


def test_the_live_cost_adds_the_turns_earlier_steps() -> None:
    cost_of = _spending().costing(None, 9000, lambda: (STEP_1, STEP_2))
    assert cost_of is not None
    live = cost_of(NOW)
    finished = reading_cost(PRICE, combined([STEP_1, STEP_2, NOW], 1800), prompt_estimate=9000)
    assert live is not None and finished is not None
    assert live.usd == finished.usd  # what the finished turn will show
    alone = reading_cost(PRICE, NOW, prompt_estimate=9000)
    assert alone is not None and live.usd > alone.usd * 3  # three requests of ~10k prompt


def test_a_first_step_costs_what_its_reading_does() -> None:
    cost_of = _spending().costing(None, 9000, tuple)
    assert cost_of is not None
    assert cost_of(NOW) == reading_cost(PRICE, NOW, prompt_estimate=9000)
