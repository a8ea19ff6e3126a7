"""`redline undo`: each safety rule, the checkpoint of the user's own work, and a clean undo."""

from __future__ import annotations

import json
from pathlib import Path

from redline.tools.edits import apply_reply, session_diff, undo_last
from tests.helpers_edits import commit_all, fingerprint, git, make_repo

REPLY = "a.txt\n```\n<<<<<<< SEARCH\nalpha\n=======\nALPHA\n>>>>>>> REPLACE\n```\n"
ADD = "*** Begin Patch\n*** Add File: new/b.txt\n+bee\n*** Update File: a.txt\n@@\n-alpha\n+ALPHA\n*** End Patch\n"


def _repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "repo", {"a.txt": "alpha\nbeta\n", "other.txt": "x\n"})


def test_apply_commits_with_trailers_and_undo_takes_it_back(tmp_path, run_redline):
    repo = _repo(tmp_path)
    start = git(repo, "rev-parse", "HEAD").strip()
    result = apply_reply(
        repo, ADD, provider="sim", model="sim-fast", summary="Shout the first letter"
    )
    assert result.ok and result.commit
    message = git(repo, "log", "-1", "--format=%B")
    assert message.startswith("Shout the first letter")
    assert "Redline: yes" in message and "Redline-Provider: sim" in message
    assert "Redline-Model: sim-fast" in message
    assert "+ALPHA" in session_diff(repo, start)
    out = run_redline("undo", "--json", cwd=repo)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["undone"] == result.commit and data["error"] is None
    assert git(repo, "rev-parse", "HEAD").strip() == start
    assert (repo / "a.txt").read_text() == "alpha\nbeta\n"
    assert not (repo / "new" / "b.txt").exists()
    assert git(repo, "status", "--porcelain") == ""


def test_rule_head_a_later_commit_stops_undo(tmp_path, run_redline):
    repo = _repo(tmp_path)
    assert apply_reply(repo, REPLY).ok
    (repo / "other.txt").write_text("y\n")
    commit_all(repo, "my own work")
    before = fingerprint(repo)
    out = run_redline("undo", cwd=repo)
    assert out.returncode == 4
    assert "is not HEAD" in out.stderr and "1 commit" in out.stderr
    assert fingerprint(repo) == before


def test_rule_trailer_a_plain_commit_is_not_undone(tmp_path, run_redline):
    repo = _repo(tmp_path)
    before = fingerprint(repo)
    out = run_redline("undo", "--json", cwd=repo)
    assert out.returncode == 4
    assert json.loads(out.stdout)["rule"] == "trailer"
    assert "not a redline commit" in out.stderr
    assert fingerprint(repo) == before


def test_rule_pushed_a_published_commit_is_not_undone(tmp_path, run_redline):
    repo = _repo(tmp_path)
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(repo, "remote", "add", "origin", str(remote))
    assert apply_reply(repo, REPLY).ok
    git(repo, "push", "-q", "origin", "main")
    before = fingerprint(repo)
    out = run_redline("undo", "--json", cwd=repo)
    assert out.returncode == 4
    assert json.loads(out.stdout)["rule"] == "pushed"
    assert "origin/main" in out.stderr
    assert fingerprint(repo) == before


def test_rule_changed_files_edited_since_stop_undo(tmp_path, run_redline):
    repo = _repo(tmp_path)
    assert apply_reply(repo, REPLY).ok
    (repo / "a.txt").write_text("ALPHA\nbeta\nmine\n")
    before = fingerprint(repo)
    out = run_redline("undo", "--json", cwd=repo)
    assert out.returncode == 4
    assert json.loads(out.stdout)["rule"] == "changed"
    assert "a.txt" in out.stderr
    assert fingerprint(repo) == before


def test_unrelated_user_changes_survive_undo(tmp_path):
    repo = _repo(tmp_path)
    assert apply_reply(repo, REPLY).ok
    (repo / "other.txt").write_text("unsaved work\n")
    result = undo_last(repo)
    assert result.ok, result.message
    assert (repo / "other.txt").read_text() == "unsaved work\n"
    assert (repo / "a.txt").read_text() == "alpha\nbeta\n"


def test_uncommitted_work_in_a_target_is_checkpointed_and_survives_undo(tmp_path):
    repo = _repo(tmp_path)
    start = git(repo, "rev-parse", "HEAD").strip()
    (repo / "a.txt").write_text("alpha\nbeta\nmy line\n")
    result = apply_reply(repo, REPLY, provider="sim")
    assert result.ok and result.checkpoint and result.commit
    log = git(repo, "log", "--format=%H %s", f"{start}..HEAD").splitlines()
    assert [line.split()[0] for line in log] == [result.commit, result.checkpoint]
    assert "Redline: checkpoint" in git(repo, "log", "-1", "--format=%B", result.checkpoint)
    assert (repo / "a.txt").read_text() == "ALPHA\nbeta\nmy line\n"
    undone = undo_last(repo)
    assert undone.ok
    assert (repo / "a.txt").read_text() == "alpha\nbeta\nmy line\n"
    # The checkpoint is taken back too: the work is uncommitted again, as it was.
    assert git(repo, "rev-parse", "HEAD").strip() == start
    assert git(repo, "status", "--porcelain").strip() == "M a.txt"
    again = undo_last(repo)
    assert not again.ok and again.rule == "trailer"


def test_check_and_no_commit(tmp_path, run_redline):
    repo = _repo(tmp_path)
    before = fingerprint(repo)
    out = run_redline("apply", "--check", cwd=repo, input=REPLY)
    assert out.returncode == 0 and "nothing written" in out.stdout
    assert fingerprint(repo) == before
    out = run_redline("apply", "--no-commit", "--json", cwd=repo, input=REPLY)
    assert out.returncode == 0
    data = json.loads(out.stdout)
    assert data["commit"] is None and data["edits"][0]["status"] == "applied"
    assert data["edits"][0]["added"] == 1 and data["edits"][0]["removed"] == 1
    assert (repo / "a.txt").read_text() == "ALPHA\nbeta\n"
    assert git(repo, "status", "--porcelain").strip() == "M a.txt"


def test_rename_and_delete_are_undone(tmp_path):
    repo = _repo(tmp_path)
    reply = (
        "*** Begin Patch\n*** Update File: a.txt\n*** Move to: moved/a.txt\n@@\n-beta\n+BETA\n"
        "*** Delete File: other.txt\n*** End Patch\n"
    )
    result = apply_reply(repo, reply)
    assert result.ok, result.error
    assert (repo / "moved" / "a.txt").read_text() == "alpha\nBETA\n"
    assert not (repo / "other.txt").exists()
    assert undo_last(repo).ok
    assert (repo / "a.txt").read_text() == "alpha\nbeta\n"
    assert (repo / "other.txt").read_text() == "x\n"
    assert not (repo / "moved").exists()


def test_an_answer_without_edits_is_fine_when_edits_are_optional(tmp_path):
    repo = _repo(tmp_path)
    assert not apply_reply(repo, "Nothing to change.").ok
    result = apply_reply(repo, "Nothing to change.", require_edits=False)
    assert result.ok and result.commit is None and result.edits == ()
