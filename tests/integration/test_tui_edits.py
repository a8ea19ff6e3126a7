"""/apply, /undo and /diff in the real app (Pilot), against a real git repository."""

from __future__ import annotations

from pathlib import Path

from redline.agent import Turn
from redline.tui.screens.diff_view import DiffView
from tests.helpers_edits import git
from tests.helpers_repo import REPLY, alpha_repo, noting, served_app
from tests.helpers_tui import SIZE, failing_opener, make_app, settle, wait_until


def _app(repo: Path, notes: list[str]):
    return noting(make_app(repo_root=repo, open_backend=failing_opener), notes)


async def test_apply_undo_and_diff(tmp_path: Path):
    repo = alpha_repo(tmp_path)
    start = git(repo, "rev-parse", "HEAD").strip()
    notes: list[str] = []
    app = _app(repo, notes)
    async with app.run_test(size=SIZE) as pilot:
        app.session.conversation.turns.append(Turn("shout", "sim", "sim-fast", text=REPLY))
        await pilot.press(*"/apply", "enter")
        await wait_until(pilot, lambda: any("Committed" in n for n in notes))
        assert (repo / "a.txt").read_text() == "ALPHA\nbeta\n"
        assert "Redline-Model: sim-fast" in git(repo, "log", "-1", "--format=%B")
        await pilot.press(*"/diff", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, DiffView))
        assert "+ALPHA" in app.screen.diff  # type: ignore[attr-defined]
        await pilot.press("escape")
        await pilot.press(*"/undo", "enter")
        await wait_until(pilot, lambda: any(n.startswith("undid") for n in notes))
        assert (repo / "a.txt").read_text() == "alpha\nbeta\n"
        assert git(repo, "rev-parse", "HEAD").strip() == start


async def test_apply_failure_and_refused_undo_are_explained(tmp_path: Path):
    repo = alpha_repo(tmp_path, "alpha\n")
    notes: list[str] = []
    app = _app(repo, notes)
    async with app.run_test(size=SIZE) as pilot:
        app.session.conversation.turns.append(
            Turn("x", "sim", "m", text=REPLY.replace("alpha", "gamma"))
        )
        app.run_slash_text("/apply")
        await wait_until(pilot, lambda: any("not applied" in n for n in notes))
        await pilot.press(*"/undo", "enter")
        await wait_until(pilot, lambda: any("not a redline commit" in n for n in notes))
    assert (repo / "a.txt").read_text() == "alpha\n"


async def test_auto_apply_commits_when_the_answer_ends(tmp_path: Path):
    from dataclasses import replace

    repo = alpha_repo(tmp_path)
    notes: list[str] = []
    async with served_app(repo, notes) as (app, _):
        app.options = replace(app.options, auto_apply=True)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press(*"shout", "enter")
            await wait_until(pilot, lambda: any("Committed" in n for n in notes), timeout=20)
            assert (repo / "a.txt").read_text() == "ALPHA\nbeta\n"
            # The same answer again: its SEARCH text is gone now, so nothing is written.
            await pilot.press(*"again", "enter")
            await wait_until(pilot, lambda: any("not applied" in n for n in notes), timeout=20)
            assert (repo / "a.txt").read_text() == "ALPHA\nbeta\n"


def test_each_edit_block_becomes_a_card_while_the_answer_streams():
    from rich.console import Console

    from redline.agent import EditProposed
    from redline.agent.edit_watch import EditWatch
    from redline.tui.widgets.diff_card import diff_card

    answer = "Here:\n\n" + REPLY + "\nand a new file:\n\n" + ADD_PATCH
    proposed: list[EditProposed] = []
    watch = EditWatch(proposed.append)  # type: ignore[arg-type]
    first_card_at = None
    for start in range(0, len(answer), 7):
        watch.feed(answer[start : start + 7])
        if proposed and first_card_at is None:
            first_card_at = start
    blocks = watch.finish(answer)
    assert first_card_at is not None and first_card_at < answer.index("and a new file")
    assert [p.block for p in proposed] == blocks
    console = Console(width=80, record=True)
    for message in proposed:
        console.print(diff_card(message.block, status="proposed"))
    text = console.export_text()
    assert "a.txt  +1 -1  proposed" in text and "-alpha" in text and "+ALPHA" in text
    assert "new notes/b.md  +2 -0" in text


ADD_PATCH = "*** Begin Patch\n*** Add File: notes/b.md\n+# B\n+text\n*** End Patch\n"


