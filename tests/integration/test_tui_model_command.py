"""A model's command in the real app over loopback: its output streams into the command card
while it runs (gated on a FIFO the test holds: no sleeps), the turn's time split appears only once
the turn has ended, and esc kills it, keeping what the turn did."""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path
from typing import Any

from redline.backends.sim import SimServer
from redline.tui.widgets.command_card import CommandCard
from tests.helpers_edits import commit_all, git, make_repo
from tests.helpers_tui import SIZE, make_app, settle, wait_until

APP = "def total(xs):\n    return sum(xs)\n"
CHECK = "printf 'checking\\n'\nread _ < gate\necho done > checked.txt\n"
LIVE_SPLIT = re.compile(r"\d+ steps · model [\d.]+ s · tools [\d.]+ s · redline [\d,]+ ms")


def _repo(tmp_path: Path) -> Path:
    repo = make_repo(tmp_path / "repo", {"app.py": APP, "check.sh": CHECK, ".gitignore": "gate\n"})
    commit_all(repo, "start")
    os.mkfifo(repo / "gate")
    return repo


def _open_gate(repo: Path) -> bool:
    try:
        fd = os.open(repo / "gate", os.O_WRONLY | os.O_NONBLOCK)
    except OSError:
        return False  # nobody reads it (any more)
    os.write(fd, b"go\n")
    os.close(fd)
    return True


def _card_text(card: CommandCard) -> str:
    return "\n".join(card._lines) + card._partial


async def _until_running(pilot: Any, repo: Path) -> CommandCard:
    app = pilot.app
    await settle(pilot)
    await pilot.press(*"tidy @app.py then run `sh check.sh`", "enter")
    card = app.query_one(CommandCard)
    await wait_until(pilot, lambda: card.shown and "checking" in _card_text(card))
    return card


async def test_the_command_streams_into_the_card_and_the_split_waits_for_the_end(tmp_path: Path):
    repo = _repo(tmp_path)
    async with SimServer(rate=20000, ttft_ms=0) as sim:
        app = make_app(
            provider=None, base_url=sim.base_url, repo_root=repo, tools=True, approval="full-auto"
        )
        async with app.run_test(size=SIZE) as pilot:
            card = await _until_running(pilot, repo)
            assert "the model's command · sandboxed" in str(card.card().title)  # type: ignore[attr-defined]
            assert app.session.turn_running
            view = app.transcript._turns[-1]
            view.poll_meter(0)  # a tick while tools have run and the command still runs
            view.refresh_footer()
            await pilot.pause()
            assert app.session.turn_running
            assert not any(LIVE_SPLIT.search(x) for x in app.transcript.lines_text())
            assert "steps ·" not in str(view.footer_renderable())
            # the live cost's earlier steps: every request of this turn before the running one
            earlier = app.session.earlier_steps()
            assert len(earlier) >= 2 and all(r.finished for r in earlier)
            try:
                await wait_until(pilot, lambda: _open_gate(repo))
                await wait_until(pilot, lambda: not app.session.turn_running)
            finally:
                _open_gate(repo)
            [turn] = app.session.conversation.turns
            assert [s.status for s in turn.steps] == ["ok"] * 4
            assert app.session.earlier_steps() == ()  # not counted into the next turn
            assert not card.shown  # the tool card took over
            lines = "\n".join(app.transcript.lines_text())
            assert "shell command=sh check.sh" in lines and "5 steps · model" in lines
            assert LIVE_SPLIT.search(lines)  # the turn is over: now it is shown
    assert sorted(git(repo, "show", "--name-only", "--format=", "HEAD").split()) == [
        "app.py",
        "checked.txt",
    ]


async def test_esc_kills_the_running_command_and_keeps_what_was_done(tmp_path: Path):
    repo = _repo(tmp_path)
    async with SimServer(rate=20000, ttft_ms=0) as sim:
        app = make_app(
            provider=None, base_url=sim.base_url, repo_root=repo, tools=True, approval="full-auto"
        )
        async with app.run_test(size=SIZE) as pilot:
            card = await _until_running(pilot, repo)
            try:
                await pilot.press("escape")
                await wait_until(pilot, lambda: not app.session.turn_running)
            finally:
                with contextlib.suppress(OSError):
                    _open_gate(repo)
            [turn] = app.session.conversation.turns
            assert turn.interrupted and not card.shown
            assert turn.commit is not None  # the patch it applied is kept, as one commit
    assert not (repo / "checked.txt").exists()  # killed before it got there
    assert "redline simulator" in git(repo, "show", "HEAD:app.py")
