"""Prices as data: the cost of a request, config overrides, estimates marked with ~."""

from __future__ import annotations

from pathlib import Path

import pytest

from redline.backends.meter import MeterReading
from redline.backends.prices import (
    Cost,
    Price,
    PriceOverride,
    add_costs,
    format_usd,
    price_for,
    reading_cost,
)
from redline.config import ConfigError, load_config


def test_mercury_carries_the_seeds_figures():
    price = price_for("inception", "mercury-coder")
    assert price is not None and (price.input, price.output) == (0.25, 0.75)
    # 1M prompt tokens and 1M output tokens: $0.25 + $0.75
    assert price.cost(1_000_000, 0, 1_000_000) == pytest.approx(1.0)


def test_cached_prompt_tokens_are_billed_at_the_cached_rate():
    price = Price(input=1.25, output=10.0, cached=0.125)
    # 1,000 prompt tokens of which 800 were cache hits, 100 output tokens
    expected = (200 * 1.25 + 800 * 0.125 + 100 * 10.0) / 1_000_000
    assert price.cost(1000, 800, 100) == pytest.approx(expected)
    assert price.cost(10, 50, 0) == pytest.approx(10 * 0.125 / 1_000_000)  # never more than sent
    assert Price(2.0, 4.0).cost(100, 100, 0) == pytest.approx(100 * 2.0 / 1_000_000)


def test_local_servers_are_free_the_simulator_charges_what_it_imitates_unknown_is_none():
    assert price_for("llamacpp", "anything.gguf") == Price(0.0, 0.0, 0.0)
    assert price_for("sim", "gpt-oss-120b") == price_for("cerebras", "gpt-oss-120b")
    assert price_for("sim:mercury", "mercury-2") == price_for("inception", "mercury-2")
    assert price_for("sim:baseten", "moonshotai/kimi-k2.5") == price_for(
        "baseten", "moonshotai/Kimi-K2.5"
    )
    assert price_for("together", "some/model") is None
    assert price_for("cerebras", "a-model-with-no-listed-price") is None


def test_config_overrides_each_figure_of_a_model():
    only_out = {"gpt-oss-120b": PriceOverride(price_out=1.0)}
    assert price_for("cerebras", "gpt-oss-120b", only_out) == Price(0.35, 1.0)
    custom = {"my/model": PriceOverride(price_in=0.5, price_out=2.0, price_cached=0.05)}
    assert price_for("together", "my/model", custom) == Price(0.5, 2.0, 0.05)
    half = {"my/model": PriceOverride(price_in=0.5)}
    assert price_for("together", "my/model", half) is None  # half a price is no price


def test_price_keys_in_config(tmp_path: Path):
    user = tmp_path / "config.toml"
    user.write_text('[models."my/model"]\nprice_in = 0.5\nprice_out = 2\nprice_cached = 0\n')
    config = load_config(None, user_path=user)
    assert config.price_overrides() == {"my/model": PriceOverride(0.5, 2, 0)}
    user.write_text('[models."x"]\nprice_out = -1\n')
    with pytest.raises(ConfigError, match=r"line 2: price_out must be 0 or more"):
        load_config(None, user_path=user)
    user.write_text('[models."x"]\nprice_in = "cheap"\n')
    with pytest.raises(ConfigError, match="price_in must be a number"):
        load_config(None, user_path=user)


def test_estimated_tokens_make_an_estimated_cost():
    price = Price(1.0, 2.0)
    exact = MeterReading(output_tokens=100, tokens_exact=True, prompt_tokens=50)
    cost = reading_cost(price, exact, prompt_estimate=999)
    assert cost == Cost((50 * 1.0 + 100 * 2.0) / 1_000_000, exact=True)
    guessed = MeterReading(output_tokens=100, tokens_exact=False)
    estimate = reading_cost(price, guessed, prompt_estimate=40)
    assert estimate is not None and not estimate.exact
    assert estimate.usd == pytest.approx((40 + 200) / 1_000_000)
    assert estimate.label().startswith("~$")
    assert reading_cost(None, exact, prompt_estimate=1) is None


def test_labels_and_running_totals():
    assert format_usd(0) == "$0"
    assert format_usd(1.234) == "$1.23"
    assert format_usd(0.0312) == "$0.031"
    assert format_usd(0.0012) == "$0.0012"
    assert format_usd(0.0000421) == "$0.000042"
    total = add_costs([Cost(0.5, True), None, Cost(0.25, True)])
    assert total == Cost(0.75, exact=False)  # an unpriced turn makes the total a lower bound
    assert add_costs([None]) is None and add_costs([]) is None
