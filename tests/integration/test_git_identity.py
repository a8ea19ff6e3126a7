"""No git identity (user.name/email unset): one sentence saying how to set it, wherever redline
commits (`redline apply`, the TUI's f2, an agent turn's apply_patch), and nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from redline.agent import Turn
from tests.helpers_edits import fingerprint, git, make_repo
from tests.helpers_repo import noting
from tests.helpers_tui import SIZE, failing_opener, make_app, wait_until

REPLY = "a.txt\n```\n<<<<<<< SEARCH\nalpha\n=======\nALPHA\n>>>>>>> REPLACE\n```\n"
HOW = 'git config --global user.name "Your Name"'
RAW = ("Please tell me who you are", "fatal:", "Author identity unknown")


@pytest.fixture
def anonymous(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository on a machine where git knows no name or email (and may not guess one)."""
    repo = make_repo(tmp_path / "repo", {"a.txt": "alpha\n"})
    git(repo, "config", "user.useConfigOnly", "true")
    for var in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.delenv("EMAIL", raising=False)
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "no-gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    return repo


def _one_sentence(text: str) -> None:
    assert HOW in text and "user.email" in text
    assert not any(raw in text for raw in RAW), text


def test_redline_apply_says_how_to_set_the_identity(anonymous: Path, run_redline) -> None:
    before = fingerprint(anonymous)
    out = run_redline("apply", "-", cwd=anonymous, input=REPLY)
    assert out.returncode == 4
    _one_sentence(out.stderr + out.stdout)
    assert len((out.stderr + out.stdout).strip().splitlines()) <= 3
    assert fingerprint(anonymous) == before


async def test_f2_says_how_and_the_edits_keep_waiting(anonymous: Path) -> None:
    notes: list[str] = []
    app = make_app(repo_root=anonymous, open_backend=failing_opener)
    noting(app, notes)
    async with app.run_test(size=SIZE) as pilot:
        from redline.tools.edits import parse_edits

        turn = Turn("shout", "sim", "sim-fast", text=REPLY, edits=parse_edits(REPLY))
        app.session.conversation.turns.append(turn)
        app.session.review.turn_ended(turn)
        app.run_slash_text("/apply")
        await wait_until(pilot, lambda: any(HOW in n for n in notes), timeout=20)
        _one_sentence(notes[-1])
        assert "/fix" not in notes[-1]  # not something the model can fix
        assert app.session.review.waiting is turn  # f2 works once the identity is set
    assert (anonymous / "a.txt").read_text() == "alpha\n"


def test_an_agent_patch_is_refused_with_the_sentence(anonymous: Path) -> None:
    from redline.tools.agent.turn_edits import TurnEdits

    (anonymous / "a.txt").write_text("alpha\nmine\n")  # work in progress: a checkpoint is due
    before = fingerprint(anonymous)
    patch = "*** Begin Patch\n*** Update File: a.txt\n@@\n-alpha\n+ALPHA\n*** End Patch\n"
    result = TurnEdits(anonymous).apply(patch)
    assert not result.ok
    _one_sentence(result.output)
    assert fingerprint(anonymous) == before
