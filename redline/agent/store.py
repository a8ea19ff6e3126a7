"""Saved sessions: one append-only JSONL file per conversation, flushed after every turn.

``$XDG_STATE_HOME/redline/sessions/<id>.jsonl``: a header line, then one line per turn. A crash
loses at most the turn in flight; a damaged file is reported, never fatal.
"""

from __future__ import annotations

import json
import os
import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import platformdirs

from redline.agent.conversation import Conversation, Turn
from redline.agent.session_records import (
    add_steps,
    apply_decision,
    context_files_of,
    redact,
    secret_values,
    turn_from_json,
    turn_to_json,
)

__all__ = ["turn_from_json", "turn_to_json"]  # re-exported: the line format lives beside

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
    provider: str = ""  # the backend and model of the last turn
    model: str = ""


@dataclass(slots=True, frozen=True)
class LoadedSession:
    info: SessionInfo
    conversation: Conversation
    context_files: tuple[str, ...] = ()  # added with @ or /add when the last turn ended


class SessionWriter:
    """Appends each finished turn to one session file."""

    def __init__(self, path: Path, session_id: str, now: Now) -> None:
        self.path = path
        self.id = session_id
        self._now = now
        self.secret_names: tuple[str, ...] = ()  # configured key variables: never saved

    def append(self, turn: Turn, *, kind: str = "turn", context_files: Iterable[str] = ()) -> None:
        """One line per turn; a file cut mid-line (crash, full disk) gets its newline first,
        so the damaged line never swallows this turn. Raises ``OSError``. ``kind``
        "race-lane": a raced answer that was not kept (recorded, not re-sent). The value of
        every credential variable (a key a tool read from a file, say) is redacted."""
        record = turn_to_json(turn, self._now().isoformat(), context_files=context_files)
        record["type"] = kind
        line = redact(
            json.dumps(record, ensure_ascii=False), secret_values(None, self.secret_names)
        )
        self._write(line)

    def mark(self, index: int, turn: Turn) -> None:
        """Record what became of turn ``index``'s edits (applied, discarded, undone)."""
        record = {
            "type": "edits",
            "at": self._now().isoformat(),
            "turn": index,
            "status": turn.edit_status,
            "commit": turn.commit,
        }
        self._write(json.dumps(record))

    def append_summary(self, conversation: Conversation, provider: str, model: str) -> None:
        """`/compact`: the summary now sent in place of the first ``summarized`` turns (the
        turns' own lines stay). Raises ``OSError``."""
        record = {
            "type": "compact",
            "at": self._now().isoformat(),
            "turns": conversation.summarized,
            "summary": conversation.summary,
            "provider": provider,
            "model": model,
        }
        line = json.dumps(record, ensure_ascii=False)
        self._write(redact(line, secret_values(None, self.secret_names)))

    def _write(self, line: str) -> None:
        data = (line + "\n").encode("utf-8", "replace")
        with self.path.open("a+b") as handle:
            if handle.seek(0, os.SEEK_END) > 0:
                handle.seek(-1, os.SEEK_END)
                if handle.read(1) != b"\n":
                    data = b"\n" + data
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())


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
        """The session ``which`` to continue (created when no session has that id; ``last``:
        this repository's newest), checked writable now, before any request is sent. Raises
        ``SessionError`` with a sentence."""
        try:
            loaded = self.load(which, repo)
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

    def list(self, repo: Path | None = None) -> list[SessionInfo]:
        """Newest first (only ``repo``'s when given); unreadable files are listed with their
        problem."""
        if not self.root.is_dir():
            return []
        infos = [self._read(path).info for path in self.root.glob("*.jsonl") if path.is_file()]
        if repo is not None:
            infos = [info for info in infos if same_repo(info.repo, repo)]
        return sorted(infos, key=lambda info: info.updated, reverse=True)

    def load(self, which: str, repo: Path | None = None) -> LoadedSession:
        """``which`` is a session id, a unique prefix of one, or ``last`` (the newest; with
        ``repo``, the newest of that repository, as Codex and Claude Code resume).

        A file with nothing redline can read in it is refused with a sentence (and left as
        it is): appending to it would bury someone else's data under a new conversation."""
        loaded = self._read(self._path(which, repo))
        if loaded.info.problem is not None and not loaded.info.turns and not loaded.info.repo:
            raise SessionError(
                f"{loaded.info.id} is not a session file redline can read "
                f"({loaded.info.problem}); it was left as it is."
            )
        return loaded

    def _path(self, which: str, repo: Path | None = None) -> Path:
        if which == "last":
            sessions = [s for s in self.list(repo) if s.problem is None or s.turns]
            if not sessions and repo is not None:
                raise SessionMissing(
                    f"No saved session for this repository ({repo}) yet; `redline sessions` "
                    "lists every repository's."
                )
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
        reader = _Reader()
        try:
            reader.updated = datetime.fromtimestamp(path.stat().st_mtime, UTC).isoformat()
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError as exc:
            lines, reader.unreadable = [], f"unreadable: {exc.strerror or exc}"
        for number, line in enumerate(lines, 1):
            if line.strip():
                reader.line(number, line)
        return reader.loaded(path.stem)


