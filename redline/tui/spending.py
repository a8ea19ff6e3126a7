"""What the session has spent and how fast each backend has been: costs and the speed history.

The app asks it for the live meter's costing, adds each finished turn, and gets the status bar's
label; history file work runs in a thread, never on the UI loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from redline.backends.meter import MeterReading
from redline.backends.prices import Cost, Price, add_costs, price_for, reading_cost

if TYPE_CHECKING:  # the history's modules load after the first paint (the pickers' speeds)
    from redline.agent import Backend, Turn
    from redline.agent.history import HistoryLoad, SpeedHistory
    from redline.config import Config

Costing = Callable[[MeterReading], Cost | None]


class Spending:
    def __init__(self, config: Config | None, history: SpeedHistory | None = None) -> None:
        self.config = config
        self._history = history
        self.costs: list[Cost | None] = []  # each turn's, this session

    @property
    def history(self) -> SpeedHistory:
        """The speed history file, opened on first use (in a thread, after the first paint)."""
        if self._history is None:
            from redline.agent.history import SpeedHistory

            self._history = SpeedHistory()
        return self._history

    def price(self, backend: Backend | None) -> Price | None:
        if backend is None:
            return None
        overrides = self.config.price_overrides() if self.config is not None else None
        return price_for(backend.name, backend.model, overrides)

    def costing(
        self,
        backend: Backend | None,
        prompt_estimate: int,
        earlier: Callable[[], Sequence[MeterReading]] = tuple,
    ) -> Costing | None:
        """The live meter's: this turn's cost so far (None without a price).

        The reading is the step streaming now; ``earlier`` gives the turn's finished steps,
        whose requests are paid for too (the finished turn's cost counts them all)."""
        price = self.price(backend)
        if price is None:
            return None
        from redline.agent.timing import combined  # a turn's module: not before first paint

        def cost(reading: MeterReading) -> Cost | None:
            steps = earlier()
            whole = combined([*steps, reading], reading.duration_ms) if steps else reading
            return reading_cost(price, whole, prompt_estimate=prompt_estimate)

        return cost

    def total(self) -> Cost | None:
        return add_costs(self.costs)

    def add(self, turn: Turn, backend: Backend | None, cost: Cost | None = None) -> Cost | None:
        """A finished turn's cost into the total (computed unless given); returns it."""
        if cost is None and backend is not None and turn.provider == backend.name:
            price = self.price(backend)
            cost = reading_cost(price, turn.reading, prompt_estimate=turn.prompt_estimate)
        self.costs.append(cost)
        return cost

    def status_label(self) -> str:
        total = self.total()
        return f"{total.label()} this session" if total is not None else ""

    async def record(self, turn: Turn, cost: Cost | None, source: str) -> str | None:
        """Append the turn's figures to the history; a sentence when that failed."""
        from redline.agent.history import append_quietly, turn_record

        record = turn_record(turn, cost, source)
        return await asyncio.to_thread(append_quietly, self.history, record)

    async def speeds(self) -> dict[str, str]:
        """Backend name -> its median TTFT and tok/s (for the pickers)."""

        def load() -> HistoryLoad:
            return self.history.load()

        try:
            loaded = await asyncio.to_thread(load)
        except OSError:
            return {}
        from redline.agent.speed_stats import picker_speeds

        return picker_speeds(loaded.records)
