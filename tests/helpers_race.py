"""Scripted backends for race tests: each lane streams a fixed answer, optionally holding mid-way."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator

from redline.backends.events import Event, Finished, TextDelta, Usage
from redline.backends.presets import ProviderPreset
from redline.backends.request import ChatRequest
from redline.backends.selection import Backend


class ScriptedClient:
    """Streams ``chunks`` (one loop turn apart), then usage and the finish; ``hold_after``
    chunks in, it waits until ``release`` is set (a lane caught mid-stream). ``gates``: before
    chunk ``i`` it waits for ``gates[i]`` (a test's way to fix the order lanes start or end)."""

    def __init__(
        self,
        chunks: list[str],
        hold_after: int | None = None,
        gates: dict[int, asyncio.Event] | None = None,
    ) -> None:
        self.chunks = chunks
        self.hold_after = hold_after
        self.gates = gates or {}
        self.release = asyncio.Event()
        self.held = asyncio.Event()  # set once the stream waits at ``hold_after``
        self.requests: list[ChatRequest] = []

    async def stream(self, request: ChatRequest) -> AsyncGenerator[Event, None]:
        self.requests.append(request)
        for i, chunk in enumerate(self.chunks):
            if self.hold_after is not None and i == self.hold_after:
                self.held.set()
                await self.release.wait()
            if i in self.gates:
                await self.gates[i].wait()
            await asyncio.sleep(0)
            yield TextDelta(chunk)
        words = sum(len(c.split()) for c in self.chunks)
        yield Usage(prompt_tokens=1200, completion_tokens=words)
        yield Finished("stop")

    async def list_models(self) -> list[str]:
        return []

    async def aclose(self) -> None:
        return None


def scripted_backend(name: str, model: str, client: ScriptedClient) -> Backend:
    preset = ProviderPreset(name.split(":")[0], "http://127.0.0.1:9/v1", None)
    return Backend(name, preset, model, client, "scripted")  # type: ignore[arg-type]


def answer(words: int, title: str) -> list[str]:
    """A Markdown answer of about ``words`` words, one word a chunk."""
    body = [f"## {title}\n\n"]
    body += [f"word{i} " for i in range(words)]
    body.append("\n\n```python\ndef add(a, b):\n    return a + b\n```\n")
    return body
