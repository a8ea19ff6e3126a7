"""`redline exec`: one prompt, headless, through the same turn loop as the TUI.

Without ``--json`` the answer streams to stdout as it arrives and a one-line speed summary goes
to stderr; with ``--json`` exactly one JSON object (DESIGN.md's contract) goes to stdout.
Exit codes: 0 ok, 2 usage or config, 3 provider error, 4 edit refused or failed.
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from redline.agent import AgentMessage, Conversation, Notice, Session, Turn
from redline.agent.approval import DEFAULT_MODE
from redline.agent.edits import EditOutcome, edit_outcome
from redline.agent.history import SpeedHistory, append_quietly, turn_record
from redline.agent.store import SessionStore
from redline.backends.events import StreamError, TextDelta, TextSnapshot
from redline.backends.meter import MeterReading
from redline.backends.prices import Cost, price_for, reading_cost
from redline.cli.exec_output import JsonlStream, commit_rows, say_denied, steps_json, timing_json
from redline.config import Config, ModelOptions, load_config
from redline.safety.terminal import json_dumps

if TYPE_CHECKING:
    from redline.agent import Backend
    from redline.agent.store import SessionWriter
    from redline.tools.context import ContextSet

EXIT_OK, EXIT_USAGE, EXIT_PROVIDER, EXIT_EDIT = 0, 2, 3, 4


class UsageError(Exception):
    """Something the person has to fix before the prompt can be sent (exit 2)."""


def repo_root_of(cwd: Path) -> Path:
    """The git top level when inside a repository, else the directory itself."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=5,
        )
    except (OSError, subprocess.SubprocessError):
        return cwd
    return Path(out.stdout.strip()) if out.returncode == 0 and out.stdout.strip() else cwd


def read_prompt(arg: str, stdin: TextIO) -> str:
    prompt = stdin.read() if arg == "-" else arg
    if not prompt.strip():
        raise UsageError("the prompt is empty: give it as an argument, or pipe it in with '-'")
    return prompt


def start(
    command: str, prompt_arg: str, check: Callable[[], None] | None = None
) -> tuple[str, Path, Config] | None:
    """The prompt, the repository root and its config for ``redline COMMAND`` (``check`` may
    refuse the arguments with a UsageError); None after saying on stderr what to fix. The
    config's trust notice, if any, is said on stderr too."""
    from redline.config import ConfigError

    try:
        prompt = read_prompt(prompt_arg, sys.stdin)
        if check is not None:
            check()
        repo_root = repo_root_of(Path.cwd())
        config = load_config(repo_root)
    except (UsageError, ConfigError) as exc:
        print(f"redline {command}: {exc}", file=sys.stderr)
        return None
    notice = config.trust_notice()
    if notice:
        print(f"redline {command}: {notice}", file=sys.stderr)
    return prompt, repo_root, config


class StdoutStream:
    """Writes answer text as it arrives, flushing at most every ~20 ms (and at the end)."""

    def __init__(self, out: TextIO, *, text: bool = True) -> None:
        self._out = out
        self._text = text  # False (--json): only notices, on stderr
        self._snapshot: str | None = None
        self._flush_pending = False
        self.wrote_text = False

    def __call__(self, event: AgentMessage) -> None:
        kind = type(event)
        if not self._text:
            if kind is Notice:
                print(f"redline: {event.text}", file=sys.stderr)  # type: ignore[union-attr]
            return
        if kind is TextDelta:
            self._out.write(event.text)  # type: ignore[union-attr]
            self.wrote_text = True
            if not self._flush_pending:
                self._flush_pending = True
                asyncio.get_running_loop().call_later(0.02, self._flush)
        elif kind is TextSnapshot:
            self._snapshot = event.text  # type: ignore[union-attr]  # shown once, when final
        elif kind is Notice:
            print(f"redline: {event.text}", file=sys.stderr)  # type: ignore[union-attr]

    def _flush(self) -> None:
        self._flush_pending = False
        self._out.flush()

    def close(self) -> None:
        if self._snapshot is not None:
            self._out.write(self._snapshot)
            self.wrote_text = True
        if self.wrote_text:
            self._out.write("\n")
        self._out.flush()


