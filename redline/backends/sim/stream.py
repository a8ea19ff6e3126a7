"""Pacing: send a reply's tokens on a wall-clock schedule, with mid-stream faults.

Token ``i`` is due at ``T + i / rate`` where ``T`` is when the request was read plus the TTFT.
Deadlines are absolute, so a late wake-up is caught up by sending every token due by then in
one chunk instead of drifting; at high rates several tokens go in each chunk anyway.
"""

from __future__ import annotations

import asyncio
import math
from dataclasses import dataclass

from redline.backends.sim.faults import Fault
from redline.backends.sim.http import BodyWriter
from redline.backends.sim.replies import Reply
from redline.backends.sim.wire import ChatWire, Counts, ResponsesWire

# Above this many chunks a second, tokens are batched (one event per ~millisecond at most).
MAX_CHUNKS_PER_S = 1000.0


@dataclass(slots=True, frozen=True)
class Pace:
    rate: float  # tokens per second
    ttft_s: float
    chunk_tokens: int = 1
    exact_chunks: bool = False  # never merge late tokens: the same chunks however busy the host

    def batch(self) -> int:
        if self.exact_chunks:
            return max(self.chunk_tokens, 1)
        return max(self.chunk_tokens, math.ceil(self.rate / MAX_CHUNKS_PER_S), 1)


class Disconnect(Exception):
    """The fault asked for the socket to be dropped."""


async def sleep_until(loop: asyncio.AbstractEventLoop, deadline: float) -> None:
    delay = deadline - loop.time()
    if delay > 0:
        await asyncio.sleep(delay)


async def _stall(fault: Fault, body: BodyWriter) -> None:
    if fault.stall_s is not None:
        await asyncio.sleep(fault.stall_s)
        return
    await wait_until_closed(body)


async def wait_until_closed(body: BodyWriter) -> None:
    """Send nothing until the client hangs up or the server stops."""
    while not body.closed:
        await asyncio.sleep(0.1)


async def _strike(fault: Fault, body: BodyWriter, wire: ChatWire | ResponsesWire) -> bool:
    """Carry out a mid-stream fault; True when the stream should go on afterwards."""
    if fault.name == "error-frame":
        for frame in wire.error_frame():
            body.write(frame)
        return False
    if fault.name == "disconnect":
        raise Disconnect
    if fault.name == "malformed":
        body.write(wire.malformed())
        return True
    if fault.name == "stall":
        await body.writer.drain()
        await _stall(fault, body)
        return True
    return True


def _counts(reply: Reply, sent: int, prompt: int, pace: Pace) -> Counts:
    return Counts(
        prompt=prompt,
        completion=sent,
        reasoning=min(sent, reply.reasoning),
        rate=pace.rate,
        ttft_s=pace.ttft_s,
    )


async def stream_tokens(
    body: BodyWriter,
    wire: ChatWire | ResponsesWire,
    reply: Reply,
    pace: Pace,
    start: float,
    *,
    prompt_tokens: int,
    fault: Fault | None,
) -> None:
    """Stream ``reply`` as deltas, starting the clock at loop time ``start``."""
    loop = asyncio.get_running_loop()
    tokens = reply.tokens
    total = len(tokens)
    first_due = start + pace.ttft_s
    rate = pace.rate
    batch = pace.batch()
    fault_at = min(fault.after_tokens, max(total - 1, 0)) if fault is not None else -1
    sent = 0
    chat = wire if isinstance(wire, ChatWire) else None
    while sent < total:
        if sent == fault_at and fault is not None:
            carry_on = await _strike(fault, body, wire)
            fault = None
            if not carry_on:
                await body.end()
                return
        limit = reply.reasoning if sent < reply.reasoning else total
        if fault is not None and sent < fault_at:
            limit = min(limit, fault_at)
        target = min(sent + batch, limit)
        await sleep_until(loop, first_due + (target - 1) / rate)
        due = int((loop.time() - first_due) * rate) + 1
        end = target if pace.exact_chunks else max(target, min(due, limit))
        frames: list[str] = []
        if sent == 0 and chat is not None:
            frames.append(chat.role(_counts(reply, 0, prompt_tokens, pace)))
        text = "".join(tokens[sent:end])
        reasoning = sent < reply.reasoning
        sent = end
        if chat is not None:
            counts = _counts(reply, sent, prompt_tokens, pace)
            frames.append(chat.delta(text, reasoning=reasoning, counts=counts))
        else:
            assert isinstance(wire, ResponsesWire)
            frames.append(wire.delta(text, reasoning=reasoning))
        if body.closed:
            return
        body.write("".join(frames))
        await body.flush()
    counts = _counts(reply, total, prompt_tokens, pace)
    if chat is not None:
        closing = chat.closing(reply.finish_reason, counts)
    else:
        assert isinstance(wire, ResponsesWire)
        closing = wire.closing(
            reply.answer_text, counts, incomplete=reply.finish_reason == "length"
        )
    body.write("".join(closing))
    await body.end()


async def stream_snapshots(
    body: BodyWriter,
    wire: ChatWire,
    reply: Reply,
    pace: Pace,
    start: float,
    *,
    prompt_tokens: int,
    fault: Fault | None,
) -> None:
    """Mercury ``diffusing``: whole-text snapshots that refine until the last is the answer."""
    loop = asyncio.get_running_loop()
    tokens = reply.tokens[reply.reasoning :]
    total = len(tokens)
    steps = max(2, min(16, total // 8))
    span = (total - 1) / pace.rate if total > 1 else 0.0
    for step in range(1, steps + 1):
        if fault is not None and step == 2:
            carry_on = await _strike(fault, body, wire)
            fault = None
            if not carry_on:
                await body.end()
                return
        await sleep_until(loop, start + pace.ttft_s + span * (step - 1) / (steps - 1))
        if body.closed:
            return
        body.write(wire.snapshot(noisy_text(tokens, step, steps), first=step == 1))
        await body.flush()
    counts = _counts(reply, len(reply.tokens), prompt_tokens, pace)
    body.write("".join(wire.closing(reply.finish_reason, counts)))
    await body.end()


def noisy_text(tokens: list[str], step: int, steps: int) -> str:
    """The answer at diffusion ``step`` of ``steps``: later steps settle more tokens."""
    if step >= steps:
        return "".join(tokens)
    out: list[str] = []
    for i, token in enumerate(tokens):
        if (i * 2654435761) % steps < step or token.isspace():
            out.append(token)
        else:
            out.append(" x" if token.startswith(" ") else "x")
    return "".join(out)
