"""The turn loop over real sockets: events, meter, history, switching, context, cancellation."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from redline.agent import BuiltContext, Conversation, TurnLoop
from redline.backends.client import StreamClient
from redline.backends.events import Event, Finished, TextDelta
from redline.backends.presets import ProviderPreset
from redline.backends.selection import Backend
from tests.helpers_client import LoopbackServer, Reply, chat_chunk, sse_reply, stream_fixture


def backend_for(url: str, name: str = "t", model: str = "m") -> Backend:
    preset = ProviderPreset(name, url, None)
    return Backend(name, preset, model, StreamClient(preset), f"--provider {name}")


def chat_route(name: str = "cerebras_chat.sse") -> dict[str, object]:
    return {"/v1/chat/completions": sse_reply(stream_fixture(name), split=40)}


async def test_a_turn_collects_text_reasoning_and_the_reading():
    got: list[Event] = []
    with LoopbackServer(chat_route()) as srv:  # type: ignore[arg-type]
        backend = backend_for(srv.url)
        loop = TurnLoop(backend, Conversation())
        turn = await loop.run("add", sink=got.append)
        await backend.client.aclose()
    assert turn.text.startswith("Here is the fix:") and turn.reasoning.startswith("The user")
    assert turn.finish_reason == "stop" and turn.error is None and not turn.interrupted
    assert (
        turn.reading is not None and turn.reading.output_tokens == 27 and turn.reading.tokens_exact
    )
    assert got[-1] == Finished("stop") and loop.meter is not None
    assert loop.conversation.turns == [turn]


async def test_switching_backend_resends_the_history():
    with (
        LoopbackServer(chat_route()) as a,
        LoopbackServer(chat_route("openai_chat_usage.sse")) as b,
    ):  # type: ignore[arg-type]
        first, second = backend_for(a.url, "a", "m1"), backend_for(b.url, "b", "m2")
        loop = TurnLoop(first, Conversation())
        one = await loop.run("first question")
        loop.backend = second
        two = await loop.run("second question")
        await first.client.aclose()
        await second.client.aclose()
        sent = b.seen[-1].json()
    assert (one.provider, two.provider, two.model) == ("a", "b", "m2")
    roles = [(m["role"], m["content"][:15]) for m in sent["messages"]]
    assert roles[1:] == [
        ("user", "first question"),
        ("assistant", one.text[:15]),
        ("user", "second question"),
    ]
    assert sent["model"] == "m2"


async def test_context_goes_before_the_prompt():
    class Context:
        def __init__(self) -> None:
            self.asked: list[str] = []

        def build(self, prompt: str, conversation: Conversation) -> BuiltContext:
            self.asked.append(prompt)
            return BuiltContext("src/a.py\n```python\nx = 1\n```\n")

    context = Context()
    with LoopbackServer(chat_route()) as srv:  # type: ignore[arg-type]
        backend = backend_for(srv.url)
        loop = TurnLoop(backend, Conversation(), context=context, edit_format="udiff")
        await loop.run("change x")
        await backend.client.aclose()
        messages = srv.seen[-1].json()["messages"]
    assert context.asked == ["change x"]
    assert messages[-1]["content"] == "src/a.py\n```python\nx = 1\n```\n\nchange x"
    assert "Edit format: udiff" in messages[0]["content"]
    assert loop.last_context.startswith("src/a.py")


async def test_cancel_marks_interrupted_and_keeps_partial_text():
    stall = Reply(chunks=[chat_chunk("par"), chat_chunk("tial")], delay_s=0.01, stall_s=10)
    with LoopbackServer({"/v1/chat/completions": stall}) as srv:
        backend = backend_for(srv.url)
        conversation = Conversation()
        loop = TurnLoop(backend, conversation)
        seen = asyncio.Event()
        texts: list[str] = []

        def sink(event: Event) -> None:
            if isinstance(event, TextDelta):
                texts.append(event.text)
                if len(texts) == 2:
                    seen.set()

        task = asyncio.create_task(loop.run("go", sink=sink))
        await asyncio.wait_for(seen.wait(), 5)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        for _ in range(100):
            if srv.closed_at:
                break
            await asyncio.sleep(0.01)
        await backend.client.aclose()
        assert srv.closed_at
    (turn,) = conversation.turns
    assert turn.interrupted and turn.text == "partial" and turn.error is None
    assert turn.reading is not None and turn.reading.finished


def test_turn_is_a_plain_value():
    assert dataclasses.is_dataclass(Conversation())


async def test_a_failing_stream_becomes_an_error_not_a_traceback():
    class Broken:
        model = "m"

        async def stream(self, request: object):
            yield TextDelta("half")
            raise RuntimeError("boom")

    backend = Backend("t", ProviderPreset("t", "", None), "m", Broken(), "test")  # type: ignore[arg-type]
    got: list[Event] = []
    turn = await TurnLoop(backend, Conversation()).run("x", sink=got.append)
    assert (
        turn.text == "half"
        and turn.error is not None
        and "RuntimeError: boom" in turn.error.message
    )
    assert got[-1] == turn.error


@pytest.mark.parametrize(
    "fmt, kinds", [("search-replace", ["search-replace"]), ("whole", ["whole", "search-replace"])]
)
async def test_the_turns_edit_format_decides_whether_a_quoted_file_is_an_edit(fmt, kinds):
    # A quoted file (redline's own context shape) beside a real edit: a whole-file edit only
    # when the turn asked for whole files.
    text = (
        "calc.py\n```python\ndef add(a, b):\n    return a + b\n```\n\n"
        "calc.py\n```python\n<<<<<<< SEARCH\n    return a + b\n=======\n    return b + a\n"
        ">>>>>>> REPLACE\n```\n"
    )
    pieces = [text[i : i + 7] for i in range(0, len(text), 7)]
    body = b"".join(chat_chunk(p) for p in pieces) + b"data: [DONE]\n\n"
    route = {"/v1/chat/completions": sse_reply(body, split=50)}
    with LoopbackServer(route) as srv:  # type: ignore[arg-type]
        backend = backend_for(srv.url)
        turn = await TurnLoop(backend, Conversation(), edit_format=fmt).run("swap")
        await backend.client.aclose()
    assert turn.edit_format == fmt
    assert [b.kind.value for b in turn.edits] == kinds
