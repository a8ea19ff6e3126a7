"""Saved sessions: one append-only JSONL file per conversation, flushed after every turn.

``$XDG_STATE_HOME/redline/sessions/<id>.jsonl``: a header line, then one line per turn. A crash
loses at most the turn in flight; a damaged file is reported, never fatal.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import platformdirs

from redline.agent.conversation import Conversation, Turn
from redline.backends.events import StreamError
from redline.backends.meter import MeterReading

FORMAT_VERSION = 1
Now = Callable[[], datetime]


def default_sessions_dir() -> Path:
    return Path(platformdirs.user_state_dir("redline")) / "sessions"


class SessionError(Exception):
    """A session that cannot be found or read; the message says which and why."""


@dataclass(slots=True, frozen=True)
class SessionInfo:
    id: str
    title: str
    repo: str
    turns: int
    updated: str  # ISO 8601, UTC
    problem: str | None = None  # set when some lines could not be read


@dataclass(slots=True, frozen=True)
class LoadedSession:
    info: SessionInfo
    conversation: Conversation


def turn_to_json(turn: Turn, at: str) -> dict[str, Any]:
    return {
        "type": "turn",
        "at": at,
        "prompt": turn.prompt,
        "provider": turn.provider,
        "model": turn.model,
        "text": turn.text,
        "reasoning": turn.reasoning,
        "finish_reason": turn.finish_reason,
        "interrupted": turn.interrupted,
        "error": None if turn.error is None else asdict(turn.error),
        "reading": None if turn.reading is None else asdict(turn.reading),
    }


def turn_from_json(data: dict[str, Any]) -> Turn:
    error = data.get("error")
    reading = data.get("reading")
    if reading is not None:
        reading = dict(reading)
        reading["rate_history"] = tuple(reading.get("rate_history", ()))
    return Turn(
        prompt=str(data["prompt"]),
        provider=str(data["provider"]),
        model=str(data["model"]),
        text=str(data.get("text", "")),
        reasoning=str(data.get("reasoning", "")),
        finish_reason=data.get("finish_reason"),
        error=None if error is None else StreamError(**error),
        interrupted=bool(data.get("interrupted", False)),
        reading=None if reading is None else MeterReading(**reading),
    )


class SessionWriter:
    """Appends each finished turn to one session file."""

    def __init__(self, path: Path, session_id: str, now: Now) -> None:
        self.path = path
        self.id = session_id
        self._now = now

    def append(self, turn: Turn) -> None:
        line = json.dumps(turn_to_json(turn, self._now().isoformat()), ensure_ascii=False)
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")
            handle.flush()
            os.fsync(handle.fileno())


class SessionStore:
    def __init__(self, root: Path | None = None, now: Now | None = None) -> None:
        self.root = root or default_sessions_dir()
        self._now: Now = now or (lambda: datetime.now(UTC))

    def create(self, repo: Path) -> SessionWriter:
        self.root.mkdir(parents=True, exist_ok=True)
        now = self._now()
        session_id = f"{now:%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"
        path = self.root / f"{session_id}.jsonl"
        header = {
            "type": "session",
            "version": FORMAT_VERSION,
            "id": session_id,
            "repo": str(repo),
            "created": now.isoformat(),
        }
        path.write_text(json.dumps(header) + "\n", encoding="utf-8")
        return SessionWriter(path, session_id, self._now)

    def resume(self, session_id: str) -> SessionWriter:
        """Keep appending to an existing session."""
        path = self._path(session_id)
        return SessionWriter(path, path.stem, self._now)

    def list(self) -> list[SessionInfo]:
        """Newest first; unreadable files are listed with their problem."""
        if not self.root.is_dir():
            return []
        infos = [self._read(path).info for path in self.root.glob("*.jsonl")]
        return sorted(infos, key=lambda info: info.updated, reverse=True)

    def load(self, which: str) -> LoadedSession:
        """``which`` is a session id, a unique prefix of one, or ``last``."""
        return self._read(self._path(which))

    def _path(self, which: str) -> Path:
        if which == "last":
            sessions = [s for s in self.list() if s.problem is None or s.turns]
            if not sessions:
                raise SessionError(f"No saved sessions yet in {self.root}.")
            return self.root / f"{sessions[0].id}.jsonl"
        exact = self.root / f"{which}.jsonl"
        if exact.is_file():
            return exact
        matches = sorted(self.root.glob(f"{which}*.jsonl")) if self.root.is_dir() else []
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise SessionError(f"No session {which!r}; `redline sessions` lists them.")
        raise SessionError(f"{which!r} matches {len(matches)} sessions; give more of the id.")

    def _read(self, path: Path) -> LoadedSession:
        conversation = Conversation()
        repo = ""
        bad = 0
        unreadable: str | None = None
        updated = datetime.fromtimestamp(path.stat().st_mtime, UTC).isoformat()
        try:
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError as exc:
            lines, unreadable = [], f"unreadable: {exc.strerror}"
        for line in lines:
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                if data.get("type") == "session":
                    repo = str(data.get("repo", ""))
                elif data.get("type") == "turn":
                    conversation.turns.append(turn_from_json(data))
                    updated = str(data.get("at", updated))
            except (ValueError, TypeError, KeyError, AttributeError):
                bad += 1
        problem = unreadable or (f"{bad} damaged line(s) skipped" if bad else None)
        title = (
            conversation.turns[0].prompt.strip().splitlines()[0][:60] if conversation.turns else ""
        )
        info = SessionInfo(path.stem, title, repo, len(conversation.turns), updated, problem)
        return LoadedSession(info, conversation)
