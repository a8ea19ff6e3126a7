"""The agent in the real app over loopback: tool cards, the approval card, steering, modes."""

from __future__ import annotations

from pathlib import Path

from redline.backends.sim import SimServer
from redline.tui.widgets.approval_card import ApprovalCard
from redline.tui.widgets.prompt import PromptInput
from redline.tui.widgets.status_bar import StatusBar
from tests.helpers_edits import git, make_repo
from tests.helpers_tui import SIZE, make_app, settle, wait_until

APP = "def total(xs):\n    return sum(xs)\n"


def agent_app(repo: Path, url: str, **kw: object):
    return make_app(provider=None, base_url=url, repo_root=repo, tools=True, **kw)  # type: ignore[arg-type]


async def card_up(pilot, app) -> ApprovalCard:  # type: ignore[no-untyped-def]
    """Ask the simulator's agent for an edit; the approval card, once it waits."""
    await settle(pilot)
    await pilot.press(*"tidy app.py", "enter")
    card = app.query_one(ApprovalCard)
    await wait_until(pilot, lambda: card.waiting)
    return card


class TestApprovalCard:
    async def test_y_lets_the_edit_apply_as_one_commit(self, tmp_path: Path):
        repo = make_repo(tmp_path / "repo", {"app.py": APP})
        before = git(repo, "rev-parse", "HEAD").strip()
        async with SimServer(rate=20000, ttft_ms=0) as sim:
            app = agent_app(repo, sim.base_url)
            async with app.run_test(size=SIZE) as pilot:
                card = await card_up(pilot, app)
                assert app.focused is card
                assert card.request is not None
                assert card.request.summary == "apply_patch to app.py"
                await pilot.press("y")
                await wait_until(pilot, lambda: not app.session.turn_running)
                [turn] = app.session.conversation.turns
                assert [s.status for s in turn.steps] == ["ok", "ok", "ok"]
                assert turn.commit is not None
                assert isinstance(app.focused, PromptInput) and not card.waiting
                lines = "\n".join(app.transcript.lines_text())
                assert "read_file path=app.py" in lines and "apply_patch app.py" in lines
                assert "4 steps · model " in lines and " · redline " in lines  # the time split
        assert git(repo, "rev-parse", "HEAD~1").strip() == before

    async def test_diff_after_an_agent_edit_shows_what_the_session_changed(self, tmp_path: Path):
        from redline.tui.screens.diff_view import DiffView

        repo = make_repo(tmp_path / "repo", {"app.py": APP})
        async with SimServer(rate=20000, ttft_ms=0) as sim:
            app = agent_app(repo, sim.base_url, approval="full-auto")
            async with app.run_test(size=SIZE) as pilot:
                await settle(pilot)
                await pilot.press(*"tidy app.py", "enter")
                await wait_until(pilot, lambda: bool(app.session.conversation.turns))
                await settle(pilot)
                assert app.session.conversation.turns[0].commit is not None  # committed itself
                (repo / "app.py").write_text((repo / "app.py").read_text() + "# mine\n")
                await pilot.press(*"/diff", "enter")
                await wait_until(pilot, lambda: isinstance(app.screen, DiffView))
                view = app.screen
                assert isinstance(view, DiffView)
                assert view.title_text == "Changes in this session"
                assert "+# redline simulator" in view.diff  # the agent's commit
                assert "+# mine" in view.diff  # and what is not committed yet

    async def test_a_card_that_comes_up_while_typing_leaves_the_keys_to_the_draft(
        self, tmp_path: Path
    ):
        """The "n" of "then add mul" must not deny the call: a card that comes up while the person
        types waits until the draft is sent or cleared, and says so."""
        repo = make_repo(tmp_path / "repo", {"app.py": APP})
        async with SimServer(rate=20000, ttft_ms=0) as sim:
            app = agent_app(repo, sim.base_url)
            async with app.run_test(size=SIZE) as pilot:
                await settle(pilot)
                screen, prompt = app.main, app.query_one(PromptInput)
                ask = screen.ask

                def typing_when_asked(message):  # the person is mid-word as the card arrives
                    prompt.insert("the")
                    ask(message)

                screen.ask = typing_when_asked  # type: ignore[method-assign]
                await pilot.press(*"tidy app.py", "enter")
                card = app.query_one(ApprovalCard)
                await wait_until(pilot, lambda: card.waiting)
                await pilot.press(*"n add mul")
                await pilot.pause()
                assert prompt.text == "then add mul" and app.focused is prompt
                assert card.waiting and card.held_back and app.session.turn_running
                shown = "".join(strip.text for strip in card.render_lines(card.region.reset_offset))
                assert "your draft keeps the keys" in shown
                # the draft deleted: the card takes the keys
                await pilot.press(*["backspace"] * len(prompt.text))
                await wait_until(pilot, lambda: app.focused is card)
                assert not card.held_back
                await pilot.press("y")
                await wait_until(pilot, lambda: not app.session.turn_running)
                [turn] = app.session.conversation.turns
                assert turn.steps[-1].status == "ok" and turn.commit is not None

    async def test_n_denies_and_the_model_is_told(self, tmp_path: Path):
        repo = make_repo(tmp_path / "repo", {"app.py": APP})
        async with SimServer(rate=20000, ttft_ms=0) as sim:
            app = agent_app(repo, sim.base_url)
            async with app.run_test(size=SIZE) as pilot:
                await card_up(pilot, app)
                await pilot.press("n")
                await wait_until(pilot, lambda: not app.session.turn_running)
                [turn] = app.session.conversation.turns
                assert turn.steps[-1].status == "denied" and turn.commit is None
        assert "redline simulator" not in (repo / "app.py").read_text()

    async def test_esc_on_the_card_denies_and_stops_the_turn(self, tmp_path: Path):
        """n says no and the model goes on; esc says no and the turn stops there (as in Codex CLI
        and Claude Code), keeping the steps that finished."""
        repo = make_repo(tmp_path / "repo", {"app.py": APP})
        async with SimServer(rate=20000, ttft_ms=0) as sim:
            app = agent_app(repo, sim.base_url)
            async with app.run_test(size=SIZE) as pilot:
                card = await card_up(pilot, app)
                requests = sim.requests
                await pilot.press("escape")
                await wait_until(pilot, lambda: not app.session.turn_running)
                await settle(pilot)
                [turn] = app.session.conversation.turns
                assert turn.interrupted and turn.commit is None
                assert turn.steps[0].status == "ok"  # the read that finished is kept
                assert sim.requests == requests  # nothing more was asked of the model
                assert isinstance(app.focused, PromptInput) and not card.waiting
                assert "interrupted" in "\n".join(app.transcript.lines_text())
        assert "redline simulator" not in (repo / "app.py").read_text()


