"""The live speed meter line: TTFT, tok/s, tokens, a sparkline and render lag (DESIGN.md "The meter")."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.widgets import Static

from redline.backends.meter import MeterReading
from redline.backends.prices import Cost, add_costs

SPARK_BLOCKS = "▁▂▃▄▅▆▇█"
SPARK_WIDTH = 16
SEPARATOR = " · "


def sparkline(values: tuple[float, ...] | list[float], width: int = SPARK_WIDTH) -> str:
    """Unicode block sparkline of ``values``, averaged into at most ``width`` columns."""
    if not values:
        return ""
    if len(values) > width:
        step = len(values) / width
        buckets = [
            values[int(i * step) : max(int((i + 1) * step), int(i * step) + 1)]
            for i in range(width)
        ]
        values = [sum(bucket) / len(bucket) for bucket in buckets]
    top = max(values)
    if top <= 0:
        return SPARK_BLOCKS[0] * len(values)
    last = len(SPARK_BLOCKS) - 1
    return "".join(SPARK_BLOCKS[min(last, max(0, round(v / top * last)))] for v in values)


def _rate(value: float) -> str:
    return f"{value:,.0f}"


def format_reading(
    reading: MeterReading | None,
    lag_chars: int = 0,
    cost: Cost | None = None,
    total: Cost | None = None,
) -> Text:
    """One meter line for ``reading``; pure and deterministic (the snapshot tests rely on it).

    ``lag_chars`` is text received but not yet on screen; shown only when above zero.
    ``cost`` is this turn's so far, ``total`` the session's with it (``~`` for estimates).
    """
    line = Text(no_wrap=True, overflow="ellipsis")
    if reading is None:
        line.append("waiting for the first token…", style="dim")
        return line
    parts: list[Text] = []
    if reading.ttft_ms is None:
        parts.append(Text.assemble(("TTFT ", "dim"), "…"))
    else:
        parts.append(Text.assemble(("TTFT ", "dim"), f"{reading.ttft_ms:,.0f} ms"))
    if not reading.finished and reading.live_tps is not None:
        parts.append(Text.assemble((_rate(reading.live_tps), "bold"), (" tok/s", "dim")))
    if reading.decode_tps is not None:
        parts.append(
            Text.assemble(
                ("avg ", "dim"),
                (_rate(reading.decode_tps), "bold" if reading.finished else ""),
                (" tok/s", "dim"),
            )
        )
    if reading.server_tps is not None:
        parts.append(
            Text.assemble(("server ", "dim"), _rate(reading.server_tps), (" tok/s", "dim"))
        )
    tokens = f"{'' if reading.tokens_exact else '~'}{reading.output_tokens:,}"
    token_part = Text.assemble(tokens, (" tok", "dim"))
    if reading.reasoning_tokens:
        token_part.append(f" ({reading.reasoning_tokens:,} reasoning)", style="dim")
    parts.append(token_part)
    if reading.cached_tokens:  # prompt tokens the provider served from its prompt cache
        cached = Text.assemble(("cached ", "dim"), f"{reading.cached_tokens:,}")
        if reading.prompt_tokens:
            cached.append(f"/{reading.prompt_tokens:,}", style="dim")
        parts.append(cached)
    if reading.finished and reading.duration_ms:
        parts.append(Text(f"{reading.duration_ms / 1000:.1f} s"))
    spark = sparkline(reading.rate_history)
    if spark:
        parts.append(Text(spark, style="cyan"))
    if lag_chars > 0:
        parts.append(Text(f"lag {lag_chars:,} ch", style="bold yellow"))
    if cost is not None:
        money = Text(cost.label())
        if total is not None:
            money.append(f" (session {total.label()})", style="dim")
        parts.append(money)
    line = Text(SEPARATOR, style="dim").join(parts)
    line.no_wrap = True
    line.overflow = "ellipsis"
    return line


class MeterBar(Static):
    """One line showing the current turn's meter; updated without a layout pass."""

    DEFAULT_CSS = """
    MeterBar {
        height: 1;
        width: 1fr;
        padding: 0 1;
        color: $text-muted;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__("", id=id, classes=classes)
        self._shown: tuple[MeterReading | None, int] | None = None
        self._blank = True
        # Set by the app while a turn streams: this turn's cost from a reading, and the
        # session's total before it.
        self.cost_of: Callable[[MeterReading], Cost | None] | None = None
        self.spent: Cost | None = None

    def show(
        self, reading: MeterReading | None, lag_chars: int = 0, *, streaming: bool = True
    ) -> None:
        """Show ``reading`` (nothing for a finished turn without one); cheap when unchanged."""
        if reading is None and not streaming:
            self.blank()
            return
        key = (reading, lag_chars)
        if key == self._shown:
            return
        self._shown = key
        self._blank = False
        cost = self.cost_of(reading) if self.cost_of is not None and reading else None
        total = add_costs([self.spent, cost]) if cost is not None and self.spent else None
        self.update(format_reading(reading, lag_chars, cost, total), layout=False)

    def blank(self) -> None:
        """Show nothing (no turn yet, or after ``/clear``)."""
        self._shown = None
        if not self._blank:
            self._blank = True
            self.update("", layout=False)
