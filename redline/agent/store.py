"""Saved sessions: one append-only JSONL file per conversation, flushed after every turn.

``$XDG_STATE_HOME/redline/sessions/<id>.jsonl``: a header line, then one line per turn. A crash
loses at most the turn in flight; a damaged file is reported, never fatal.
"""

from __future__ import annotations

import json
import math
import os
import re
import secrets
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import platformdirs

from redline.agent.conversation import Conversation, Turn
from redline.backends.events import StreamError
from redline.backends.meter import MeterReading

FORMAT_VERSION = 1
_ID = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}")
MAX_LISTED_LINES = 5
Now = Callable[[], datetime]


def default_sessions_dir() -> Path:
    return Path(platformdirs.user_state_dir("redline")) / "sessions"


class SessionError(Exception):
    """A session that cannot be found or read; the message says which and why."""


class SessionMissing(SessionError):
    """No session has that id (or prefix)."""


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
        "commit": turn.commit,
        "edit_status": turn.edit_status,
    }


EDIT_STATUSES = frozenset({"applied", "discarded", "undone", "superseded"})


def _edit_status(raw: object) -> str | None:
    if raw is None:
        return None
    if raw not in EDIT_STATUSES:
        raise TypeError("edit_status is not one redline writes")
    return str(raw)


def _commit(raw: object) -> str | None:
    if raw is None:
        return None
    if not isinstance(raw, str) or not re.fullmatch(r"[0-9a-f]{7,64}", raw):
        raise TypeError("commit is not a commit id")
    return raw


def _number(value: object) -> bool:
    return type(value) in (int, float) and math.isfinite(value)  # type: ignore[arg-type]


def _reading(raw: object) -> MeterReading | None:
    """A saved reading, checked field by field (a foreign line must fail here, not on screen)."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise TypeError("reading is not an object")
    values: dict[str, Any] = {}
    for f in fields(MeterReading):
        if f.name not in raw:
            continue
        value = raw[f.name]
        default = f.default
        if f.name == "rate_history":
            if not isinstance(value, list) or not all(_number(v) for v in value):
                raise TypeError("rate_history is not a list of numbers")
            value = tuple(value)
        elif isinstance(default, bool):
            if type(value) is not bool:
                raise TypeError(f"{f.name} is not true/false")
        elif isinstance(default, int) and type(value) is not int:
            raise TypeError(f"{f.name} is not a whole number")
        elif not (value is None or _number(value)):
            raise TypeError(f"{f.name} is not a number")
        values[f.name] = value
    return MeterReading(**values)


def _error(raw: object) -> StreamError | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise TypeError("error is not an object")
    kind, message, retry = raw.get("kind"), raw.get("message"), raw.get("retry_after_s")
    if not isinstance(kind, str) or not isinstance(message, str):
        raise TypeError("error has no kind and message")
    if not (retry is None or _number(retry)):
        raise TypeError("retry_after_s is not a number")
    return StreamError(kind, message, retry)  # type: ignore[arg-type]


def turn_from_json(data: dict[str, Any]) -> Turn:
    """Raises ``TypeError``/``KeyError`` for a line that is not a turn redline wrote."""
    error = _error(data.get("error"))
    reading = _reading(data.get("reading"))
    finish = data.get("finish_reason")
    if not (finish is None or isinstance(finish, str)):
        raise TypeError("finish_reason is not a string")
    return Turn(
        prompt=str(data["prompt"]),
        provider=str(data["provider"]),
        model=str(data["model"]),
        text=str(data.get("text", "")),
        reasoning=str(data.get("reasoning", "")),
        finish_reason=finish,
        error=error,
        interrupted=bool(data.get("interrupted", False)),
        reading=reading,
        commit=_commit(data.get("commit")),  # absent from files of older redlines
        edit_status=_edit_status(data.get("edit_status")),
    )


def apply_decision(conversation: Conversation, data: dict[str, Any]) -> None:
    """An "edits" line: what became of turn number ``turn``'s edits after it was saved."""
    index = data["turn"]
    if type(index) is not int or not 0 <= index < len(conversation.turns):
        raise TypeError("no such turn")
    turn = conversation.turns[index]
    turn.edit_status = _edit_status(data["status"])
    turn.commit = _commit(data.get("commit"))


class SessionWriter:
    """Appends each finished turn to one session file."""

    def __init__(self, path: Path, session_id: str, now: Now) -> None:
        self.path = path
        self.id = session_id
        self._now = now

    def append(self, turn: Turn, *, kind: str = "turn") -> None:
        """One line per turn; a file cut mid-line (crash, full disk) gets its newline first,
        so the damaged line never swallows this turn. Raises ``OSError``. ``kind``
        "race-lane": a raced answer that was not kept (recorded, not re-sent)."""
        record = turn_to_json(turn, self._now().isoformat())
        record["type"] = kind
        self._write(record)

    def _write(self, record: dict[str, Any]) -> None:
        line = json.dumps(record, ensure_ascii=False)
        data = (line + "\n").encode("utf-8", "replace")
        with self.path.open("a+b") as handle:
            if handle.seek(0, os.SEEK_END) > 0:
                handle.seek(-1, os.SEEK_END)
                if handle.read(1) != b"\n":
                    data = b"\n" + data
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())

    def mark(self, index: int, turn: Turn) -> None:
        """Record what became of turn ``index``'s edits (applied, discarded, undone)."""
        record = {
            "type": "edits",
            "at": self._now().isoformat(),
            "turn": index,
            "status": turn.edit_status,
            "commit": turn.commit,
        }
        self._write(record)


