"""The person's own commands in the real app: `!cmd`, `/test`, `/fix`, esc; and their cards."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from redline.config import load_config
from redline.tui.widgets.command_card import CommandCard
from tests.helpers_edits import commit_all, make_repo
from tests.helpers_tui import SIZE, RecordingServer, make_app, settle, wait_until


def _repo(tmp_path: Path) -> Path:
    repo = make_repo(tmp_path / "repo", {"calc.py": "def add(a, b):\n    return a - b\n"})
    commit_all(repo, "start")
    return repo


async def _config(tmp_path: Path, url: str, extra: str = "") -> Any:
    path = tmp_path / "config.toml"
    path.write_text(f'{extra}[providers.rec]\nbase_url = "{url}"\ndefault_model = "m"\n')
    return load_config(None, user_path=path)


def _card_text(app: Any) -> str:
    card = app.query_one(CommandCard)
    lines = app.console.render_lines(card.card(), app.console.options.update_width(100))
    return "\n".join("".join(segment.text for segment in line) for line in lines)


def _last_user_message(server: RecordingServer) -> str:
    messages = server.bodies[-1]["messages"]
    return str([m for m in messages if m["role"] == "user"][-1]["content"])


async def test_bang_runs_the_command_and_its_output_goes_with_the_next_message(
    tmp_path: Path, monkeypatch: Any
) -> None:
    repo = _repo(tmp_path)
    monkeypatch.setenv("CEREBRAS_API_KEY", "sk-fake-never-shown-0001")
    server = RecordingServer("thanks")
    config = await _config(tmp_path, await server.start())
    try:
        app = make_app(provider="rec", config=config, repo_root=repo)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press(*"!echo made > out.txt; printf 'one\\ntwo\\n'; env", "enter")
            await wait_until(pilot, lambda: app.session.own.shared != [])
            await settle(pilot)
            card = _card_text(app)
            assert "exit 0" in card and "two" in card and "sk-fake" not in card
            assert (repo / "out.txt").exists()  # the person's command is not sandboxed
            await pilot.press(*"what now", "enter")
            await wait_until(pilot, lambda: bool(server.bodies))
            sent = _last_user_message(server)
            assert "printf 'one\\ntwo\\n'" in sent and "one\ntwo" in sent
            assert "sk-fake" not in sent and sent.rstrip().endswith("what now")
            await wait_until(pilot, lambda: not app.session.turn_running)
            assert not app.query_one(CommandCard).shown
            await pilot.press(*"and again", "enter")
            await wait_until(pilot, lambda: len(server.bodies) == 2)
            assert "one\ntwo" not in _last_user_message(server)  # only the next message
    finally:
        await server.stop()


async def test_a_failing_test_run_goes_back_with_fix(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    server = RecordingServer("fixed")
    extra = "test_command = \"echo 'FAILED test_add: assert -1 == 3'; exit 1\"\n"
    config = await _config(tmp_path, await server.start(), extra)
    try:
        app = make_app(provider="rec", config=config, repo_root=repo)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await wait_until(pilot, lambda: app.slash.get("test") is not None)
            app.run_slash_text("/test")
            await wait_until(pilot, lambda: app.session.own.last_failed is not None)
            await settle(pilot)
            assert "exit 1" in _card_text(app) and "/fix" in _card_text(app)
            app.run_slash_text("/fix")
            await wait_until(pilot, lambda: bool(server.bodies))
            sent = _last_user_message(server)
            assert sent.count("assert -1 == 3") >= 1 and "tests fail" in sent
    finally:
        await server.stop()


async def test_no_test_command_says_what_to_set(tmp_path: Path) -> None:
    app = make_app(provider="sim", repo_root=_repo(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await wait_until(pilot, lambda: app.slash.get("test") is not None)
        app.run_slash_text("/test")
        await settle(pilot)
        assert any("test_command" in str(n.message) for n in app._notifications)


async def test_esc_kills_the_running_command(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    app = make_app(provider="sim", repo_root=repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*"!echo started; sleep 5; touch late", "enter")
        await wait_until(pilot, lambda: "started" in _card_text(app))
        assert "running" in _card_text(app) and "esc stops it" in _card_text(app)
        await pilot.press("escape")
        await wait_until(pilot, lambda: not app.session.own.running)
        await settle(pilot)
        assert "cancelled" in _card_text(app)
    assert not (repo / "late").exists()


async def test_a_bare_bang_explains_itself(tmp_path: Path) -> None:
    app = make_app(provider="sim", repo_root=_repo(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("!", "enter")
        await settle(pilot)
        assert any("after !" in str(n.message) for n in app._notifications)
        assert not app.query_one(CommandCard).shown


async def test_hiding_a_hidden_card_asks_for_no_layout() -> None:
    """Each turn's start hides the card: when it is hidden already, no layout pass (the
    request and the first text would wait for it)."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        card = app.query_one(CommandCard)
        assert not card.shown
        card.hide()
        assert not card._layout_required and not app.screen._layout_required
        card.start("echo hi")
        card.hide()
        assert not card.shown and card._layout_required  # a shown card goes: laid out again


async def test_a_turns_end_asks_no_layout_of_the_idle_cards_and_panels() -> None:
    """Each turn's end drops the approvals and redraws the queue: with nothing waiting and
    nothing queued, nothing is laid out again."""
    from redline.tui.widgets.approval_card import ApprovalCard
    from redline.tui.widgets.queue_panel import QueuePanel

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.main.drop_approvals()
        app.queue_changed()
        card, panel = app.query_one(ApprovalCard), app.query_one(QueuePanel)
        assert not (card._layout_required or panel._layout_required)
        panel.show_queue(["later"])
        assert panel.display and panel._layout_required  # a queue to show: laid out
