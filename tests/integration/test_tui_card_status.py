"""Cards say what became of an edit (applied, discarded, undone, denied), in place; a turn that
ends with edits waiting says which in its last line; a resumed session shows the outcome."""

from __future__ import annotations

from pathlib import Path

from redline.agent.store import SessionStore
from redline.backends.sim import SimServer
from redline.tui.screens.diff_view import DiffView
from tests.helpers_edits import make_repo
from tests.helpers_repo import alpha_repo, served_app
from tests.helpers_tui import make_app, settle, wait_until

SIZE = (100, 60)


def _lines(app) -> list[str]:
    app.transcript.flush()
    return app.transcript.lines_text()


def _card(app) -> str:
    return next(line for line in _lines(app) if "a.txt  +1 -1" in line)


def _last_line(app) -> str:
    return [line for line in _lines(app) if line.strip()][-1]


async def _answered(pilot, prompt: str) -> None:
    await pilot.press(*prompt, "enter")
    await wait_until(pilot, lambda: bool(pilot.app.session.conversation.turns))
    await settle(pilot)


async def test_f2_marks_the_card_applied_and_undo_marks_it_undone(tmp_path: Path):
    repo = alpha_repo(tmp_path)
    notes: list[str] = []
    async with served_app(repo, notes) as (app, _), app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _answered(pilot, "shout")
        assert "proposed" in _card(app)
        assert "a.txt +1 -1 · f2 apply · f3 discard · /diff" in _last_line(app)
        await pilot.press(*"/diff", "enter")  # what f2 would apply, before it is applied
        await wait_until(pilot, lambda: isinstance(app.screen, DiffView))
        assert "+ALPHA" in app.screen.diff and "waiting" in app.screen.title_text  # type: ignore[attr-defined]
        await pilot.press("escape")
        await pilot.press("f2")
        await wait_until(pilot, lambda: any("Committed" in n for n in notes), timeout=20)
        await pilot.pause()
        assert "applied" in _card(app) and "proposed" not in _card(app)
        assert "✓ applied a.txt +1 -1 · commit" in _last_line(app)
        await pilot.press(*"/undo", "enter")
        await wait_until(pilot, lambda: any(n.startswith("undid") for n in notes), timeout=20)
        await pilot.pause()
        assert "undone" in _card(app)
        assert "↺ undone a.txt +1 -1" in _last_line(app)


async def test_f3_marks_the_card_discarded_and_a_resumed_session_shows_it(tmp_path: Path):
    repo = alpha_repo(tmp_path)
    store = SessionStore(tmp_path / "sessions")
    async with served_app(repo, sessions=store) as (app, server):
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await _answered(pilot, "shout")
            await pilot.press("f3")
            await wait_until(pilot, lambda: "discarded" in _card(app))
            assert "✗ discarded a.txt +1 -1" in _last_line(app)
            await _answered(pilot, "again")
            await pilot.press("f2")
            turns = app.session.conversation.turns
            await wait_until(pilot, lambda: turns[-1].edit_status == "applied", timeout=20)
            await app.workers.wait_for_complete()
            await pilot.pause(0.2)
        [info] = store.list()
        loaded = store.load(info.id)
        assert [t.edit_status for t in loaded.conversation.turns] == ["discarded", "applied"]
        assert loaded.conversation.turns[1].commit == turns[1].commit
        again = make_app(provider=None, base_url=server.url, repo_root=repo, resumed=loaded)
        async with again.run_test(size=SIZE) as pilot:
            await settle(pilot)
            text = "\n".join(_lines(again))
            assert "✗ discarded a.txt +1 -1" in text
            assert "✓ applied a.txt +1 -1 · commit" in text


async def test_an_agent_patch_card_reads_applied_or_denied(tmp_path: Path):
    repo = make_repo(tmp_path / "repo", {"app.py": "def total(xs):\n    return sum(xs)\n"})
    async with SimServer(rate=20000, ttft_ms=0) as sim:
        app = make_app(provider=None, base_url=sim.base_url, repo_root=repo, tools=True)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press(*"tidy app.py", "enter")
            await wait_until(pilot, lambda: app.main.query_one("ApprovalCard").waiting)
            await pilot.press("n")
            await settle(pilot)
            cards = [line for line in _lines(app) if "app.py  +" in line]
            assert cards and all("denied" in line for line in cards), cards