class SessionStore:
    def __init__(self, root: Path | None = None, now: Now | None = None) -> None:
        self.root = root or default_sessions_dir()
        self._now: Now = now or (lambda: datetime.now(UTC))

    def create(self, repo: Path, session_id: str | None = None) -> SessionWriter:
        """A new session file (with ``session_id`` when given). Raises ``OSError`` and
        ``SessionError`` (an id that cannot be a file name)."""
        now = self._now()
        if session_id is not None and not _ID.fullmatch(session_id):
            raise SessionError(
                f"{session_id[:80]!r} cannot be a session id: use letters, digits, '.', '_' "
                "and '-' (at most 100, not starting with '.')."
            )
        session_id = session_id or f"{now:%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"
        self.root.mkdir(parents=True, exist_ok=True)
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

    def open_or_create(self, which: str, repo: Path) -> tuple[Conversation, SessionWriter]:
        """The session ``which`` to continue (created when no session has that id), checked
        writable now, before any request is sent. Raises ``SessionError`` with a sentence."""
        try:
            loaded = self.load(which)
        except SessionMissing:
            if which == "last":
                raise
            try:
                return Conversation(), self.create(repo, which)
            except OSError as exc:
                raise SessionError(_unwritable(self.root, exc)) from None
        writer = self.resume(loaded.info.id)
        try:
            with writer.path.open("ab"):
                pass
        except OSError as exc:
            raise SessionError(_unwritable(self.root, exc)) from None
        return loaded.conversation, writer

    def resume(self, session_id: str) -> SessionWriter:
        """Keep appending to an existing session."""
        path = self._path(session_id)
        return SessionWriter(path, path.stem, self._now)

    def list(self) -> list[SessionInfo]:
        """Newest first; unreadable files are listed with their problem."""
        if not self.root.is_dir():
            return []
        infos = [self._read(path).info for path in self.root.glob("*.jsonl") if path.is_file()]
        return sorted(infos, key=lambda info: info.updated, reverse=True)

    def load(self, which: str) -> LoadedSession:
        """``which`` is a session id, a unique prefix of one, or ``last``."""
        return self._read(self._path(which))

    def _path(self, which: str) -> Path:
        if which == "last":
            sessions = [s for s in self.list() if s.problem is None or s.turns]
            if not sessions:
                raise SessionMissing(f"No saved sessions yet in {self.root}.")
            return self.root / f"{sessions[0].id}.jsonl"
        exact = self.root / f"{which}.jsonl"
        if exact.is_file():
            return exact
        matches = sorted(self.root.glob(f"{which}*.jsonl")) if self.root.is_dir() else []
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise SessionMissing(f"No session {which!r}; `redline sessions` lists them.")
        raise SessionError(f"{which!r} matches {len(matches)} sessions; give more of the id.")

    def _read(self, path: Path) -> LoadedSession:
        conversation = Conversation()
        repo = ""
        bad: list[int] = []
        unreadable: str | None = None
        try:
            updated = datetime.fromtimestamp(path.stat().st_mtime, UTC).isoformat()
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError as exc:
            updated, lines, unreadable = "", [], f"unreadable: {exc.strerror or exc}"
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                if data.get("type") == "session":
                    repo = str(data.get("repo", ""))
                elif data.get("type") == "turn":
                    conversation.turns.append(turn_from_json(data))
                    updated = str(data.get("at", updated))
                elif data.get("type") == "edits":
                    apply_decision(conversation, data)
                else:
                    bad.append(number)  # a line of some other program, or of a newer redline
            except (ValueError, TypeError, KeyError, AttributeError):
                bad.append(number)
        problem = unreadable or _damaged(bad)
        first = conversation.turns[0].prompt.strip().splitlines() if conversation.turns else []
        title = first[0][:60] if first else ""
        info = SessionInfo(path.stem, title, repo, len(conversation.turns), updated, problem)
        return LoadedSession(info, conversation)


def _damaged(lines: list[int]) -> str | None:
    if not lines:
        return None
    shown = ", ".join(map(str, lines[:MAX_LISTED_LINES]))
    more = f" and {len(lines) - MAX_LISTED_LINES} more" if len(lines) > MAX_LISTED_LINES else ""
    word = "line" if len(lines) == 1 else "lines"
    return f"damaged or unknown {word} {shown}{more} skipped"


def _unwritable(root: Path, exc: OSError) -> str:
    return (
        f"Cannot write sessions in {root} ({exc.strerror or exc}): make it writable, or set "
        "XDG_STATE_HOME to a folder you can write."
    )
