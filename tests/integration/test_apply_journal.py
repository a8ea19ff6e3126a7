"""The applier against bad luck: a person writing while an edit lands, another git moving HEAD,
git's index lock held, signals (real processes, real signals) and undo of an amended commit."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from redline.tools.edits import apply_reply, journal
from tests.conftest import ROOT
from tests.helpers_edits import fingerprint, git, make_repo
from tests.helpers_repo import noting

REPLY = (
    "*** Begin Patch\n*** Update File: a.txt\n@@\n-alpha\n+ALPHA\n"
    "*** Update File: b.txt\n@@\n-beta\n+BETA\n"
    "*** Add File: new/c.txt\n+sea\n*** End Patch\n"
)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "repo", {"a.txt": "alpha\n", "b.txt": "beta\n", "d.txt": "d\n"})


def _clean_git_state(repo: Path) -> None:
    assert not (repo / ".git" / "index.lock").exists()
    assert not (repo / ".git" / "redline" / "apply.json").exists()


def _someone_commits(repo: Path, message: str = "theirs") -> str:
    """Another tool moves the branch (plumbing: git's index is locked by the applier)."""
    tree = git(repo, "rev-parse", "HEAD^{tree}").strip()
    sha = git(repo, "commit-tree", tree, "-p", "HEAD", "-m", message).strip()
    git(repo, "update-ref", "refs/heads/main", sha)
    return sha


def test_rollback_leaves_a_file_a_person_changed_meanwhile(repo, monkeypatch):
    def hook(point: str) -> None:
        if point == "head":
            (repo / "a.txt").write_text("typed by a person\n")
            raise OSError("disk full")

    monkeypatch.setattr(journal, "HOOK", hook)
    head = git(repo, "rev-parse", "HEAD").strip()
    result = apply_reply(repo, REPLY)
    assert not result.ok and "disk full" in (result.error or "")
    assert "left alone" in (result.error or "") and "a.txt" in (result.error or "")
    assert (repo / "a.txt").read_text() == "typed by a person\n"  # never overwritten
    assert (repo / "b.txt").read_text() == "beta\n"  # redline's own bytes were rolled back
    assert not (repo / "new").exists()
    assert git(repo, "rev-parse", "HEAD").strip() == head
    assert git(repo, "status", "--porcelain") == " M a.txt\n"
    _clean_git_state(repo)


def test_a_file_written_after_planning_is_never_overwritten(repo, monkeypatch):
    def hook(point: str) -> None:
        if point == "file:0":
            (repo / "b.txt").write_text("saved by the editor just now\n")

    monkeypatch.setattr(journal, "HOOK", hook)
    head = git(repo, "rev-parse", "HEAD").strip()
    result = apply_reply(repo, REPLY)
    assert not result.ok and "b.txt changed while the edit was being applied" in (
        result.error or ""
    )
    assert (repo / "b.txt").read_text() == "saved by the editor just now\n"
    assert (repo / "a.txt").read_text() == "alpha\n"
    assert git(repo, "rev-parse", "HEAD").strip() == head
    _clean_git_state(repo)


def test_a_detached_head_moves_by_compare_and_swap_too(repo):
    git(repo, "checkout", "-q", "--detach")
    result = apply_reply(repo, REPLY)
    assert result.ok and git(repo, "rev-parse", "HEAD").strip() == result.commit
    assert git(repo, "rev-parse", "main").strip() != result.commit
    assert git(repo, "status", "--porcelain") == ""


def test_a_commit_made_while_redline_applies_is_never_dropped(repo, monkeypatch):
    theirs: list[str] = []

    def hook(point: str) -> None:
        if point == "head":
            theirs.append(_someone_commits(repo))

    monkeypatch.setattr(journal, "HOOK", hook)
    result = apply_reply(repo, REPLY)
    assert not result.ok and "expected" in (result.error or "")  # git's compare-and-swap
    assert git(repo, "rev-parse", "HEAD").strip() == theirs[0]
    assert (repo / "a.txt").read_text() == "alpha\n" and not (repo / "new").exists()
    _clean_git_state(repo)


def test_rollback_after_head_moved_keeps_a_commit_built_on_top(repo, monkeypatch):
    theirs: list[str] = []

    def hook(point: str) -> None:
        if point == "index":
            theirs.append(_someone_commits(repo, "built on redline's commit"))
            raise OSError("no space left")

    monkeypatch.setattr(journal, "HOOK", hook)
    result = apply_reply(repo, REPLY)
    assert not result.ok
    assert git(repo, "rev-parse", "HEAD").strip() == theirs[0]
    assert "Redline: yes" in git(repo, "log", "-1", "--format=%B", "HEAD^")
    _clean_git_state(repo)


def test_git_holding_the_index_lock_is_honoured(repo):
    lock = repo / ".git" / "index.lock"
    lock.write_bytes(b"another git is running")
    before = fingerprint(repo)
    result = apply_reply(repo, REPLY)
    assert not result.ok and "index is locked" in (result.error or "")
    assert lock.read_bytes() == b"another git is running"  # their lock, left alone
    lock.unlink()
    assert fingerprint(repo) == before


def test_the_index_is_updated_through_git_and_stays_clean(repo):
    result = apply_reply(repo, REPLY)
    assert result.ok and result.commit
    assert git(repo, "status", "--porcelain") == ""
    assert git(repo, "diff-files", "--name-only") == ""  # stat data refreshed, not raw bytes
    assert "new/c.txt" in git(repo, "ls-files")
    _clean_git_state(repo)


# -- real processes, real signals ----------------------------------------------------------


def _start(repo: Path, point: str, reply: str = REPLY) -> subprocess.Popen[str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env[journal.HALT_ENV] = point
    proc = subprocess.Popen(
        [sys.executable, "-m", "redline", "apply"],
        cwd=repo,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, killed as a whole like a terminal does
    )
    assert proc.stdin is not None and proc.stderr is not None
    proc.stdin.write(reply)
    proc.stdin.close()
    line = proc.stderr.readline()
    assert f"halted at {point}" in line, line + proc.stderr.read()
    return proc


def _kill(proc: subprocess.Popen[str], sig: int) -> tuple[int, str]:
    os.killpg(proc.pid, sig)
    assert proc.stderr is not None and proc.stdout is not None
    err = proc.stderr.read()
    proc.stdout.close()
    proc.stderr.close()
    return proc.wait(timeout=60), err


@pytest.mark.parametrize(
    "sig, point",
    [
        (signal.SIGINT, "file:1"),
        (signal.SIGTERM, "head"),
        (signal.SIGHUP, "head"),
        (signal.SIGINT, "index"),
    ],
)
def test_a_signal_mid_apply_rolls_back_at_once(sig, point, repo):
    before = fingerprint(repo)
    code, err = _kill(_start(repo, point), sig)
    assert code == 128 + sig, err
    assert "rolled back" in err and "Traceback" not in err
    assert fingerprint(repo) == before
    _clean_git_state(repo)


def test_sigkill_after_some_files_is_rolled_back_by_the_next_undo(repo, run_redline):
    before = fingerprint(repo)
    code, _ = _kill(_start(repo, "file:2"), signal.SIGKILL)
    assert code == -signal.SIGKILL
    assert (repo / "a.txt").read_text() == "ALPHA\n"  # half written: the journal knows
    out = run_redline("undo", cwd=repo)
    assert "rolled back an interrupted apply" in out.stderr
    assert fingerprint(repo) == before
    _clean_git_state(repo)


def test_sigkill_holding_the_index_lock_leaves_no_stale_lock_after_restart(repo, run_redline):
    code, _ = _kill(_start(repo, "head"), signal.SIGKILL)
    assert code == -signal.SIGKILL
    assert (repo / ".git" / "index.lock").exists()  # ours, recognisable
    other = "*** Begin Patch\n*** Update File: d.txt\n@@\n-d\n+D\n*** End Patch\n"
    out = run_redline("apply", cwd=repo, input=other)
    assert out.returncode == 0, out.stderr
    assert "rolled back an interrupted apply" in out.stderr
    assert (repo / "a.txt").read_text() == "alpha\n" and (repo / "d.txt").read_text() == "D\n"
    assert git(repo, "status", "--porcelain") == ""
    _clean_git_state(repo)


def test_sigkill_after_head_moved_is_finished_by_the_next_apply(repo, run_redline):
    code, _ = _kill(_start(repo, "index"), signal.SIGKILL)
    assert code == -signal.SIGKILL
    out = run_redline("apply", cwd=repo, input="")
    assert "finished an interrupted apply" in out.stderr
    assert "Redline: yes" in git(repo, "log", "-1", "--format=%B")
    assert (repo / "new" / "c.txt").read_text() == "sea\n"
    assert git(repo, "status", "--porcelain") == ""  # HEAD, index and files agree
    _clean_git_state(repo)


def test_exec_rolls_back_an_interrupted_apply_before_it_starts(repo, run_redline):
    from tests.helpers_client import LoopbackServer, chat_chunk, sse_reply

    before = fingerprint(repo)
    code, _ = _kill(_start(repo, "file:1"), signal.SIGKILL)
    assert code == -signal.SIGKILL
    body = (
        chat_chunk("Nothing to change.")
        + b'data: {"choices":[{"delta":{},"finish_reason":"stop"}]}\n\n'
    )
    with LoopbackServer({"/v1/chat/completions": sse_reply(body + b"data: [DONE]\n\n")}) as srv:
        out = run_redline(
            "exec", "look", "--provider", "llamacpp", "--base-url", srv.url,
            "--json", "--no-context", cwd=repo,
        )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "rolled back an interrupted apply" in out.stderr
    assert fingerprint(repo) == before
    _clean_git_state(repo)


async def test_the_tui_finishes_an_interrupted_apply_when_it_starts(repo):
    from tests.helpers_tui import SIZE, failing_opener, make_app

    before = fingerprint(repo)
    code, _ = _kill(_start(repo, "file:1"), signal.SIGKILL)
    assert code == -signal.SIGKILL
    notes: list[str] = []
    app = make_app(repo_root=repo, open_backend=failing_opener)
    noting(app, notes)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(500):
            if any("an interrupted apply" in n for n in notes):
                break
            await pilot.pause(0.02)
    assert any("rolled back an interrupted apply" in n for n in notes), notes
    assert fingerprint(repo) == before


# -- undo takes back only the exact commit redline made ------------------------------------


def test_undo_refuses_an_amended_redline_commit(repo, run_redline):
    assert apply_reply(repo, REPLY).ok
    (repo / "d.txt").write_text("my addition\n")
    git(repo, "add", "d.txt")
    git(repo, "commit", "-q", "--amend", "--no-edit")
    before = fingerprint(repo)
    out = run_redline("undo", "--json", cwd=repo)
    assert out.returncode == 4
    data = json.loads(out.stdout)
    assert data["rule"] == "exact" and "amended" in data["message"]
    assert fingerprint(repo) == before


def test_undo_moves_head_by_compare_and_swap(repo, run_redline):
    result = apply_reply(repo, REPLY)
    assert result.ok
    out = run_redline("undo", cwd=repo)
    assert out.returncode == 0, out.stderr
    reflog = git(repo, "reflog", "-1", "--format=%gs")
    assert reflog.strip() == "redline: undo"
    assert git(repo, "status", "--porcelain") == ""
    _clean_git_state(repo)
