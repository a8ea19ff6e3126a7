"""TurnTracker and untracked files (real git repos): what was there before a window is never hashed
nor committed, whatever a command does to it; what a window creates, even inside an untracked
folder, is the turn's; the person's index and concurrent edits stay theirs."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

from redline.tools.edits.turn import turn_message
from redline.tools.edits.turn_track import TurnTracker
from redline.tools.edits.undo import undo_last
from tests.helpers_edits import commit_all, git, make_repo


def _repo(tmp_path: Path) -> Path:
    repo = make_repo(tmp_path / "repo", {"a.py": "a = 1\n", ".gitignore": "*.log\n"})
    commit_all(repo, "start")
    data = repo / "data"
    for i in range(30):
        (data / f"d{i % 3}").mkdir(parents=True, exist_ok=True)
        (data / f"d{i % 3}" / f"f{i}.csv").write_text(f"untracked row {i}\n")
    (repo / "notes.txt").write_text("mine, untracked\n")
    return repo


def _blob_exists(repo: Path, text: str) -> bool:
    """Whether ``text`` was ever hashed into the repository's object store."""
    sha = (
        subprocess.run(
            ["git", "-C", str(repo), "hash-object", "--stdin"],
            input=text.encode(),
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .strip()
    )
    found = subprocess.run(["git", "-C", str(repo), "cat-file", "-e", sha], capture_output=True)
    return found.returncode == 0


def _window(tracker: TurnTracker, change: Callable[[], object]) -> tuple[str, ...]:
    before = tracker.snapshot()
    change()
    return tracker.record(before)


def test_untracked_files_from_before_are_never_hashed_nor_committed(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    tracker = TurnTracker(repo)
    data = repo / "data" / "d0"

    def command() -> None:
        (repo / "a.py").write_text("a = 2\n")
        (data / "f0.csv").write_text("rewritten by the command\n")  # the person's, untracked
        (data / "f3.csv").unlink()
        (data / "made.csv").write_text("made by the command\n")  # new, in an untracked folder
        (repo / "run.log").write_text("ignored\n")

    changed = _window(tracker, command)
    assert set(changed) == {"a.py", "data/d0/made.csv"}
    # A later window re-creating the deleted untracked file does not make it the turn's.
    _window(tracker, lambda: (data / "f3.csv").write_text("back\n"))
    done = tracker.commit(lambda files: turn_message("go", files, "sim", "m"))
    tracker.close()
    assert done.commit is not None
    assert sorted(done.changes.files) == ["a.py", "data/d0/made.csv"]
    assert done.changes.created == ("data/d0/made.csv",)
    assert not _blob_exists(repo, "untracked row 1\n")  # never hashed into the object store
    assert not _blob_exists(repo, "rewritten by the command\n")
    assert undo_last(repo).ok
    assert (repo / "a.py").read_text() == "a = 1\n" and not (data / "made.csv").exists()
    assert (data / "f0.csv").read_text() == "rewritten by the command\n"  # never undone: theirs
    assert (data / "f3.csv").read_text() == "back\n" and (repo / "run.log").exists()
    assert (repo / "notes.txt").read_text() == "mine, untracked\n"


def test_the_persons_files_between_windows_and_their_index_stay_theirs(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    (repo / "staged.py").write_text("s = 1\n")
    git(repo, "add", "staged.py")
    index_before = git(repo, "diff", "--cached", "--name-status")
    tracker = TurnTracker(repo)
    _window(tracker, lambda: (repo / "gen.py").write_text("g = 1\n"))
    (repo / "mine.py").write_text("created by the person between windows\n")
    (repo / "a.py").write_text("a = 'person'\n")  # the person's edit, outside any window
    _window(tracker, lambda: (repo / "gen.py").write_text("g = 2\n"))
    _window(tracker, lambda: (repo / "mine.py").write_text("the command changed it\n"))
    done = tracker.commit(lambda files: turn_message("go", files, "sim", "m"))
    tracker.close()
    assert done.changes.files == ("gen.py",)
    assert git(repo, "show", "HEAD:gen.py") == "g = 2\n"
    assert (repo / "a.py").read_text() == "a = 'person'\n"
    assert "a.py" in git(repo, "status", "--porcelain")  # still uncommitted, theirs
    assert git(repo, "diff", "--cached", "--name-status") == index_before
    assert (repo / "mine.py").read_text() == "the command changed it\n"
    assert "mine.py" not in git(repo, "ls-files")


def test_a_repository_without_an_index_file_still_tracks_its_committed_files(
    tmp_path: Path,
) -> None:
    repo = _repo(tmp_path)
    (repo / ".git" / "index").unlink()  # as after `rm .git/index`: HEAD is all there is
    tracker = TurnTracker(repo)
    changed = _window(tracker, lambda: (repo / "a.py").write_text("a = 3\n"))
    done = tracker.commit(lambda files: turn_message("go", files, "sim", "m"))
    tracker.close()
    assert changed == ("a.py",) and done.changes.files == ("a.py",)
    assert git(repo, "show", "HEAD:a.py") == "a = 3\n"
