"""`/compact` and the context-window warning over real loopback sockets: the session, then the
app (Pilot) with the simulator, a failing server and a slow one."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from redline.agent import Session
from redline.agent.compaction import CompactError
from redline.agent.store import SessionStore
from redline.backends.sim import SimServer
from tests.helpers_tui import SIZE, make_app, settle, wait_until
from tests.integration.test_agent_loop import opener


def named(urls: dict[str, str], default: str, wire: str = "chat"):
    """Opens the server of ``urls[provider]`` (``default`` for the first backend)."""

    async def open_backend(provider: str | None, model: str | None, base_url: str | None):
        return await opener(urls.get(provider or "", default), wire)(provider, model, base_url)

    return open_backend


async def session_with_turns(
    url: str,
    repo: Path,
    store: SessionStore,
    wire: str = "chat",
    urls: dict[str, str] | None = None,
):
    session = Session(
        repo_root=repo, open_backend=named(urls or {}, url, wire), store=store, tools=False
    )
    await session.open_backend(None, None, None)
    for prompt in ("add a greet function", "make it polite", "now add tests"):
        turn = await session.run_turn(prompt)
        assert turn is not None and turn.finished
    return session


class TestCompactSession:
    @pytest.mark.parametrize("wire", ["chat", "responses"])
    async def test_older_turns_are_sent_as_a_summary_and_kept_in_the_file(
        self, tmp_path: Path, wire: str
    ):
        store = SessionStore(tmp_path / "sessions")
        async with SimServer(rate=1_000_000, ttft_ms=0) as sim:
            session = await session_with_turns(sim.base_url, tmp_path, store, wire)
            progress: list[int] = []
            done = await session.compact(progress.append)
            assert done is not None and done.problem is None
            assert done.turns == 2 and "add a greet function" in done.summary
            assert done.after_tokens < done.before_tokens
            assert (progress and progress[-1] == len(done.summary)) or progress[-1] >= len(
                done.summary
            )
            turn = await session.run_turn("and a docstring")
            await session.aclose()
        assert turn is not None and turn.finished
        assert session.turn_loop is not None
        sent = session.turn_loop.last_requests[0].messages
        assert "add a greet function" not in sent[1].content.split("Simulated summary")[0]
        assert "Simulated summary" in sent[1].content  # the summary, not the old turns
        assert sent[3].content == "now add tests"  # the newest older turn, whole
        loaded = store.load("last", tmp_path)
        assert loaded.info.turns == 4  # every turn is still in the file
        assert loaded.conversation.summarized == 2
        assert loaded.conversation.history()[:2] == list(sent[1:3])

    async def test_a_failing_backend_is_one_sentence_and_nothing_changes(self, tmp_path: Path):
        store = SessionStore(tmp_path / "sessions")
        async with SimServer(rate=1_000_000, ttft_ms=0) as sim:
            broken = {"broken": sim.base_url.replace("/v1", "/fault/500/v1")}
            session = await session_with_turns(sim.base_url, tmp_path, store, urls=broken)
            file_before = (store.root / f"{session.session_id}.jsonl").read_bytes()
            await session.open_backend("broken", None, None)
            with pytest.raises(CompactError) as failed:
                await session.compact()
            await session.aclose()
        assert "500" in str(failed.value) or "server" in str(failed.value).lower()
        assert "\n" not in str(failed.value)
        assert session.conversation.summarized == 0 and session.conversation.summary == ""
        assert (store.root / f"{session.session_id}.jsonl").read_bytes() == file_before

    async def test_interrupt_stops_it_and_nothing_changes(self, tmp_path: Path):
        async with (
            SimServer(rate=1_000_000, ttft_ms=0) as fast,
            SimServer(rate=1_000_000, ttft_ms=60_000) as slow,
        ):
            session = await session_with_turns(
                fast.base_url, tmp_path, SessionStore(tmp_path), urls={"slow": slow.base_url}
            )
            await session.open_backend("slow", None, None)
            task = asyncio.create_task(session.compact())
            while not session.compacting:
                await asyncio.sleep(0.01)
            assert session.turn_running  # prompts wait while it runs
            session.interrupt()
            assert await task is None
            await session.aclose()
        assert not session.compacting and session.conversation.summarized == 0


def _notes(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


class TestCompactInTheApp:
    async def test_a_warning_near_the_window_then_compact_makes_room(self, tmp_path: Path):
        store = SessionStore(tmp_path / "sessions")
        app = make_app(provider="sim", sessions=store, repo_root=tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            app.session.context_windows = {app.session.backend.model: 2_600}
            await pilot.press(*"add a greet function", "enter")
            await settle(pilot)
            assert not any("context window" in n for n in _notes(app))
            await pilot.press(*"make it polite", "enter")
            await settle(pilot)
            [warning] = [n for n in _notes(app) if "context window" in n]
            assert "/compact summarises the older turns" in warning
            assert "/compact" in app.main.activity()
            await pilot.press(*"/compact", "enter")
            await wait_until(pilot, lambda: any("Compacted" in n for n in _notes(app)))
            await settle(pilot)
            assert app.session.conversation.summarized == 1
            assert app.transcript.turn_count == 2  # the transcript keeps every turn
            assert "/compact" not in app.main.activity()

    async def test_esc_stops_compacting_and_a_failure_is_one_sentence(self, tmp_path: Path):
        async with (
            SimServer(rate=1_000_000, ttft_ms=0) as fast,
            SimServer(rate=1_000_000, ttft_ms=60_000) as slow,
        ):
            urls = {"slow": slow.base_url, "broken": fast.base_url.replace("/v1", "/fault/500/v1")}

            async def open_backend(provider, model, base_url):
                return await opener(urls.get(provider or "", fast.base_url))(
                    provider, model, base_url
                )

            app = make_app(provider=None, open_backend=open_backend, repo_root=tmp_path)
            async with app.run_test(size=SIZE) as pilot:
                await settle(pilot)
                for prompt in ("one", "two"):
                    await pilot.press(*prompt, "enter")
                    await settle(pilot)
                app.switch_backend("slow")
                await wait_until(pilot, lambda: app.session.backend.name == "slow")
                await pilot.press(*"/compact", "enter")
                await wait_until(pilot, lambda: app.session.compacting)
                assert "compacting older turns" in app.main.activity()
                await pilot.press("escape")
                await wait_until(pilot, lambda: not app.session.compacting)
                await wait_until(pilot, lambda: any("Compacting stopped" in n for n in _notes(app)))
                assert app.session.conversation.summarized == 0
                app.switch_backend("broken")
                await wait_until(pilot, lambda: app.session.backend.name == "broken")
                await pilot.press(*"/compact", "enter")
                await wait_until(pilot, lambda: any("Could not compact" in n for n in _notes(app)))
                [said] = [n for n in _notes(app) if "Could not compact" in n]
                assert said.endswith("; the conversation is unchanged.")
                assert app.session.conversation.summarized == 0
                assert [t.prompt for t in app.session.conversation.turns] == ["one", "two"]