@dataclass(slots=True)
class _Reader:
    """What the lines of one session file say, read one by one."""

    conversation: Conversation = field(default_factory=Conversation)
    repo: str = ""
    updated: str = ""
    unreadable: str | None = None
    bad: list[int] = field(default_factory=list)
    no_steps: list[int] = field(default_factory=list)  # turns whose steps could not be read
    context_files: tuple[str, ...] = ()

    def line(self, number: int, line: str) -> None:
        try:
            data = json.loads(line)
            kind = data.get("type")
            if kind == "session":
                self.repo = str(data.get("repo", ""))
            elif kind == "turn":
                self._turn(number, data)
            elif kind == "edits":
                apply_decision(self.conversation, data)
            elif kind == "compact":
                self._summary(data)
            else:
                self.bad.append(number)  # a line of some other program, or of a newer redline
        except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
            self.bad.append(number)

    def _turn(self, number: int, data: dict[str, object]) -> None:
        turn = turn_from_json(data)  # type: ignore[arg-type]
        try:
            add_steps(turn, data)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            self.no_steps.append(number)  # the answer is kept; the model just sees less
        self.conversation.turns.append(turn)
        self.updated = str(data.get("at", self.updated))
        self.context_files = context_files_of(data)  # type: ignore[arg-type]

    def _summary(self, data: dict[str, object]) -> None:
        """A `/compact` line: it stands for the first ``turns`` turns read so far."""
        turns, summary = data.get("turns"), data.get("summary")
        count = len(self.conversation.turns)
        if type(turns) is not int or not 0 < turns <= count:
            raise TypeError("turns is not a number of turns before it")
        if not isinstance(summary, str) or not summary.strip():
            raise TypeError("summary is not text")
        self.conversation.summary, self.conversation.summarized = summary, turns
        self.conversation.summary_at = count

    def loaded(self, session_id: str) -> LoadedSession:
        turns = self.conversation.turns
        problems = [p for p in (self.unreadable, _damaged(self.bad)) if p]
        if self.no_steps:
            problems.append(f"the tool steps of line(s) {_listed(self.no_steps)} skipped")
        first = turns[0].prompt.strip().splitlines() if turns else []
        last: Turn | None = turns[-1] if turns else None
        info = SessionInfo(
            session_id,
            first[0][:60] if first else "",
            self.repo,
            len(turns),
            self.updated,
            "; ".join(problems) or None,
            provider=last.provider if last else "",
            model=last.model if last else "",
        )
        return LoadedSession(info, self.conversation, self.context_files)


def same_repo(saved: str, repo: Path) -> bool:
    """Whether a session's repository path is ``repo`` (symlinks and ``..`` resolved)."""
    return bool(saved) and os.path.realpath(saved) == os.path.realpath(repo)


def _listed(lines: list[int]) -> str:
    shown = ", ".join(map(str, lines[:MAX_LISTED_LINES]))
    more = f" and {len(lines) - MAX_LISTED_LINES} more" if len(lines) > MAX_LISTED_LINES else ""
    return shown + more


def _damaged(lines: list[int]) -> str | None:
    if not lines:
        return None
    word = "line" if len(lines) == 1 else "lines"
    return f"damaged or unknown {word} {_listed(lines)} skipped"


def _unwritable(root: Path, exc: OSError) -> str:
    return (
        f"Cannot write sessions in {root} ({exc.strerror or exc}): make it writable, or set "
        "XDG_STATE_HOME to a folder you can write."
    )