async def test_fix_sends_the_failure_back_and_apply_can_pick_files(tmp_path: Path):
    repo = alpha_repo(tmp_path)
    notes: list[str] = []
    sent: list[str] = []
    app = _app(repo, notes)
    app.handle_prompt = sent.append  # type: ignore[method-assign]
    bad = REPLY.replace("alpha", "gamma")
    async with app.run_test(size=SIZE) as pilot:
        app.session.conversation.turns.append(Turn("x", "sim", "m", text=bad + "\n" + ADD_PATCH))
        app.run_slash_text("/apply")
        await wait_until(pilot, lambda: any("sends this back" in n for n in notes))
        app.run_slash_text("/fix")
        await wait_until(pilot, lambda: bool(sent))
        assert sent[0].startswith("Your edit could not be applied")
        assert "a.txt" in sent[0] and "the lines to replace were not found" in sent[0]
        app.run_slash_text("/apply notes/b.md")  # per-file choice: only the new file
        await wait_until(pilot, lambda: any("Committed" in n for n in notes))
    assert (repo / "notes" / "b.md").read_text() == "# B\ntext\n"
    assert (repo / "a.txt").read_text() == "alpha\nbeta\n"


def _review_keys(app) -> set[str]:
    """The edit review keys the footer shows now."""
    shown = app.screen.active_bindings
    return {key for key in ("f2", "f3", "f4") if key in shown and shown[key].enabled}


async def test_review_keys_apply_discard_and_fix(tmp_path: Path):
    repo = alpha_repo(tmp_path)
    notes: list[str] = []
    async with served_app(repo, notes) as (app, server), app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert _review_keys(app) == set()  # nothing to review: the footer stays short
        await pilot.press("f2")  # hidden keys do nothing
        await pilot.press(*"shout", "enter")
        await settle(pilot)
        assert _review_keys(app) == {"f2", "f3"}
        await pilot.press("f3")  # discard
        await wait_until(pilot, lambda: any("Dropped" in n for n in notes))
        assert _review_keys(app) == set()
        assert (repo / "a.txt").read_text() == "alpha\nbeta\n"

        await pilot.press(*"again", "enter")
        await settle(pilot)
        await pilot.press("f2")  # apply
        await wait_until(pilot, lambda: any("Committed" in n for n in notes), timeout=20)
        assert (repo / "a.txt").read_text() == "ALPHA\nbeta\n"
        assert _review_keys(app) == set()

        await pilot.press(*"once more", "enter")  # its SEARCH text is gone now
        await settle(pilot)
        await pilot.press("f2")
        await wait_until(pilot, lambda: any("not applied" in n for n in notes), timeout=20)
        await settle(pilot)
        assert _review_keys(app) == {"f4"}
        sent = len(server.bodies)
        await pilot.press("f4")  # one key: the error goes back to the model
        await wait_until(pilot, lambda: len(server.bodies) > sent, timeout=20)
        last = server.bodies[-1]["messages"][-1]["content"]
        assert "could not be applied" in last
        await settle(pilot)
        assert _review_keys(app) == {"f2", "f3"}  # the fixed answer waits for review
        await pilot.press(*"/clear", "enter")
        await wait_until(pilot, lambda: not app.session.conversation.turns)
        await pilot.pause()
        assert _review_keys(app) == set()


async def test_discard_without_edits_says_so(tmp_path: Path):
    repo = alpha_repo(tmp_path, "alpha\n")
    notes: list[str] = []
    app = _app(repo, notes)
    async with app.run_test(size=SIZE) as pilot:
        app.run_slash_text("/discard")
        await wait_until(pilot, lambda: any("No edits wait" in n for n in notes))


async def test_f2_with_a_path_longer_than_the_os_allows_is_a_sentence(tmp_path: Path):
    repo = alpha_repo(tmp_path, "alpha\n")
    long_path = "/".join(["d" * 200] * 30) + ".py"
    notes: list[str] = []
    reply = f"Here:\n\n{long_path}\n```python\nprint(1)\n```\n"
    async with served_app(repo, notes, reply) as (app, _), app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*"make it", "enter")
        await settle(pilot)
        await pilot.press("f2")
        await wait_until(pilot, lambda: any("not applied" in n for n in notes), timeout=20)
        assert app.is_running
    assert any("the file system allows" in n for n in notes)


async def test_the_diff_of_waiting_edits_offers_f2_and_f3_in_its_footer(tmp_path: Path):
    repo = alpha_repo(tmp_path)
    notes: list[str] = []
    async with served_app(repo, notes) as (app, _), app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*"shout", "enter")
        await settle(pilot)
        await pilot.press(*"/diff", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, DiffView))
        assert "+ALPHA" in app.screen.diff  # type: ignore[attr-defined]
        assert {"f2", "f3", "escape"} <= set(app.screen.active_bindings)
        await pilot.press("f2")  # applies from inside the view
        await wait_until(pilot, lambda: any("Committed" in n for n in notes), timeout=20)
        assert not isinstance(app.screen, DiffView)
        assert (repo / "a.txt").read_text() == "ALPHA\nbeta\n"
        await pilot.press(*"/diff", "enter")  # what the session changed: nothing to apply
        await wait_until(pilot, lambda: isinstance(app.screen, DiffView))
        assert not {"f2", "f3"} & set(app.screen.active_bindings)
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, DiffView)  # f2 does nothing here
