"""Diffusion answers (Mercury's whole-text snapshots) get the same cards and keys as streamed ones.

The real app (Pilot) against the simulator's ``mercury`` profile over loopback, in a real git
repository; and the transcript fed snapshots the way a multi-step turn sends them.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text

from redline.agent import Turn
from redline.backends.events import TextSnapshot
from tests.helpers_edits import git, make_repo
from tests.helpers_render import TranscriptApp
from tests.helpers_repo import noting
from tests.helpers_tui import make_app, settle, wait_until


def _review_keys(app) -> set[str]:
    shown = app.screen.active_bindings
    return {key for key in ("f2", "f3", "f4") if key in shown and shown[key].enabled}


def _index(lines: list[str], needle: str) -> int:
    return next(i for i, line in enumerate(lines) if needle in line)


async def test_a_mercury_answer_draws_its_card_in_place_and_offers_f2(tmp_path: Path):
    repo = make_repo(tmp_path / "repo", {"calc.py": "def add(a, b):\n    return a + b\n"})
    notes: list[str] = []
    app = make_app(provider="sim:mercury", repo_root=repo)
    noting(app, notes)
    async with app.run_test(size=(100, 400)) as pilot:
        await settle(pilot)
        await pilot.press(*"add a note", "enter")
        await wait_until(pilot, lambda: bool(app.session.conversation.turns))
        await settle(pilot)
        app.transcript.flush()
        lines = app.transcript.lines_text()
        card = _index(lines, "SIMULATED.md  +")
        # Where a streamed answer draws it (where the block closes), not after all the prose.
        assert card < _index(lines, "Simulated note")
        assert "proposed" in lines[card]
        assert _review_keys(app) == {"f2", "f3"}
        await pilot.press("f2")
        await wait_until(pilot, lambda: any("Committed" in n for n in notes), timeout=20)
    assert (repo / "SIMULATED.md").is_file()
    assert "Redline-Model: mercury-2" in git(repo, "log", "-1", "--format=%B")


async def test_each_step_of_a_diffusing_turn_keeps_its_text_above_the_next_card():
    app = TranscriptApp()
    async with app.run_test(size=(80, 40)):
        transcript = app.transcript
        handle = transcript.start_turn(1, "fix it", "inception", "mercury-2")
        handle.push(TextSnapshot("Lxt me rxad the file."))
        handle.push(TextSnapshot("Let me read the file."))
        handle.add_block(Text("TOOL CARD"))
        handle.push(TextSnapshot("Dxne: it is fxxed."))
        handle.push(TextSnapshot("Done: it is fixed."))
        transcript.flush()
        handle.finish(Turn("fix it", "inception", "mercury-2", text="x"))
        transcript.flush()
        lines = transcript.lines_text()
        first = _index(lines, "Let me read the file.")
        assert first < _index(lines, "TOOL CARD") < _index(lines, "Done: it is fixed.")
        assert not any("xx" in line or "Lxt" in line for line in lines)
