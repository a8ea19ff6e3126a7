"""Stream the scripted agent's tool call at the profile's speed, on either wire.

The call's first fragment (id and name) is due at the TTFT; its argument tokens follow on the
same wall-clock schedule as answer text (``stream.py``). Cerebras sends a call whole, in one
chunk, once its arguments are done.
"""

from __future__ import annotations

import asyncio

from redline.backends.sim.agent import SimCall
from redline.backends.sim.http import BodyWriter
from redline.backends.sim.stream import Pace, sleep_until, wait_until_closed
from redline.backends.sim.wire import ChatWire, Counts, ResponsesWire
from redline.backends.tokens import split_tokens


def _counts(sent: int, prompt: int, pace: Pace) -> Counts:
    return Counts(prompt=prompt, completion=sent, reasoning=0, rate=pace.rate, ttft_s=pace.ttft_s)


async def stream_call(
    body: BodyWriter,
    wire: ChatWire | ResponsesWire,
    call: SimCall,
    pace: Pace,
    start: float,
    *,
    prompt_tokens: int,
    whole: bool = False,
    stall: bool = False,
) -> None:
    """One tool call, then the wire's ending with ``finish_reason: tool_calls``."""
    loop = asyncio.get_running_loop()
    tokens = split_tokens(call.arguments) or [call.arguments]
    total = len(tokens)
    first_due = start + pace.ttft_s
    chat = wire if isinstance(wire, ChatWire) else None
    responses = wire if isinstance(wire, ResponsesWire) else None
    if responses is not None:
        for frame in responses.opening_tools():
            body.write(frame)
    if chat is not None and whole and not stall:
        await sleep_until(loop, first_due + (total - 1) / pace.rate)
        counts = _counts(total, prompt_tokens, pace)
        body.write(chat.role(_counts(0, prompt_tokens, pace)))
        body.write(chat.tool_call(0, call.call_id, call.name, call.arguments, counts))
        body.write("".join(chat.closing("tool_calls", counts)))
        await body.end()
        return
    await sleep_until(loop, first_due)
    if chat is not None:
        body.write(chat.role(_counts(0, prompt_tokens, pace)))
        body.write(chat.tool_call(0, call.call_id, call.name, "", _counts(0, prompt_tokens, pace)))
    else:
        assert responses is not None
        body.write(responses.tool_call(call.call_id, call.name))
    sent = 0
    batch = pace.batch()
    limit = max(1, total // 3) if stall else total
    while sent < limit:
        target = min(sent + batch, limit)
        await sleep_until(loop, first_due + (target - 1) / pace.rate)
        due = int((loop.time() - first_due) * pace.rate) + 1
        end = max(target, min(due, limit))
        text = "".join(tokens[sent:end])
        sent = end
        if body.closed:
            return
        if chat is not None:
            body.write(chat.tool_args(0, text, _counts(sent, prompt_tokens, pace)))
        else:
            assert responses is not None
            body.write(responses.tool_args(text))
        await body.flush()
    if stall:  # the call is never finished: the client must give up on its own
        await body.writer.drain()
        await wait_until_closed(body)
        return
    counts = _counts(total, prompt_tokens, pace)
    if chat is not None:
        body.write("".join(chat.closing("tool_calls", counts)))
    else:
        assert responses is not None
        body.write(
            "".join(responses.closing_tools(call.call_id, call.name, call.arguments, counts))
        )
    await body.end()