def stats_json(reading: MeterReading | None, cost: Cost | None = None) -> dict[str, object]:
    r = reading or MeterReading()

    def rounded(value: float | None) -> float | None:
        return None if value is None else round(value, 2)

    return {
        "ttft_ms": rounded(r.ttft_ms),
        "output_tokens": r.output_tokens,
        "tokens_exact": r.tokens_exact,
        "decode_tps": rounded(r.decode_tps),
        "e2e_tps": rounded(r.e2e_tps),
        "server_tps": rounded(r.server_tps),
        "duration_ms": round(r.duration_ms, 2),
        "prompt_tokens": r.prompt_tokens,
        "cached_tokens": r.cached_tokens,
        "reasoning_tokens": r.reasoning_tokens if r.reasoning_tokens or r.tokens_exact else None,
        "cost_usd": None if cost is None else round(cost.usd, 8),
    }


def error_json(error: StreamError | None) -> dict[str, object] | None:
    if error is None:
        return None
    return {"kind": error.kind, "message": error.message, "retry_after_s": error.retry_after_s}


def cost_of(turn: Turn, config: Config) -> Cost | None:
    """What the turn cost at the provider's list price (or the config's), None when unknown."""
    price = price_for(turn.provider, turn.model, config.price_overrides())
    return reading_cost(price, turn.reading, prompt_estimate=turn.prompt_estimate)


def log_speed(turn: Turn, cost: Cost | None, source: str, warn: TextIO) -> None:
    """Append the turn's figures to the speed history; a warning on stderr if that fails."""
    problem = append_quietly(SpeedHistory(), turn_record(turn, cost, source))
    if problem:
        print(f"redline: {problem}", file=warn)


def summary_line(turn: Turn, cost: Cost | None = None) -> str:
    r = turn.reading or MeterReading()
    parts = [f"{turn.provider} {turn.model}"]
    if r.ttft_ms is not None:
        parts.append(f"TTFT {r.ttft_ms:,.0f} ms")
    if r.decode_tps is not None:
        parts.append(f"{r.decode_tps:,.0f} tok/s")
    if r.server_tps is not None:
        parts.append(f"server {r.server_tps:,.0f} tok/s")
    if r.e2e_tps is not None:
        parts.append(f"end-to-end {r.e2e_tps:,.0f} tok/s")
    parts.append(f"{'' if r.tokens_exact else '~'}{r.output_tokens:,} tokens")
    parts.append(f"{r.duration_ms / 1000:.2f} s")
    if cost is not None:
        parts.append(cost.label())
    if turn.interrupted:
        parts.append("interrupted")
    return " · ".join(parts)


def make_context(repo_root: Path, config: Config) -> ContextSet | None:
    try:
        from redline.tools.context import ContextSet
    except ImportError:
        return None
    budget = config.context_budget
    return ContextSet(repo_root, budget=budget) if budget else ContextSet(repo_root)


def model_options(config: Config, model: str) -> ModelOptions:
    return config.models.get(model) or ModelOptions()


def run(args: argparse.Namespace) -> int:
    started = start("exec", args.prompt)
    if started is None:
        return EXIT_USAGE
    prompt, repo_root, config = started
    from redline.tools.edits.pending import interrupted_apply

    if interrupted_apply(repo_root):
        from redline.tools.edits.journal import recover

        note = recover(repo_root)
        if note:
            print(f"redline exec: {note}", file=sys.stderr)
    return asyncio.run(_exec(args, prompt, config, repo_root))


