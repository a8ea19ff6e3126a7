"""Merge with Mercury in the real app: an edit whose search text is not found is merged by the
apply-edit endpoint (the simulator's, over loopback), shown as a diff card, applied with f2;
esc cancels; without a key the error names the variable. Real git repositories."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from redline.agent import Turn
from redline.agent.merge import merged_update, update_snippet
from redline.backends.sim import SimServer
from redline.tools.edits import parse_edits
from tests.helpers_client import LoopbackServer, Reply, json_reply
from tests.helpers_edits import git, make_repo
from tests.helpers_repo import noting
from tests.helpers_tui import SIZE, failing_opener, make_app, wait_until

ORIGINAL = (
    "import os\n\ndef a():\n    return 1\n\ndef b():\n    return 2\n\ndef c():\n    return 3\n"
)
# The model copied `b` wrong, so the search text is not in the file.
STALE = (
    "app.py\n```python\n<<<<<<< SEARCH\ndef b():\n    return 2  # two\n=======\n"
    "def b():\n    return 20\n>>>>>>> REPLACE\n```\n"
)
FAKE_KEY = "fake-inception-key-for-tests"


def _app(repo: Path, notes: list[str]):
    return noting(make_app(repo_root=repo, open_backend=failing_opener), notes)


def _transcript(app) -> str:
    app.transcript.flush()
    return "\n".join(app.transcript.lines_text())


@pytest.fixture
def mercury_key(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    monkeypatch.setenv("INCEPTION_API_KEY", FAKE_KEY)
    return lambda url: monkeypatch.setenv("REDLINE_INCEPTION_BASE_URL", url)


async def test_a_stale_search_is_merged_by_mercury_shown_as_a_card_and_applied(
    tmp_path: Path, mercury_key: Callable[[str], None]
) -> None:
    repo = make_repo(tmp_path / "repo", {"app.py": ORIGINAL})
    start = git(repo, "rev-parse", "HEAD").strip()
    notes: list[str] = []
    app = _app(repo, notes)
    with SimServer(profile="mercury") as sim:
        mercury_key(sim.base_url)
        async with app.run_test(size=SIZE) as pilot:
            app.session.conversation.turns.append(Turn("b gives 20", "sim", "m", text=STALE))
            app.run_slash_text("/apply")
            await wait_until(pilot, lambda: any("/merge (f6)" in n for n in notes))
            assert (repo / "app.py").read_text() == ORIGINAL
            await pilot.press("f6")
            await wait_until(pilot, lambda: any("Mercury merged 1 edit" in n for n in notes))
            assert not app.merges.running
            await wait_until(pilot, lambda: "app.py  +1 -1  proposed" in _transcript(app))
            assert "+    return 20" in _transcript(app)
            assert (repo / "app.py").read_text() == ORIGINAL  # nothing written before f2
            await pilot.press("f2")
            await wait_until(pilot, lambda: any("Committed" in n for n in notes))
    assert (repo / "app.py").read_text() == ORIGINAL.replace("return 2\n", "return 20\n")
    assert git(repo, "rev-parse", "HEAD~1").strip() == start
    assert "Redline-Model: m" in git(repo, "log", "-1", "--format=%B")


async def test_without_an_inception_key_the_error_names_the_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("INCEPTION_API_KEY", raising=False)
    repo = make_repo(tmp_path / "repo", {"app.py": ORIGINAL})
    notes: list[str] = []
    app = _app(repo, notes)
    async with app.run_test(size=SIZE) as pilot:
        app.session.conversation.turns.append(Turn("b gives 20", "sim", "m", text=STALE))
        app.run_slash_text("/apply")
        await wait_until(pilot, lambda: any("not applied" in n for n in notes))
        await pilot.press(*"/merge", "enter")
        await wait_until(pilot, lambda: any("INCEPTION_API_KEY" in n for n in notes))
        assert not app.merges.running
    assert (repo / "app.py").read_text() == ORIGINAL


async def test_esc_cancels_a_slow_merge_and_nothing_changes(
    tmp_path: Path, mercury_key: Callable[[str], None]
) -> None:
    repo = make_repo(tmp_path / "repo", {"app.py": ORIGINAL})
    notes: list[str] = []
    app = _app(repo, notes)
    slow = Reply(header_delay_s=30, chunks=[b"{}"], content_type="application/json")
    with LoopbackServer({"/v1/apply/completions": slow}) as srv:
        mercury_key(srv.url)
        async with app.run_test(size=SIZE) as pilot:
            app.session.conversation.turns.append(Turn("b gives 20", "sim", "m", text=STALE))
            app.run_slash_text("/apply")
            await wait_until(pilot, lambda: any("not applied" in n for n in notes))
            await pilot.press("f6")
            await wait_until(pilot, lambda: app.merges.running)
            await wait_until(pilot, lambda: bool(srv.seen))  # the request is out
            assert FAKE_KEY not in _transcript(app)
            await pilot.press("escape")
            await wait_until(pilot, lambda: any("Merge cancelled" in n for n in notes))
            assert app.session.review.proposed is None
    assert (repo / "app.py").read_text() == ORIGINAL
    assert srv.seen[0].headers.get("authorization") == f"Bearer {FAKE_KEY}"


async def test_a_refused_merge_says_why_and_changes_nothing(
    tmp_path: Path, mercury_key: Callable[[str], None]
) -> None:
    repo = make_repo(tmp_path / "repo", {"app.py": ORIGINAL})
    notes: list[str] = []
    app = _app(repo, notes)
    denied = json_reply(401, {"error": {"message": "bad key", "type": "auth"}})
    with LoopbackServer({"/v1/apply/completions": denied}) as srv:
        mercury_key(srv.url)
        async with app.run_test(size=SIZE) as pilot:
            app.session.conversation.turns.append(Turn("b gives 20", "sim", "m", text=STALE))
            app.run_slash_text("/apply")
            await wait_until(pilot, lambda: any("not applied" in n for n in notes))
            await pilot.press("f6")
            await wait_until(pilot, lambda: any("Merge with Mercury failed" in n for n in notes))
    failed = next(n for n in notes if "Merge with Mercury failed" in n)
    assert "INCEPTION_API_KEY" in failed and FAKE_KEY not in failed
    assert (repo / "app.py").read_text() == ORIGINAL


def test_the_snippet_and_the_merged_update_keep_the_files_line_endings() -> None:
    [block] = parse_edits(STALE)
    snippet = update_snippet(block)
    assert snippet == "# ... existing code ...\ndef b():\n    return 20\n# ... existing code ..."
    crlf = ORIGINAL.replace("\n", "\r\n")
    merged = ORIGINAL.replace("return 2\n", "return 20\n").rstrip("\n")  # LF, no final newline
    update = merged_update(block, crlf, merged)
    [hunk] = update.hunks
    assert all(line.endswith("\r") for line in (*hunk.old, *hunk.new))
    assert "    return 20\r" in hunk.new and "    return 2\r" in hunk.old
