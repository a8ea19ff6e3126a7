"""The turn engine with the seed providers: affinity per session, provider warnings as notices."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from redline.agent import AgentMessage, Notice, Session
from redline.backends.client import StreamClient
from redline.backends.presets import PRESETS
from redline.backends.selection import Backend
from tests.helpers_client import LoopbackServer, sse_reply, stream_fixture


def baseten_at(url: str):
    async def open_backend(provider: str | None, model: str | None, base_url: str | None):
        preset = dataclasses.replace(PRESETS["baseten"], base_url=url)
        client = StreamClient(preset, api_key="fake-key-for-tests")
        return Backend("baseten", preset, "moonshotai/Kimi-K2.5", client, "a test")

    return open_backend


async def test_every_turn_of_a_session_shares_one_affinity_id(tmp_path: Path):
    routes = {"/v1/chat/completions": sse_reply(stream_fixture("baseten_chat.sse"))}
    with LoopbackServer(routes) as srv:  # type: ignore[arg-type]
        session = Session(repo_root=tmp_path, open_backend=baseten_at(srv.url))
        await session.open_backend(None, None, None)
        await session.run_turn("one")
        await session.run_turn("two")
        session.clear()
        await session.run_turn("three")
        await session.aclose()
        ids = [s.headers.get("x-session-affinity") for s in srv.seen]
        other = Session(repo_root=tmp_path, open_backend=baseten_at(srv.url))
    assert ids[0] and ids[0] == ids[1]
    assert ids[2] and ids[2] != ids[0]  # /clear starts afresh
    assert other.conversation.session_id not in ids  # a new session, a new id


async def test_a_provider_warning_reaches_the_person_and_the_turn(tmp_path: Path):
    routes = {"/v1/chat/completions": sse_reply(stream_fixture("mercury2_reasoning_summary.sse"))}
    got: list[AgentMessage] = []
    with LoopbackServer(routes) as srv:  # type: ignore[arg-type]
        session = Session(repo_root=tmp_path, open_backend=baseten_at(srv.url))
        await session.open_backend(None, None, None)
        turn = await session.run_turn("hi", got.append)
        await session.aclose()
    notices = [m for m in got if isinstance(m, Notice) and m.severity == "warning"]
    assert len(notices) == 1 and "temperature 1.8" in notices[0].text
    assert turn is not None and turn.finished
