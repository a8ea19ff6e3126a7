"""Speed history: every turn's figures, one JSON line each, in ``$XDG_STATE_HOME/redline/history.jsonl``.

Append-only: a line is never rewritten. Each append is one ``write`` on an ``O_APPEND`` descriptor
(so lanes racing in one process, or two redlines, do not interleave), starting on a fresh line
when the file does not end in a newline (a crash mid-line damages that line only). Reading skips
and counts damaged lines; a person's edits to the file are never undone.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

from redline.backends.meter import MeterReading
from redline.backends.prices import Cost

if TYPE_CHECKING:
    from redline.agent.conversation import Turn

FORMAT_VERSION = 1
Now = Callable[[], datetime]


def default_history_path() -> Path:
    return Path(platformdirs.user_state_dir("redline")) / "history.jsonl"


@dataclass(slots=True, frozen=True)
class SpeedRecord:
    """One turn's figures: rates in tokens/s, times in ms, cost in US dollars."""

    at: str  # ISO 8601, UTC
    provider: str
    model: str
    source: str = "tui"  # tui, exec, race, bench
    ttft_ms: float | None = None
    decode_tps: float | None = None
    e2e_tps: float | None = None
    server_tps: float | None = None
    duration_ms: float = 0.0
    output_tokens: int = 0
    tokens_exact: bool = False
    prompt_tokens: int | None = None
    cached_tokens: int | None = None
    reasoning_tokens: int | None = None
    cost_usd: float | None = None
    cost_exact: bool = False
    tool_steps: int = 0
    error: str | None = None  # the StreamError kind when the turn failed
    interrupted: bool = False


_FLOATS = ("ttft_ms", "decode_tps", "e2e_tps", "server_tps", "cost_usd")
_INTS = ("prompt_tokens", "cached_tokens", "reasoning_tokens")
_BOOLS = ("tokens_exact", "cost_exact", "interrupted")
_FIELDS = frozenset(f.name for f in fields(SpeedRecord))


def record_of(
    reading: MeterReading | None,
    *,
    provider: str,
    model: str,
    source: str,
    cost: Cost | None = None,
    cached_tokens: int | None = None,
    tool_steps: int = 0,
    error: str | None = None,
    interrupted: bool = False,
    now: Now | None = None,
) -> SpeedRecord:
    """The history line for a finished turn read from its meter."""
    r = reading or MeterReading()
    at = (now or _utc_now)().isoformat(timespec="milliseconds")

    def rounded(value: float | None) -> float | None:
        return None if value is None else round(value, 2)

    return SpeedRecord(
        at=at,
        provider=provider,
        model=model,
        source=source,
        ttft_ms=rounded(r.ttft_ms),
        decode_tps=rounded(r.decode_tps),
        e2e_tps=rounded(r.e2e_tps),
        server_tps=rounded(r.server_tps),
        duration_ms=round(r.duration_ms, 2),
        output_tokens=r.output_tokens,
        tokens_exact=r.tokens_exact,
        prompt_tokens=r.prompt_tokens,
        cached_tokens=cached_tokens if cached_tokens is not None else r.cached_tokens,
        reasoning_tokens=r.reasoning_tokens or None,
        cost_usd=None if cost is None else round(cost.usd, 8),
        cost_exact=cost is not None and cost.exact,
        tool_steps=tool_steps,
        error=error,
        interrupted=interrupted,
    )


def turn_record(turn: Turn, cost: Cost | None, source: str) -> SpeedRecord:
    """The history line for a finished turn (``exec``, the TUI, a race lane)."""
    return record_of(
        turn.reading,
        provider=turn.provider,
        model=turn.model,
        source=source,
        cost=cost,
        error=turn.error.kind if turn.error else None,
        interrupted=turn.interrupted,
    )


def _utc_now() -> datetime:
    return datetime.now(UTC)


class DamagedLine(ValueError):
    """A line that is not a speed record."""


def parse_record(line: str) -> SpeedRecord:
    """One line back into a record; ``DamagedLine`` when it is not one."""
    try:
        data = json.loads(line)
    except (json.JSONDecodeError, RecursionError):
        raise DamagedLine("not JSON") from None
    if not isinstance(data, dict):
        raise DamagedLine("not an object")
    for key in ("at", "provider", "model"):
        if not isinstance(data.get(key), str) or not data[key]:
            raise DamagedLine(f"no {key}")
    values: dict[str, object] = {k: v for k, v in data.items() if k in _FIELDS}
    for key in _FLOATS:
        value = values.get(key)
        if value is not None and not _finite_number(value):
            raise DamagedLine(f"bad {key}")
    for key in _INTS:
        value = values.get(key)
        if value is not None and not _count(value):
            raise DamagedLine(f"bad {key}")
    for key in ("output_tokens", "tool_steps"):
        if key in values and not _count(values[key]):
            raise DamagedLine(f"bad {key}")
    if "duration_ms" in values and not _finite_number(values["duration_ms"]):
        raise DamagedLine("bad duration_ms")
    for key in _BOOLS:
        if key in values and not isinstance(values[key], bool):
            raise DamagedLine(f"bad {key}")
    for key in ("source", "error"):
        if values.get(key) is not None and not isinstance(values[key], str):
            raise DamagedLine(f"bad {key}")
    return SpeedRecord(**values)  # type: ignore[arg-type]


def _finite_number(value: object) -> bool:
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return False
    return math.isfinite(value) and value >= 0


def _count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


@dataclass(slots=True, frozen=True)
class HistoryLoad:
    records: tuple[SpeedRecord, ...]
    damaged: int  # lines skipped because they could not be read


class SpeedHistory:
    """The history file: ``append`` one record per turn, ``load`` them all."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_history_path()

    def append(self, record: SpeedRecord) -> None:
        """Add one line; raises ``OSError`` (callers warn, never fail the turn)."""
        line = json.dumps(asdict(record), ensure_ascii=False, separators=(",", ":")) + "\n"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            size = os.fstat(fd).st_size
            if size and os.pread(fd, 1, size - 1) != b"\n":
                line = "\n" + line  # a torn or hand-edited last line stays its own line
            os.write(fd, line.encode("utf-8"))
        finally:
            os.close(fd)

    def load(self) -> HistoryLoad:
        """Every readable record, oldest first, and how many lines were damaged."""
        records: list[SpeedRecord] = []
        damaged = 0
        for line in self._lines():
            try:
                records.append(parse_record(line))
            except DamagedLine:
                damaged += 1
        return HistoryLoad(tuple(records), damaged)

    def _lines(self) -> Iterator[str]:
        try:
            handle = self.path.open("r", encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return
        with handle:
            for line in handle:
                if line.strip():
                    yield line


def append_quietly(history: SpeedHistory | None, record: SpeedRecord) -> str | None:
    """Append ``record``; a sentence saying why not when the file cannot be written."""
    if history is None:
        return None
    try:
        history.append(record)
    except OSError as exc:
        return f"could not write the speed history {history.path}: {exc.strerror or exc}"
    return None
