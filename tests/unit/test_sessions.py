from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from redline.agent import Turn
from redline.agent.store import SessionError, SessionStore
from redline.backends.events import StreamError
from redline.backends.meter import MeterReading


class Ticks:
    def __init__(self) -> None:
        self.now = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


def _turn(prompt: str, text: str = "answer") -> Turn:
    reading = MeterReading(
        ttft_ms=150.0, output_tokens=12, tokens_exact=True, rate_history=(1.0, 2.0)
    )
    return Turn(prompt, "sim", "redline-sim", text=text, finish_reason="stop", reading=reading)


def test_turns_round_trip_through_the_file(tmp_path: Path):
    store = SessionStore(tmp_path, now=Ticks())
    writer = store.create(Path("/home/user/repo"))
    first = _turn("fix the bug\nplease")
    second = Turn(
        "go on",
        "cerebras",
        "m",
        text="par",
        interrupted=True,
        error=StreamError("auth", "CEREBRAS_API_KEY is not set."),
    )
    writer.append(first)
    writer.append(second)

    loaded = store.load("last")
    assert loaded.conversation.turns == [first, second]
    assert loaded.info.title == "fix the bug"
    assert loaded.info.repo == "/home/user/repo"
    assert loaded.info.turns == 2
    assert loaded.info.problem is None


def test_each_turn_is_on_disk_as_soon_as_it_is_appended(tmp_path: Path):
    store = SessionStore(tmp_path, now=Ticks())
    writer = store.create(Path("/r"))
    writer.append(_turn("one"))
    lines = writer.path.read_text().splitlines()
    assert [json.loads(line)["type"] for line in lines] == ["session", "turn"]


def test_damaged_lines_are_reported_not_fatal(tmp_path: Path):
    store = SessionStore(tmp_path, now=Ticks())
    writer = store.create(Path("/r"))
    writer.append(_turn("one"))
    with writer.path.open("a") as handle:
        handle.write('{"type": "turn", "prompt": tru\n')  # a crash mid-write
    [info] = store.list()
    assert info.turns == 1
    assert info.problem == "damaged or unknown line 3 skipped"


def test_a_cut_last_line_never_swallows_the_next_turn(tmp_path: Path):
    store = SessionStore(tmp_path, now=Ticks())
    writer = store.create(Path("/r"))
    writer.append(_turn("one"))
    with writer.path.open("a") as handle:
        handle.write('{"type": "turn", "prompt": "two", "te')  # cut: no newline at the end
    writer.append(_turn("three"))
    loaded = store.load(writer.id)
    assert [t.prompt for t in loaded.conversation.turns] == ["one", "three"]
    assert loaded.info.problem == "damaged or unknown line 3 skipped"


FOREIGN = [
    "[1, 2, 3]",
    '"just a string"',
    '{"type": "turn"}',
    '{"type": "turn", "prompt": "p", "provider": "x", "model": "m", "reading": {"output_tokens": "lots"}}',
    '{"type": "turn", "prompt": "p", "provider": "x", "model": "m", "reading": [1]}',
    '{"type": "turn", "prompt": "p", "provider": "x", "model": "m", "error": {"kind": 1}}',
    '{"type": "turn", "prompt": "p", "provider": "x", "model": "m", "finish_reason": {}}',
    '{"type": "turn", "prompt": "p", "provider": "x", "model": "m", "reading": {"ttft_ms": NaN}}',
    '{"type": "telemetry", "v": 2}',
    "\x00\xff not json",
]


def test_foreign_and_damaged_lines_are_listed_never_fatal(tmp_path: Path):
    store = SessionStore(tmp_path, now=Ticks())
    writer = store.create(Path("/r"))
    writer.append(_turn("   "))  # a blank prompt makes an empty title, not a crash
    with writer.path.open("a") as handle:
        handle.write("\n".join(FOREIGN) + "\n")
    (tmp_path / "folder.jsonl").mkdir()  # not a file: ignored
    [info] = store.list()
    assert info.turns == 1 and info.title == ""
    assert info.problem == "damaged or unknown lines 3, 4, 5, 6, 7 and 5 more skipped"


