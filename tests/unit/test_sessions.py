from __future__ import annotations

import json
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
    assert info.problem == "1 damaged line(s) skipped"


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
