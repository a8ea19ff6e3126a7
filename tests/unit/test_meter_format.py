"""The meter line's formatting: pure and deterministic."""

from __future__ import annotations

from redline.backends.meter import MeterReading
from redline.tui.widgets.meter import format_reading, sparkline
from tests.helpers_render import FINAL_READING, LIVE_READING


def test_live_reading_shows_rates_estimated_tokens_and_sparkline() -> None:
    assert format_reading(LIVE_READING).plain == (
        "TTFT 152 ms · 2,013 tok/s · avg 1,998 tok/s · server 2,100 tok/s · ~1,234 tok · ▁▄▇██▇█"
    )


def test_finished_reading_drops_live_rate_and_shows_exact_tokens_and_duration() -> None:
    assert format_reading(FINAL_READING).plain == (
        "TTFT 152 ms · avg 1,998 tok/s · server 2,100 tok/s · 1,502 tok · 0.9 s · ▁▄▇██▇██"
    )


def test_waiting_reading_and_missing_fields() -> None:
    assert format_reading(None).plain == "waiting for the first token…"
    assert format_reading(MeterReading()).plain == "TTFT … · ~0 tok"


def test_reasoning_tokens_and_lag_are_shown() -> None:
    reading = MeterReading(ttft_ms=10.0, output_tokens=50, reasoning_tokens=20, tokens_exact=True)
    assert format_reading(reading, lag_chars=4200).plain == (
        "TTFT 10 ms · 50 tok (20 reasoning) · lag 4,200 ch"
    )


def test_meter_line_never_wraps() -> None:
    line = format_reading(LIVE_READING)
    assert line.no_wrap


def test_sparkline_scales_to_the_peak_and_buckets_long_histories() -> None:
    assert sparkline(()) == ""
    assert sparkline((0.0, 0.0)) == "▁▁"
    assert sparkline((1.0, 2.0, 4.0, 8.0)) == "▂▃▅█"
    long = sparkline(tuple(float(i) for i in range(100)), width=10)
    assert len(long) == 10
    assert long[0] == "▁" and long[-1] == "█"


def test_cached_prompt_tokens_are_shown_when_the_provider_reports_them() -> None:
    reading = MeterReading(
        ttft_ms=10.0, output_tokens=9, tokens_exact=True, prompt_tokens=2048, cached_tokens=1792
    )
    assert format_reading(reading).plain == "TTFT 10 ms · 9 tok · cached 1,792/2,048"
    uncached = MeterReading(ttft_ms=10.0, output_tokens=9, tokens_exact=True, cached_tokens=0)
    assert format_reading(uncached).plain == "TTFT 10 ms · 9 tok"
