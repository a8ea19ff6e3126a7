"""Every simulator fault, by path prefix and by header, read with raw httpx."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from redline.backends.sim import SimServer, parse_fault
from tests.helpers_sim import chat_body, post_stream


@pytest.fixture(scope="module")
def sim() -> Iterator[SimServer]:
    with SimServer("openai", rate=5000.0, ttft_ms=5.0) as server:
        yield server


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10) as c:
        yield c


def fault_url(sim: SimServer, name: str, route: str = "/chat/completions") -> str:
    root = sim.base_url.removesuffix("/v1")
    return f"{root}/fault/{name}/v1{route}"


@pytest.mark.parametrize(
    ("name", "status", "code"),
    [("401", 401, "invalid_api_key"), ("404", 404, "model_not_found"), ("500", 500, None)],
)
def test_http_error_faults(
    sim: SimServer, client: httpx.Client, name: str, status: int, code: str | None
) -> None:
    by_path = client.post(fault_url(sim, name), json=chat_body())
    by_header = client.post(
        sim.base_url + "/chat/completions", json=chat_body(), headers={"x-redline-sim-fault": name}
    )
    for response in (by_path, by_header):
        assert response.status_code == status
        assert response.json()["error"]["code"] == code
        assert "simulated" in response.json()["error"]["message"]


def test_faults_apply_to_the_model_list_too(sim: SimServer, client: httpx.Client) -> None:
    assert client.get(fault_url(sim, "401", "/models")).status_code == 401


def test_429_sends_retry_after_default_and_configured(sim: SimServer, client: httpx.Client) -> None:
    default = client.post(fault_url(sim, "429"), json=chat_body())
    custom = client.post(fault_url(sim, "429-30"), json=chat_body())
    assert default.status_code == custom.status_code == 429
    assert default.headers["retry-after"] == "1"
    assert custom.headers["retry-after"] == "30"
    assert custom.json()["error"]["type"] == "rate_limit_error"


def test_error_frame_inside_a_200_stream(sim: SimServer, client: httpx.Client) -> None:
    raw = post_stream(client, fault_url(sim, "error-frame"), chat_body())
    assert raw.status == 200
    assert raw.text()  # some content first
    errors = [c for c in raw.chunks if "error" in c]
    assert len(errors) == 1 and errors[0]["error"]["type"] == "server_error"
    assert raw.frames[-1][1] == "[DONE]"
    assert not any(c.get("usage") for c in raw.chunks)


def test_cerebras_error_frame_carries_status_code(client: httpx.Client) -> None:
    with SimServer("cerebras", rate=5000.0, ttft_ms=1.0) as sim:
        raw = post_stream(
            client,
            sim.base_url + "/chat/completions",
            chat_body(),
            {"x-redline-sim-fault": "error-frame-12"},
        )
    error = raw.chunks[-1]
    assert error["status_code"] == 429
    assert error["error"]["code"] == "token_quota_exceeded"
    assert len(raw.text("reasoning") + raw.text()) > 0


def test_disconnect_drops_the_socket_mid_stream(sim: SimServer, client: httpx.Client) -> None:
    raw = post_stream(client, fault_url(sim, "disconnect"), chat_body())
    assert raw.status == 200
    assert raw.error == "RemoteProtocolError"  # no chunked terminator
    assert raw.text()
    assert raw.frames[-1][1] != "[DONE]"


def test_malformed_sends_an_invalid_json_line(sim: SimServer, client: httpx.Client) -> None:
    raw = post_stream(client, fault_url(sim, "malformed"), chat_body())
    datas = [data for _, data in raw.frames]
    assert any(d.startswith("{") and d.endswith("unterminated") for d in datas)
    assert datas[-1] == "[DONE]"


def test_stall_stops_sending_without_closing(sim: SimServer) -> None:
    with httpx.Client(timeout=httpx.Timeout(10, read=0.5)) as client:
        raw = post_stream(client, fault_url(sim, "stall"), chat_body())
    assert raw.error == "ReadTimeout"
    assert raw.text()


def test_stall_with_a_duration_carries_on(sim: SimServer, client: httpx.Client) -> None:
    raw = post_stream(client, fault_url(sim, "stall-0.3"), chat_body())
    assert raw.error is None
    assert raw.frames[-1][1] == "[DONE]"


def test_slow_headers_delay_the_status_line(sim: SimServer) -> None:
    with httpx.Client(timeout=httpx.Timeout(10, read=0.3)) as client:
        with pytest.raises(httpx.ReadTimeout):
            client.post(fault_url(sim, "slow-headers"), json=chat_body())
        started = time.monotonic()
        response = client.get(fault_url(sim, "slow-headers-0.05", "/models"))
    assert response.status_code == 200
    assert time.monotonic() - started >= 0.05


def test_responses_api_faults(sim: SimServer, client: httpx.Client) -> None:
    body = {"model": "gpt-5-codex", "stream": True, "input": "hi", "max_output_tokens": 100}
    raw = post_stream(client, fault_url(sim, "error-frame", "/responses"), body)
    assert raw.frames[-1][0] == "error"
    assert client.post(fault_url(sim, "401", "/responses"), json=body).status_code == 401


def test_unknown_fault_is_a_clear_400(sim: SimServer, client: httpx.Client) -> None:
    response = client.post(fault_url(sim, "gremlins"), json=chat_body())
    assert response.status_code == 400
    assert "known faults: 401" in response.json()["error"]["message"]


def test_fault_names_parse_with_parameters() -> None:
    assert parse_fault("429-30").retry_after_s == 30
    assert parse_fault("429").retry_after_s == 1
    assert parse_fault("slow-headers-2.5").delay_s == 2.5
    assert parse_fault("error-frame-20").after_tokens == 20
    assert parse_fault("stall").stall_s is None
    with pytest.raises(ValueError, match="unknown simulator fault"):
        parse_fault("teapot")


def test_stop_drops_stalled_connections_promptly() -> None:
    sim = SimServer("cerebras", rate=5000.0, ttft_ms=1.0)
    sim.start_in_thread()
    with (
        httpx.Client(timeout=5) as client,
        client.stream(
            "POST",
            sim.base_url + "/chat/completions",
            json=chat_body(),
            headers={"x-redline-sim-fault": "stall"},
        ) as response,
    ):
        lines = response.iter_lines()
        assert next(lines).startswith("data:")
        started = time.monotonic()
        sim.stop_thread()
        with pytest.raises(httpx.HTTPError):
            for _ in lines:
                pass
    assert time.monotonic() - started < 4


def test_a_client_that_hangs_up_ends_its_stream_on_the_server() -> None:
    with SimServer("cerebras", rate=200.0, ttft_ms=1.0) as sim:
        for fault in ("stall", None):
            headers = {"x-redline-sim-fault": fault} if fault else {}
            with (
                httpx.Client(timeout=5) as client,
                client.stream(
                    "POST",
                    sim.base_url + "/chat/completions",
                    json=chat_body(max_tokens=5000),
                    headers=headers,
                ) as response,
            ):
                assert next(response.iter_lines()).startswith("data:")
            deadline = time.monotonic() + 3
            while sim._tasks and time.monotonic() < deadline:
                time.sleep(0.05)
            assert not sim._tasks, f"the server still streams to a gone client ({fault})"
