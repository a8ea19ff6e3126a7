"""A turn of several requests (agent steps) costs what each request was billed for: the steps'
reported prompt tokens summed, not the last step's alone (the real client on a loopback server
replaying Baseten's wire format, usage on each step)."""

from __future__ import annotations

import math
from pathlib import Path

from redline.agent import Session
from redline.backends.prices import price_for, reading_cost
from tests.helpers_client import LoopbackServer, sse_reply, stream_fixture
from tests.integration.test_reasoning_echo import _opener, _repo


async def test_a_two_step_turn_pays_for_both_prompts(tmp_path: Path) -> None:
    # step 1: a tool call, usage 300 prompt / 24 completion; step 2: the answer, 380 / 12
    replies = {"/v1/chat/completions": [sse_reply(stream_fixture(f)) for f in (
        "baseten_kimi_tool_call.sse", "baseten_kimi_answer.sse"
    )]}  # fmt: skip
    with LoopbackServer(replies) as srv:  # type: ignore[arg-type]
        session = Session(
            repo_root=_repo(tmp_path),
            open_backend=_opener("baseten", "moonshotai/Kimi-K2.5", srv.url),
        )
        await session.open_backend(None, None, None)
        turn = await session.run_turn("what does app.py do?")
        await session.aclose()
    assert turn is not None and turn.finished and len(turn.steps) == 1
    reading = turn.reading
    assert reading is not None and reading.requests == 2
    assert reading.output_tokens == 36 and reading.tokens_exact
    assert reading.prompt_tokens == 380  # the context's size: the last request's
    assert reading.billed_prompt_tokens == 680
    price = price_for("baseten", "moonshotai/Kimi-K2.5", {})
    cost = reading_cost(price, reading, prompt_estimate=turn.prompt_estimate)
    assert cost is not None and cost.exact
    # $0.60 per million prompt tokens, $3.00 per million completion tokens
    assert math.isclose(cost.usd, 680 * 0.60e-6 + 36 * 3.00e-6)


def test_without_usage_on_a_step_the_cost_is_an_estimate_per_request() -> None:
    from redline.agent.timing import combined
    from redline.backends.meter import MeterReading

    steps = [
        MeterReading(output_tokens=10, tokens_exact=True, prompt_tokens=300),
        MeterReading(output_tokens=5, tokens_exact=False, prompt_tokens=None),
    ]
    reading = combined(steps, 1000.0)
    assert reading is not None and reading.requests == 2 and reading.billed_prompt_tokens is None
    price = price_for("baseten", "moonshotai/Kimi-K2.5", {})
    cost = reading_cost(price, reading, prompt_estimate=250)
    assert cost is not None and not cost.exact
    assert math.isclose(cost.usd, 2 * 250 * 0.60e-6 + 15 * 3.00e-6)
