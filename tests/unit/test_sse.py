"""The event-stream decoder (redline/backends/_sse.py) against httpx-sse's, the one it replaced:
the same events, whatever the network's chunking, on bodies with every line ending, comments,
multi-line data, names, ids, retries, a "\\r" cut from its "\\n", and a last event without its
blank line."""

from __future__ import annotations

import random

from httpx_sse._decoders import SSEDecoder, SSELineDecoder

from redline.backends._sse import SseDecoder

BODIES = [
    'data: {"a":1}\n\ndata: {"b":2}\n\ndata: [DONE]\n\n',
    'event: response.output_text.delta\r\ndata: {"delta":"hi"}\r\n\r\n: keep-alive\r\n\r\n',
    "data: line one\ndata: line two\n\ndata:no-space\n\ndata:  two spaces\n\n",
    "id: 7\nretry: 100\ndata: x\n\nid: 8\0bad\ndata: y\n\nretry: soon\n\n\n\ndata: z\n\n",
    "event: a\n\ndata: after an empty event\n\nevent: b\ndata: named\n\n",
    "\rdata: cr only\r\rdata: mixed\r\n\ndata: tail without its blank line",
    ":comment only\n\n: another\ndata: é ü 中文 \U0001f600\n\n",
    "data\n\ndata:\n\nfield-without-colon\ndata: kept\n\nunknown: x\ndata: ok\n\n",
]


def _reference(chunks: list[str]) -> list[tuple[str, str]]:
    lines_decoder, decoder = SSELineDecoder(), SSEDecoder()
    out = []
    lines = [line for chunk in chunks for line in lines_decoder.decode(chunk)]
    lines += lines_decoder.flush()
    for line in lines:
        sse = decoder.decode(line.rstrip("\n"))
        if sse is not None and sse.data:
            out.append((sse.event, sse.data))
    return out


def _ours(chunks: list[str]) -> list[tuple[str, str]]:
    decoder = SseDecoder()
    return [(e, d) for chunk in chunks for e, d in decoder.feed(chunk) if d]


def _chunked(body: str, rng: random.Random) -> list[str]:
    cuts = sorted(rng.sample(range(1, len(body)), k=min(len(body) - 1, rng.randint(0, 12))))
    return [body[a:b] for a, b in zip([0, *cuts], [*cuts, len(body)], strict=True) if body[a:b]]


def test_every_chunking_gives_the_events_httpx_sse_gives() -> None:
    rng = random.Random(1234)
    for body in BODIES:
        whole = _reference([body])
        assert whole, body  # each body carries events
        assert _ours([body]) == whole
        assert _ours(list(body)) == _reference(list(body))  # a character at a time
        for _ in range(200):
            chunks = _chunked(body, rng)
            assert _ours(chunks) == _reference(chunks) == whole, chunks


def test_a_chunk_hands_over_all_its_events_at_once() -> None:
    decoder = SseDecoder()
    assert decoder.feed("data: 1\n\ndata: 2\n\ndata: 3") == [("message", "1"), ("message", "2")]
    assert decoder.feed("\n\n") == [("message", "3")]
    assert decoder.feed("data: half") == []
    assert decoder.feed("\r") == []
    assert decoder.feed("\n\r\n") == [
        ("message", "half")
    ]  # the "\n" after a cut "\r" is not a line
