"""Run one command: `bash -c` in a directory, output streamed, timed, killed with its children.

The command leads its own process group (its own session), so a timeout, a cancel (Esc) or the end
of the command kills everything it started; inside bubblewrap the PID namespace does the same. Stdin
is closed: nothing can wait for a person.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import os
import shutil
import signal
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from redline.tools.shell.output import (
    MODEL_OUTPUT_CHARS,
    OutputCapture,
    OutputChunk,
    Stream,
    for_model_text,
)
from redline.tools.shell.sandbox import Sandbox, SandboxPolicy

DEFAULT_TIMEOUT_S = 120.0
_GRACE_S = 0.5  # between SIGTERM and SIGKILL
_DRAIN_S = 1.0  # how long to wait for pipes a stray grandchild still holds
_READ = 65_536

OnOutput = Callable[[OutputChunk], None]
Clock = Callable[[], float]


@dataclass(frozen=True, slots=True)
class CommandResult:
    """How a command ended. `output` is the model's bounded copy (head, cut note, tail)."""

    command: str
    cwd: Path
    exit_code: int | None  # None when it was killed (timeout or cancel) or could not start
    duration_ms: float
    output: str
    timed_out: bool = False
    cancelled: bool = False
    sandbox: str | None = None  # "bwrap" | "sandbox-exec" | None (not sandboxed)
    network: bool = True  # False when the sandbox cut it off
    cut_chars: int = 0
    error: str | None = None  # could not start it at all

    @property
    def ok(self) -> bool:
        return self.exit_code == 0

    @property
    def status(self) -> str:
        """One short phrase: `exit 0`, `exit 2`, `timed out after 120 s`, `cancelled`."""
        if self.error:
            return "could not start"
        if self.timed_out:
            return f"timed out after {self.duration_ms / 1000:.0f} s"
        if self.cancelled:
            return "cancelled"
        return f"exit {self.exit_code}"

    def for_model(self) -> str:
        """The tool result text: what ran, how it ended, then the (capped) output."""
        where = f"sandboxed ({self.sandbox}" + ("" if self.network else ", no network")
        where = where + ")" if self.sandbox else "not sandboxed"
        head = f"$ {self.command}\n[{self.status}; {self.duration_ms:.0f} ms; {where}]"
        if self.error:
            return f"{head}\n{self.error}"
        if self.timed_out:
            head += "\n[the command and everything it started were killed at the timeout]"
        body = self.output if self.output else "(no output)"
        return f"{head}\n{body}"


class _Kill:
    """Signals a process group, tolerating one that is already gone."""

    def __init__(self, pgid: int) -> None:
        self.pgid = pgid

    def send(self, sig: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pgid, sig)


async def _pump(
    reader: asyncio.StreamReader,
    stream: Stream,
    capture: OutputCapture,
    on_output: OnOutput | None,
) -> None:
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    while True:
        data = await reader.read(_READ)
        text = decoder.decode(data, final=not data)
        if text:
            capture.write(text)
            if on_output is not None:
                on_output(OutputChunk(stream, text))
        if not data:
            return


