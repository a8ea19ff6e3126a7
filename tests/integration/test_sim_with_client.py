"""redline's own StreamClient and SpeedMeter against the simulator: every profile, every fault."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from redline.backends.client import StreamClient, Timeouts
from redline.backends.events import (
    Event,
    Finished,
    ReasoningDelta,
    ServerTiming,
    StreamError,
    TextDelta,
    TextSnapshot,
    Usage,
)
from redline.backends.meter import SpeedMeter
from redline.backends.presets import PRESETS
from redline.backends.request import ChatRequest, Message
from redline.backends.sim import SimServer


def request(max_tokens: int = 300, diffusing: bool | None = None) -> ChatRequest:
    return ChatRequest(
        model="sim-model",
        messages=(Message("user", "add a comment"),),
        max_tokens=max_tokens,
        diffusing=diffusing,
    )


@pytest.fixture
async def sim() -> AsyncIterator[SimServer]:
    server = SimServer("openai", rate=20000.0, ttft_ms=2.0)
    await server.start()
    yield server
    await server.stop()


class Sleeps:
    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


async def collect(client: StreamClient, req: ChatRequest) -> tuple[list[Event], SpeedMeter]:
    meter = SpeedMeter()
    meter.request_sent()
    events: list[Event] = []
    async for event in client.stream(req):
        meter.feed(event)
        events.append(event)
    meter.finish()
    await client.aclose()
    return events, meter


def make_client(base_url: str, **kwargs: object) -> StreamClient:
    return StreamClient(PRESETS["sim"], base_url=base_url, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("profile", ["cerebras", "baseten", "mercury", "openai", "llamacpp"])
async def test_every_profile_streams_and_meters_exactly(profile: str) -> None:
    async with SimServer(profile, rate=20000.0, ttft_ms=2.0) as sim:
        events, meter = await collect(make_client(sim.base_url), request(300))
    text = "".join(e.text for e in events if isinstance(e, TextDelta))
    assert text.startswith("*Simulated reply")
    assert isinstance(events[-1], Finished)
    reading = meter.reading()
    assert reading.tokens_exact and reading.output_tokens == 300
    assert reading.ttft_ms is not None and reading.e2e_tps is not None
    # (No decode rate is asserted: on a busy machine a late wake-up may send a short reply in
    # one burst, and then there is no time after the first event to divide by.)
    has_reasoning = any(isinstance(e, ReasoningDelta) for e in events)
    assert has_reasoning == (profile in ("cerebras", "baseten", "llamacpp"))
    assert (reading.reasoning_tokens > 0) == has_reasoning
    if profile in ("cerebras", "llamacpp"):
        assert any(isinstance(e, ServerTiming) for e in events)
        assert reading.server_tps == pytest.approx(20000.0)
    assert sum(isinstance(e, Usage) for e in events) >= 1


async def test_mercury_diffusing_gives_snapshots_and_counts_the_final_text() -> None:
    async with SimServer("mercury", rate=20000.0, ttft_ms=2.0) as sim:
        events, meter = await collect(make_client(sim.base_url), request(200, diffusing=True))
        plain, _ = await collect(make_client(sim.base_url), request(200, diffusing=False))
    snapshots = [e.text for e in events if isinstance(e, TextSnapshot)]
    assert len(snapshots) >= 2
    assert snapshots[-1] == "".join(e.text for e in plain if isinstance(e, TextDelta))
    assert meter.reading().output_tokens == 200


async def test_responses_wire(sim: SimServer) -> None:
    client = make_client(sim.base_url, wire="responses")
    events, meter = await collect(client, request(250))
    assert "".join(e.text for e in events if isinstance(e, TextDelta)).startswith("*Simulated")
    assert isinstance(events[-1], Finished)
    assert meter.reading().output_tokens == 250 and meter.reading().tokens_exact


def fault(sim: SimServer, name: str) -> str:
    return sim.base_url.removesuffix("/v1") + f"/fault/{name}/v1"


async def test_401_is_an_auth_error(sim: SimServer) -> None:
    events, _ = await collect(make_client(fault(sim, "401")), request())
    assert [type(e) for e in events] == [StreamError]
    assert events[0].kind == "auth"  # type: ignore[union-attr]


async def test_404_names_the_models_that_exist(sim: SimServer) -> None:
    events, _ = await collect(make_client(sim.base_url), request())
    assert isinstance(events[-1], Finished)
    events, _ = await collect(make_client(fault(sim, "404")), request())
    error = events[-1]
    assert isinstance(error, StreamError) and error.kind == "config"
    assert "does not exist" in error.message


async def test_429_short_retry_after_is_retried_then_reported(sim: SimServer) -> None:
    sleeps = Sleeps()
    events, _ = await collect(make_client(fault(sim, "429"), sleep=sleeps), request())
    error = events[-1]
    assert isinstance(error, StreamError) and error.kind == "rate_limit"
    assert error.retry_after_s == 1
    assert sleeps.delays == [1.0, 1.0]  # honoured Retry-After, at most two retries


async def test_429_long_retry_after_is_not_waited_out(sim: SimServer) -> None:
    sleeps = Sleeps()
    events, _ = await collect(make_client(fault(sim, "429-30"), sleep=sleeps), request())
    error = events[-1]
    assert isinstance(error, StreamError) and error.kind == "rate_limit"
    assert error.retry_after_s == 30
    assert sleeps.delays == []


async def test_500_is_retried_then_a_server_error(sim: SimServer) -> None:
    sleeps = Sleeps()
    events, _ = await collect(make_client(fault(sim, "500"), sleep=sleeps), request())
    assert isinstance(events[-1], StreamError) and events[-1].kind == "server"
    assert len(sleeps.delays) == 2


async def test_error_frame_keeps_partial_text(sim: SimServer) -> None:
    events, meter = await collect(make_client(fault(sim, "error-frame")), request())
    assert any(isinstance(e, TextDelta) for e in events)
    errors = [e for e in events if isinstance(e, StreamError)]
    assert errors and errors[0].kind == "server"
    assert meter.reading().output_tokens == 5 and not meter.reading().tokens_exact


async def test_disconnect_mid_stream_is_a_network_error(sim: SimServer) -> None:
    events, _ = await collect(make_client(fault(sim, "disconnect")), request())
    assert any(isinstance(e, TextDelta) for e in events)
    assert isinstance(events[-1], StreamError) and events[-1].kind == "network"


async def test_malformed_json_is_reported_or_skipped_never_raised(sim: SimServer) -> None:
    events, _ = await collect(make_client(fault(sim, "malformed")), request())
    assert isinstance(events[-1], StreamError | Finished)
    assert any(isinstance(e, TextDelta) for e in events)
    if isinstance(events[-1], StreamError):
        assert events[-1].kind == "protocol"


async def test_stall_becomes_a_stall_timeout(sim: SimServer) -> None:
    client = make_client(fault(sim, "stall"), timeouts=Timeouts(stall_s=0.3))
    events, _ = await collect(client, request())
    assert any(isinstance(e, TextDelta) for e in events)
    assert isinstance(events[-1], StreamError) and events[-1].kind == "timeout"
    assert "stalled" in events[-1].message


async def test_slow_headers_become_a_first_token_timeout(sim: SimServer) -> None:
    client = make_client(fault(sim, "slow-headers"), timeouts=Timeouts(first_token_s=0.3))
    events, _ = await collect(client, request())
    assert [type(e) for e in events] == [StreamError]
    assert events[0].kind == "timeout"  # type: ignore[union-attr]


async def test_faults_by_header_too() -> None:
    async with SimServer("cerebras", rate=20000.0, ttft_ms=2.0) as sim:
        client = make_client(sim.base_url)
        client._http.headers["x-redline-sim-fault"] = "401"
        events, _ = await collect(client, request())
    assert isinstance(events[0], StreamError) and events[0].kind == "auth"


async def test_written_hook_fires_once_the_request_is_sent_before_any_event(
    sim: SimServer,
) -> None:
    """The TUI holds its frames until the request is on the wire: the client says when."""
    client = make_client(sim.base_url)
    marks: list[str] = []
    client.written_hook = lambda: marks.append("written")
    async for event in client.stream(request(50)):
        marks.append(type(event).__name__)
    await client.aclose()
    assert marks[0] == "written"
    assert marks.count("written") == 1
    assert marks[-1] == "Finished"