def test_a_session_can_be_created_with_a_chosen_id_and_bad_ids_are_refused(tmp_path: Path):
    store = SessionStore(tmp_path, now=Ticks())
    writer = store.create(Path("/r"), "ci-run-42")
    writer.append(_turn("one"))
    assert store.load("ci-run-42").info.turns == 1
    for bad in ("../escape", ".hidden", "a/b", "x" * 200, ""):
        with pytest.raises(SessionError):
            store.create(Path("/r"), bad)


def test_list_is_newest_first_and_ids_resolve_by_prefix(tmp_path: Path):
    store = SessionStore(tmp_path, now=Ticks())
    old = store.create(Path("/a"))
    old.append(_turn("old"))
    new = store.create(Path("/b"))
    new.append(_turn("new"))
    assert [s.title for s in store.list()] == ["new", "old"]
    assert store.load(old.id[:-1] + old.id[-1]).info.title == "old"
    with pytest.raises(SessionError, match="No session 'nope'"):
        store.load("nope")


def test_no_sessions_yet(tmp_path: Path):
    store = SessionStore(tmp_path / "none")
    assert store.list() == []
    with pytest.raises(SessionError, match="No saved sessions yet"):
        store.load("last")


def test_sessions_command_lists_json(run_redline, tmp_path: Path):
    result = run_redline("sessions", "--json")
    assert result.returncode == 0
    assert json.loads(result.stdout) == {"sessions": []}
    result = run_redline("--resume", "nope")
    assert result.returncode == 2
    assert "No session 'nope'" in result.stderr


def test_last_is_the_newest_session_of_this_repository(tmp_path: Path):
    store = SessionStore(tmp_path / "sessions", now=Ticks())
    here, elsewhere = tmp_path / "here", tmp_path / "elsewhere"
    here.mkdir()
    elsewhere.mkdir()
    store.create(here).append(_turn("older, here"))
    store.create(elsewhere).append(_turn("newer, elsewhere"))
    assert store.load("last").info.title == "newer, elsewhere"  # any repository
    assert store.load("last", here).info.title == "older, here"
    assert store.load("last", here / "." / ".." / "here").info.title == "older, here"
    assert [s.title for s in store.list(here)] == ["older, here"]
    with pytest.raises(SessionError, match="No saved session for this repository"):
        store.load("last", tmp_path)


def test_a_session_remembers_its_last_backend_and_added_files(tmp_path: Path):
    store = SessionStore(tmp_path, now=Ticks())
    writer = store.create(Path("/r"))
    writer.append(_turn("one"), context_files=["a.py"])
    writer.append(Turn("two", "sim:agent", "agent-model"), context_files=["a.py", "b/c.py"])
    loaded = store.load(writer.id)
    assert (loaded.info.provider, loaded.info.model) == ("sim:agent", "agent-model")
    assert loaded.context_files == ("a.py", "b/c.py")


def test_a_file_that_is_no_session_is_refused_and_left_as_it_is(tmp_path: Path):
    store = SessionStore(tmp_path, now=Ticks())
    junk = tmp_path / "notes.jsonl"
    junk.write_bytes(b"my own notes\n\x00\xff\n")
    with pytest.raises(SessionError, match="notes is not a session file redline can read"):
        store.open_or_create("notes", Path("/r"))
    assert junk.read_bytes() == b"my own notes\n\x00\xff\n"


def test_resume_last_looks_only_at_this_repository(run_redline, tmp_path: Path, git_repo: Path):
    other = tmp_path / "other"
    other.mkdir()
    SessionStore().create(other).append(_turn("elsewhere"))
    result = run_redline("--resume", "last", cwd=git_repo)
    assert result.returncode == 2
    assert "No saved session for this repository" in result.stderr
    assert "Traceback" not in result.stderr


def test_resuming_a_file_that_is_no_session_is_one_sentence(run_redline, git_repo: Path):
    sessions = Path(os.environ["XDG_STATE_HOME"]) / "redline" / "sessions"
    sessions.mkdir(parents=True)
    (sessions / "notes.jsonl").write_bytes(b"\x00\xff my notes\n")
    result = run_redline("--resume", "notes", cwd=git_repo)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "Traceback" not in result.stderr
    assert "notes is not a session file redline can read" in result.stderr
    assert (sessions / "notes.jsonl").read_bytes() == b"\x00\xff my notes\n"