async def _exec(args: argparse.Namespace, prompt: str, config: Config, repo_root: Path) -> int:
    from redline.backends.selection import SelectionError, open_backend

    try:
        backend = await open_backend(
            args.provider, args.model, args.base_url, config, wire=args.wire
        )
    except SelectionError as exc:
        print(f"redline exec: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:  # e.g. the simulator could not listen on loopback
        print(f"redline exec: could not start the backend: {exc}", file=sys.stderr)
        return EXIT_PROVIDER
    try:
        conversation, writer = _saved_session(args, repo_root)
    except UsageError as exc:
        await backend.aclose()
        print(f"redline exec: {exc}", file=sys.stderr)
        return EXIT_USAGE
    options = model_options(config, backend.model)
    session = Session(
        approval=getattr(args, "approval", None) or DEFAULT_MODE,
        can_ask=False,  # nobody to ask: what needs approval is denied, and the model told why
        tools=not args.no_tools,
        repo_root=repo_root,
        open_backend=_no_other_backend,
        conversation=conversation,
        context_set=None if args.no_context else make_context(repo_root, config),
        edit_format=args.edit_format or options.edit_format or config.edit_format,
        max_tokens=args.max_tokens or options.max_tokens or config.max_tokens,
        writer=writer,
        store=SessionStore() if writer is None else None,  # every run is recorded
    )
    session.review.protected = config.protected()  # protected_paths: edits and read tools
    session.secret_names = config.key_env_names()  # never in the session file
    session.use_backend(backend)
    stream = StdoutStream(sys.stdout, text=not (args.json or args.jsonl))
    events = JsonlStream(sys.stdout) if args.jsonl else None

    warnings: list[str] = []

    def emit(message: AgentMessage) -> None:
        if isinstance(message, Notice):
            warnings.append(message.text)
        stream(message)
        say_denied(message)
        if events is not None:
            events(message)

    try:
        turn = await session.run_turn(prompt, emit)
    finally:
        stream.close()
        await session.aclose()
    assert turn is not None  # only a turn cancelled before its backend was ready has none
    cost = cost_of(turn, config)
    log_speed(turn, cost, "exec", sys.stderr)
    outcome = await asyncio.to_thread(
        edit_outcome, turn, repo_root, apply=args.apply, protected=config.protected()
    )
    saved = session.session_id
    if saved and not (args.json or args.jsonl):
        print(f"session {saved} (redline exec --session {saved} continues it)", file=sys.stderr)
    return _report(args, turn, outcome, cost, repo_root, warnings)


async def _no_other_backend(provider: str | None, model: str | None, url: str | None) -> Backend:
    raise RuntimeError("redline exec runs on the backend it opened")


def _saved_session(
    args: argparse.Namespace, repo_root: Path
) -> tuple[Conversation, SessionWriter | None]:
    """The conversation ``--session`` continues (created when missing) and its writer,
    checked writable before any request is sent."""
    if not args.session:
        return Conversation(), None
    from redline.agent.store import SessionError, SessionStore

    try:
        return SessionStore().open_or_create(args.session, repo_root)
    except SessionError as exc:
        raise UsageError(str(exc)) from None


def _report(
    args: argparse.Namespace,
    turn: Turn,
    outcome: EditOutcome,
    cost: Cost | None,
    repo_root: Path,
    warnings: list[str],
) -> int:
    error = turn.error or outcome.error
    if turn.commit:
        outcome = EditOutcome(
            commit_rows(repo_root, turn.commit) + outcome.rows, turn.commit, outcome.error
        )
    if args.json or args.jsonl:
        obj: dict[str, object] = {
            "provider": turn.provider,
            "model": turn.model,
            "text": turn.text,
            "reasoning": turn.reasoning,
            "finish_reason": turn.finish_reason,
            "stats": stats_json(turn.reading, cost) | timing_json(turn),
            "edits": outcome.rows,
            "steps": steps_json(turn),
            "commit": outcome.commit,
            "warnings": warnings,
            "error": error_json(error),
        }
        if args.jsonl:
            obj = {"type": "turn.finished"} | obj
        sys.stdout.write(json_dumps(obj) + "\n")
        sys.stdout.flush()
    elif error is None or (turn.reading is not None and turn.reading.output_tokens):
        print(summary_line(turn, cost), file=sys.stderr)
        for row in outcome.rows:
            verb = row["status"]
            print(f"{verb} {row['path']} +{row['added']} -{row['removed']}", file=sys.stderr)
        if outcome.commit:
            print(f"committed {outcome.commit[:10]} (redline undo takes it back)", file=sys.stderr)
    if error is not None:
        print(f"redline exec: {error.message}", file=sys.stderr)
        return EXIT_EDIT if error.kind == "edit" else EXIT_PROVIDER
    return EXIT_OK