class TestModes:
    async def test_shift_tab_cycles_the_mode_shown_in_the_status_bar(self, tmp_path: Path):
        repo = make_repo(tmp_path / "repo", {"app.py": APP})
        async with SimServer(rate=20000, ttft_ms=0) as sim:
            app = agent_app(repo, sim.base_url)
            async with app.run_test(size=SIZE) as pilot:
                await settle(pilot)
                bar = app.query_one(StatusBar)
                assert app.session.approval == "ask" and bar.info.approval == "ask"
                await pilot.press("shift+tab")
                assert app.session.approval == "auto-edit" and "auto-edit" in str(bar.render())
                await pilot.press(*"tidy app.py", "enter")  # auto-edit: no card
                await wait_until(pilot, lambda: bool(app.session.conversation.turns))
                await wait_until(pilot, lambda: not app.session.turn_running)
                assert not app.query_one(ApprovalCard).waiting
                assert app.session.conversation.turns[0].commit is not None


class TestSteering:
    async def test_enter_while_a_turn_runs_reaches_the_model_at_the_next_step(self, tmp_path: Path):
        repo = make_repo(tmp_path / "repo", {"app.py": APP})
        async with SimServer(rate=80, ttft_ms=0) as sim:  # slow: steps left when enter lands
            app = agent_app(repo, sim.base_url, approval="auto-edit")
            async with app.run_test(size=SIZE) as pilot:
                await settle(pilot)
                await pilot.press(*"tidy app.py", "enter")
                turns = app.session.conversation.turns
                await wait_until(
                    pilot, lambda: bool(turns) and len(turns[0].steps) >= 1, timeout=30
                )
                app.query_one(PromptInput).load_text("keep it short")
                await pilot.press("enter")
                await wait_until(pilot, lambda: not app.session.turn_running, timeout=60)
                [turn] = app.session.conversation.turns
                steered = [m for m in turn.items if m.role == "user"]
                assert [m.content for m in steered] == ["keep it short"]
                assert app.session.queue == []
                assert "sent to the model: keep it short" in "\n".join(app.transcript.lines_text())
