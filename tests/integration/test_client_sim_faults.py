"""The client against every simulator fault (the simulator runs in-process on loopback)."""

from __future__ import annotations

import pytest

from redline.backends.client import RetryPolicy, Timeouts
from redline.backends.events import Finished, StreamError
from redline.backends.sim import SimServer
from tests.helpers_client import collect, reasoning_of, text_of


class Sleeps:
    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.mark.parametrize(
    ("fault", "kind", "text_kept", "retries"),
    [
        ("401", "auth", False, 0),
        ("404", "config", False, 0),
        ("429", "rate_limit", False, 2),
        ("429-30", "rate_limit", False, 0),
        ("500", "server", False, 2),
        ("error-frame", "rate_limit", True, 0),
        ("disconnect", "network", True, 0),
        ("malformed", "protocol", True, 0),
        ("stall", "timeout", True, 0),
        ("slow-headers", "timeout", False, 0),
    ],
)
async def test_sim_fault(fault: str, kind: str, text_kept: bool, retries: int):
    sleeps = Sleeps()
    async with SimServer(profile="cerebras", rate=5000, ttft_ms=0) as sim:
        url = sim.base_url.replace("/v1", f"/fault/{fault}/v1")
        events = await collect(
            url,
            sleep=sleeps,
            timeouts=Timeouts(first_token_s=3.0, stall_s=1.0),
            retry=RetryPolicy(max_retries=2),
        )
    error = events[-1]
    assert isinstance(error, StreamError), events[-3:]
    assert error.kind == kind, error
    assert len(sleeps.calls) == retries
    assert bool(text_of(events) + reasoning_of(events)) == text_kept
    assert not any(isinstance(e, Finished) for e in events)
    if fault.startswith("429"):
        assert error.retry_after_s == (30.0 if fault == "429-30" else 1.0)
        assert "retry in" in error.message


async def test_sim_clean_stream_every_profile():
    for profile, wire in (
        ("cerebras", "chat"),
        ("baseten", "chat"),
        ("mercury", "chat"),
        ("openai", "responses"),
        ("llamacpp", "chat"),
    ):
        async with SimServer(profile=profile, rate=20000, ttft_ms=0) as sim:
            events = await collect(sim.base_url, wire=wire, diffusing=profile == "mercury")
        assert isinstance(events[-1], Finished), (profile, events[-2:])
        assert "Simulated reply" in text_of(events)
