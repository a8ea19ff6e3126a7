"""Snapshots of /race: lanes mid-stream, and finished with their badges and the choice."""

from __future__ import annotations

import asyncio
from typing import Any

from textual.pilot import Pilot

from redline.agent.conversation import Conversation
from redline.agent.race import Race
from redline.backends.prices import Price
from redline.tui.screens.race import RaceScreen
from tests.helpers_race import ScriptedClient, answer, scripted_backend
from tests.helpers_tui import StepClock, make_app, settle, wait_until

WIDE = (120, 30)


def _race(clients: list[ScriptedClient]) -> Race:
    names = [
        ("sim:cerebras", "gpt-oss-120b"),
        ("sim:baseten", "Kimi-K2.5"),
        ("sim:mercury", "mercury-2"),
        ("sim:openai", "gpt-5"),
    ]
    backends = [scripted_backend(n, m, c) for (n, m), c in zip(names, clients, strict=False)]
    price = Price(0.35, 0.75)
    return Race(
        backends,
        Conversation(),
        clock=StepClock(per_meter=True),
        price_of=lambda backend: price,
    )


class TestRace:
    def test_mid_stream(self, snap_compare: Any) -> None:
        clients = [
            ScriptedClient(answer(40, "Fast lane"), hold_after=30),
            ScriptedClient(answer(40, "Slow lane"), hold_after=8),
            ScriptedClient(answer(40, "Mercury lane"), hold_after=20),
        ]

        async def run_before(pilot: Pilot[None]) -> None:
            app: Any = pilot.app
            await settle(pilot)
            screen = RaceScreen(
                _race(clients), "Add a docstring to add", display_clock=app.display_clock
            )
            await app.push_screen(screen)
            # Every lane at its hold point, however busy the machine: not a fixed sleep.
            await wait_until(pilot, lambda: all(c.held.is_set() for c in clients))
            await pilot.pause(0.2)
            for view in screen.lane_views():
                view.transcript.flush()
            screen.refresh_badges()
            await pilot.pause(0.1)

        assert snap_compare(make_app(provider="sim"), terminal_size=WIDE, run_before=run_before)

    def test_finished_with_badges(self, snap_compare: Any) -> None:
        # The order is the test's, not the scheduler's: the fast lane's first text comes
        # first, then the fast lane ends, then Mercury, then the slow lane.
        fast_first, fast_done, mercury_done = asyncio.Event(), asyncio.Event(), asyncio.Event()
        clients = [
            ScriptedClient(answer(12, "Fast lane")),
            ScriptedClient(answer(40, "Slow lane"), gates={0: fast_first, 39: mercury_done}),
            ScriptedClient(answer(25, "Mercury lane"), gates={0: fast_first, 24: fast_done}),
        ]
        race = _race(clients)

        async def run_before(pilot: Pilot[None]) -> None:
            app: Any = pilot.app
            await settle(pilot)
            screen = RaceScreen(race, "Add a docstring to add", display_clock=app.display_clock)
            await app.push_screen(screen)
            lanes = race.lanes
            await wait_until(pilot, lambda: lanes[0].first_token is not None)
            fast_first.set()
            await wait_until(pilot, lambda: lanes[0].finish is not None)
            fast_done.set()
            await wait_until(pilot, lambda: lanes[2].finish is not None)
            mercury_done.set()
            await wait_until(pilot, lambda: screen.result is not None)
            await pilot.pause(0.2)
            for view in screen.lane_views():
                view.transcript.flush()
            await pilot.pause(0.1)

        assert snap_compare(make_app(provider="sim"), terminal_size=WIDE, run_before=run_before)


async def _finish_in_order(
    pilot: Pilot[None], screen: RaceScreen, order: list[asyncio.Event]
) -> None:
    """Release each gate once the lane before it has finished: the test fixes the order."""
    lanes = screen.race.lanes
    await wait_until(pilot, lambda: lanes[0].first_token is not None)
    order[0].set()  # every other lane may start once lane 1's first text is in
    for lane, gate in zip(lanes, order[1:], strict=False):
        await wait_until(pilot, lambda lane=lane: lane.finish is not None)  # type: ignore[misc]
        gate.set()
    await wait_until(pilot, lambda: screen.result is not None)
    await pilot.pause(0.2)
    for view in screen.lane_views():
        view.transcript.flush()
    await pilot.pause(0.1)


class TestRaceSizes:
    """Four lanes at 120x40 and two at 80x24: every lane's meter, cost and badges readable."""

    def test_four_lanes_mid_stream_120x40(self, snap_compare: Any) -> None:
        first = asyncio.Event()
        clients = [
            ScriptedClient(answer(60, "Cerebras lane"), hold_after=50),
            ScriptedClient(answer(60, "Baseten lane"), hold_after=10, gates={0: first}),
            ScriptedClient(answer(60, "Mercury lane"), hold_after=35, gates={0: first}),
            ScriptedClient(answer(60, "OpenAI lane"), hold_after=20, gates={0: first}),
        ]

        async def run_before(pilot: Pilot[None]) -> None:
            app: Any = pilot.app
            await settle(pilot)
            race = _race(clients)
            screen = RaceScreen(race, "Add a docstring to add", display_clock=app.display_clock)
            await app.push_screen(screen)
            await wait_until(pilot, lambda: race.lanes[0].first_token is not None)
            first.set()
            await wait_until(pilot, lambda: all(c.held.is_set() for c in clients))
            await pilot.pause(0.2)
            for view in screen.lane_views():
                view.transcript.flush()
            screen.refresh_badges()
            await pilot.pause(0.1)

        assert snap_compare(
            make_app(provider="sim"), terminal_size=(120, 40), run_before=run_before
        )

    def test_four_lanes_finished_120x40(self, snap_compare: Any) -> None:
        order = [asyncio.Event() for _ in range(4)]
        clients = [
            ScriptedClient(answer(15, "Cerebras lane")),
            ScriptedClient(answer(30, "Baseten lane"), gates={0: order[0], 29: order[1]}),
            ScriptedClient(answer(45, "Mercury lane"), gates={0: order[0], 44: order[2]}),
            ScriptedClient(answer(50, "OpenAI lane"), gates={0: order[0], 49: order[3]}),
        ]

        async def run_before(pilot: Pilot[None]) -> None:
            app: Any = pilot.app
            await settle(pilot)
            screen = RaceScreen(
                _race(clients), "Add a docstring to add", display_clock=app.display_clock
            )
            await app.push_screen(screen)
            await _finish_in_order(pilot, screen, order)

        assert snap_compare(
            make_app(provider="sim"), terminal_size=(120, 40), run_before=run_before
        )

    def test_two_lanes_finished_80x24(self, snap_compare: Any) -> None:
        order = [asyncio.Event() for _ in range(2)]
        clients = [
            ScriptedClient(answer(15, "Cerebras lane")),
            ScriptedClient(answer(30, "Baseten lane"), gates={0: order[0], 29: order[1]}),
        ]

        async def run_before(pilot: Pilot[None]) -> None:
            app: Any = pilot.app
            await settle(pilot)
            screen = RaceScreen(
                _race(clients), "Add a docstring to add", display_clock=app.display_clock
            )
            await app.push_screen(screen)
            await _finish_in_order(pilot, screen, order)

        assert snap_compare(make_app(provider="sim"), terminal_size=(80, 24), run_before=run_before)
