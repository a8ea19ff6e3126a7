"""The live time split: every instant of a turn in exactly one phase, read at any moment."""

from __future__ import annotations

from redline.agent.timing import PhaseClock


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_each_phase_gets_its_time_and_the_running_one_counts_so_far() -> None:
    clock = Clock()
    phases = PhaseClock(clock)
    clock.now += 0.002  # building the context: redline's
    phases.enter("model")
    clock.now += 0.5
    live = phases.reading()
    assert (live.steps, round(live.model_ms), live.used_tools) == (1, 500, False)
    phases.enter("tool")
    clock.now += 0.25
    phases.enter("wait")  # an approval: the person's time, not redline's
    clock.now += 3.0
    phases.enter("tool")
    clock.now += 0.1
    phases.enter("redline")
    clock.now += 0.001
    phases.enter("model")
    clock.now += 0.2
    split = phases.reading()
    assert split.steps == 2 and split.used_tools
    assert (round(split.model_ms), round(split.tool_ms), round(split.wait_ms)) == (700, 350, 3000)
    assert round(split.overhead_ms) == 3
    assert split.label() == "2 steps · model 0.70 s · tools 0.35 s · redline 3 ms"
