"""Cyclic GC is off from the TUI's entry point to its first paint, then frozen and back on."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from redline.tui import startup_gc
from tests.helpers_tui import make_app


@pytest.fixture(autouse=True)
def _gc_back_on() -> Iterator[None]:
    yield
    startup_gc.resume()
    gc.enable()


def test_pause_stops_collection_and_resume_freezes_what_start_up_made_and_restarts_it():
    gc.unfreeze()
    startup_gc.pause()
    assert not gc.isenabled() and startup_gc.paused()
    made = [[] for _ in range(100)]  # objects made during start-up
    startup_gc.resume()
    assert gc.isenabled() and not startup_gc.paused()
    assert gc.get_freeze_count() >= len(made)
    gc.unfreeze()


def test_resume_is_idempotent_and_leaves_a_collector_someone_else_turned_off_alone():
    gc.disable()  # someone else's pause (the index build, the transcript while streaming)
    startup_gc.pause()
    assert not startup_gc.paused()
    startup_gc.resume()
    assert not gc.isenabled()  # not ours to switch on
    gc.enable()
    startup_gc.resume()
    assert gc.isenabled()


def test_the_entry_points_runtime_tuning_pauses_it():
    from redline.cli.tui import tune_runtime

    tune_runtime()
    assert not gc.isenabled() and startup_gc.paused()


async def test_the_app_switches_collection_back_on_after_its_first_paint():
    startup_gc.pause()
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.pause()
        assert gc.isenabled()
        assert not startup_gc.paused()
