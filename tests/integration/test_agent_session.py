"""The agent session over real loopback sockets: what it emits, the edits it finds, review."""

from __future__ import annotations

import asyncio
from pathlib import Path

from redline.agent import (
    AgentMessage,
    EditProposed,
    Notice,
    Session,
    TurnFinished,
    TurnStarted,
)
from redline.backends.client import StreamClient
from redline.backends.events import Finished, TextDelta
from redline.backends.presets import ProviderPreset
from redline.backends.selection import Backend
from tests.helpers_client import LoopbackServer, chat_chunk, sse_reply
from tests.helpers_edits import make_repo

REPLY = "Here:\n\na.txt\n```\n<<<<<<< SEARCH\nalpha\n=======\nALPHA\n>>>>>>> REPLACE\n```\n"
END = b'data: {"choices":[{"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n'


def reply_route(text: str) -> dict[str, object]:
    body = b"".join(chat_chunk(text[i : i + 9]) for i in range(0, len(text), 9)) + END
    return {"/v1/chat/completions": sse_reply(body, split=30)}


def opener_for(url: str):
    async def open_backend(provider: str | None, model: str | None, base_url: str | None):
        preset = ProviderPreset(provider or "t", url, None)
        return Backend(preset.name, preset, model or "m", StreamClient(preset), "a test")

    return open_backend


async def test_a_turn_emits_start_stream_edits_and_finish_in_order(tmp_path: Path):
    repo = make_repo(tmp_path / "repo", {"a.txt": "alpha\nbeta\n"})
    got: list[AgentMessage] = []
    with LoopbackServer(reply_route(REPLY)) as srv:  # type: ignore[arg-type]
        session = Session(repo_root=repo, open_backend=opener_for(srv.url))
        await session.open_backend(None, None, None)
        turn = await session.run_turn("make alpha loud", got.append)
        await session.aclose()
    assert turn is not None and turn.text == REPLY and turn.finished
    kinds = [type(m) for m in got]
    assert kinds[0] is TurnStarted and kinds[-1] is TurnFinished
    assert kinds.index(EditProposed) < kinds.index(Finished)  # while the answer streams
    assert "".join(m.text for m in got if isinstance(m, TextDelta)) == REPLY
    [proposed] = [m for m in got if isinstance(m, EditProposed)]
    assert turn.edits == [proposed.block] and proposed.block.path == "a.txt"
    assert session.review.waiting is turn  # the edits wait for apply or discard


async def test_applying_the_reviewed_edits_commits_and_undo_takes_them_back(tmp_path: Path):
    repo = make_repo(tmp_path / "repo", {"a.txt": "alpha\nbeta\n"})
    with LoopbackServer(reply_route(REPLY)) as srv:  # type: ignore[arg-type]
        session = Session(repo_root=repo, open_backend=opener_for(srv.url))
        await session.open_backend(None, None, None)
        await session.run_turn("make alpha loud")
        await session.aclose()
    notice = await session.review.apply()
    assert notice is not None and notice.text.startswith("Committed ")
    assert (repo / "a.txt").read_text() == "ALPHA\nbeta\n"
    assert session.review.waiting is None
    undone = await session.review.undo()
    assert undone.severity == "information" and (repo / "a.txt").read_text() == "alpha\nbeta\n"


async def test_without_a_backend_the_turn_says_why(tmp_path: Path):
    async def failing(provider: str | None, model: str | None, base_url: str | None):
        raise RuntimeError("CEREBRAS_API_KEY is not set.")

    session = Session(repo_root=tmp_path, open_backend=failing)
    change = await session.open_backend("cerebras", None, None)
    assert change.error == "CEREBRAS_API_KEY is not set." and change.kept is None
    got: list[AgentMessage] = []
    turn = await session.run_turn("hello", got.append)
    assert turn is not None and turn.error is not None
    assert turn.error.kind == "config" and "CEREBRAS_API_KEY" in turn.error.message
    assert [type(m) for m in got] == [TurnStarted, TurnFinished]


async def test_interrupting_keeps_the_partial_answer(tmp_path: Path):
    from redline.backends.sim import SimServer

    sim = SimServer(rate=60, ttft_ms=0)
    url = await sim.start()
    try:
        session = Session(repo_root=tmp_path, open_backend=opener_for(url))
        await session.open_backend(None, None, None)
        texts: list[str] = []

        def emit(message: AgentMessage) -> None:
            if isinstance(message, TextDelta):
                texts.append(message.text)

        task = session.start_turn("explain", emit)
        assert session.turn_running
        while len(texts) < 3:
            await asyncio.sleep(0.01)
        session.interrupt()
        turn = await session.finish_turn(task, emit)
        await session.aclose()
    finally:
        await sim.stop()
    assert turn is not None and turn.interrupted and turn.text == "".join(texts)
    assert not session.turn_running and session.review.waiting is None


async def test_a_context_problem_is_a_notice_not_a_failed_turn(tmp_path: Path):
    from redline.tools.context import ContextSet

    repo = make_repo(tmp_path / "repo", {"a.txt": "alpha\n"})
    got: list[AgentMessage] = []
    with LoopbackServer(reply_route("fine")) as srv:  # type: ignore[arg-type]
        session = Session(
            repo_root=repo,
            open_backend=opener_for(srv.url),
            context_set=ContextSet(repo, cache_dir=tmp_path / "cache"),
        )
        await session.open_backend(None, None, None)
        turn = await session.run_turn("look at @nothere.py", got.append)
        await session.aclose()
    assert turn is not None and turn.finished and turn.text == "fine"
    assert any(isinstance(m, Notice) and "nothere" in m.text for m in got)