class _Protocol(asyncio.subprocess.SubprocessStreamProtocol):
    """Says when the command itself exits (`Process.wait` also waits for its pipes to close)."""

    def __init__(self, exited: asyncio.Event, limit: int, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(limit=limit, loop=loop)
        self.exited = exited

    def process_exited(self) -> None:
        super().process_exited()
        self.exited.set()


async def _spawn(
    argv: list[str], cwd: Path, env: Mapping[str, str]
) -> tuple[asyncio.subprocess.Process, asyncio.Event]:
    loop = asyncio.get_running_loop()
    exited = asyncio.Event()
    transport, protocol = await loop.subprocess_exec(
        lambda: _Protocol(exited, _READ, loop),
        *argv,
        cwd=cwd,
        env=dict(env),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        start_new_session=True,
    )
    return asyncio.subprocess.Process(transport, protocol, loop), exited


async def _stop(exited: asyncio.Event, kill: _Kill) -> None:
    kill.send(signal.SIGTERM)
    try:
        await asyncio.wait_for(exited.wait(), _GRACE_S)
    except TimeoutError:
        pass
    kill.send(signal.SIGKILL)
    await exited.wait()


async def _wait(exited: asyncio.Event, timeout_s: float, cancel: asyncio.Event | None) -> str:
    """'done', 'timeout' or 'cancel', whichever comes first."""
    waiters = {asyncio.ensure_future(exited.wait()): "done"}
    if cancel is not None:
        waiters[asyncio.ensure_future(cancel.wait())] = "cancel"
    try:
        done, _ = await asyncio.wait(
            waiters, timeout=timeout_s, return_when=asyncio.FIRST_COMPLETED
        )
    finally:
        for task in waiters:
            task.cancel()
    if exited.is_set() and not any(waiters[t] == "cancel" for t in done):
        return "done"
    return "cancel" if done else "timeout"


async def run_command(
    command: str,
    cwd: Path,
    *,
    env: Mapping[str, str],
    timeout_s: float = DEFAULT_TIMEOUT_S,
    sandbox: Sandbox | None = None,
    policy: SandboxPolicy | None = None,
    on_output: OnOutput | None = None,
    cancel: asyncio.Event | None = None,
    output_chars: int = MODEL_OUTPUT_CHARS,
    clock: Clock = time.perf_counter,
) -> CommandResult:
    """Run ``command`` with ``bash -c`` in ``cwd`` (inside ``sandbox`` when given).

    Cancelling the awaiting task kills the command too, then re-raises.
    """
    policy = policy or SandboxPolicy(cwd)
    shell = shutil.which("bash", path=env.get("PATH")) or "/bin/sh"
    argv = [shell, "-c", command]
    mac_tmp = None
    if sandbox is not None:
        if sandbox.kind == "sandbox-exec":
            mac_tmp = Path(tempfile.mkdtemp(prefix="redline-cmd-"))
            env = {**env, "TMPDIR": str(mac_tmp)}
        argv = sandbox.wrap(argv, policy, mac_tmp)
    label = sandbox.kind if sandbox else None
    network = sandbox is None or policy.network
    start = clock()
    try:
        return await _run(
            argv, command, cwd, env, timeout_s, on_output, cancel, output_chars, clock, start,
            label, network,
        )  # fmt: skip
    finally:
        if mac_tmp is not None:
            shutil.rmtree(mac_tmp, ignore_errors=True)


async def _run(
    argv: list[str],
    command: str,
    cwd: Path,
    env: Mapping[str, str],
    timeout_s: float,
    on_output: OnOutput | None,
    cancel: asyncio.Event | None,
    output_chars: int,
    clock: Clock,
    start: float,
    label: str | None,
    network: bool,
) -> CommandResult:
    def result(**kw: object) -> CommandResult:
        return CommandResult(
            command, cwd, duration_ms=(clock() - start) * 1000, sandbox=label, network=network,
            **kw,  # type: ignore[arg-type]
        )  # fmt: skip

    try:
        proc, exited = await _spawn(argv, cwd, env)
    except OSError as exc:
        why = f"could not start the command: {exc.strerror or exc}"
        return result(exit_code=None, output="", error=why)
    kill = _Kill(proc.pid)
    capture = OutputCapture(output_chars)
    assert proc.stdout is not None and proc.stderr is not None
    pumps = [
        asyncio.ensure_future(_pump(proc.stdout, "stdout", capture, on_output)),
        asyncio.ensure_future(_pump(proc.stderr, "stderr", capture, on_output)),
    ]
    how = "done"
    try:
        how = await _wait(exited, timeout_s, cancel)
        if how != "done":
            await _stop(exited, kill)
        kill.send(signal.SIGKILL)  # whatever it left running in the background goes too
        await asyncio.wait(pumps, timeout=_DRAIN_S)
    except asyncio.CancelledError:
        kill.send(signal.SIGKILL)
        raise
    finally:
        for pump in pumps:
            pump.cancel()
        transport = getattr(proc, "_transport", None)
        if transport is not None:
            transport.close()  # pipes a stray grandchild still holds are closed on our side
    code = proc.returncode if how == "done" else None
    return result(
        exit_code=code,
        output=for_model_text(capture.text()),
        timed_out=how == "timeout",
        cancelled=how == "cancel",
        cut_chars=capture.cut_chars,
    )
