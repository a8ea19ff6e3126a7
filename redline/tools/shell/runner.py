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
import re
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
_INFO_WAIT_S = 5.0  # how long a kill waits for bubblewrap to say which process it started
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
    """Signals the command's process group and, when sandboxed, the sandbox's first process.

    Bubblewrap ties the sandbox to its own life only once the sandbox is set up: killing it in its
    first milliseconds leaves the command running. Killing the sandbox's PID 1 (its pid comes on
    the info fd right after the clone) takes the whole PID namespace down at any moment.
    """

    def __init__(self, pgid: int, info: _ChildPid | None) -> None:
        self.pgid = pgid
        self.info = info

    def send(self, sig: int) -> None:
        child = self.info.pid if self.info else None
        if child is not None and sig == signal.SIGKILL:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(child, sig)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pgid, sig)

    async def ready(self, exited: asyncio.Event) -> None:
        """Wait (briefly) until a sandbox's first process is known, so a kill reaches it."""
        if self.info is not None:
            await self.info.wait(exited)


class _ChildPid:
    """Reads bubblewrap's `--info-fd` JSON for the sandbox's first process."""

    def __init__(self) -> None:
        self.read_fd, self.write_fd = os.pipe()
        os.set_blocking(self.read_fd, False)
        self.pid: int | None = None
        self._data = b""
        self._done = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None

    def start(self) -> None:
        self._close_write()
        self._loop = asyncio.get_running_loop()
        self._loop.add_reader(self.read_fd, self._readable)

    def _readable(self) -> None:
        try:
            chunk = os.read(self.read_fd, 4096)
        except BlockingIOError:
            return
        except OSError:
            chunk = b""
        self._data += chunk
        match = re.search(rb'"child-pid"\s*:\s*(\d+)', self._data)
        if match:
            self.pid = int(match.group(1))
        if match or not chunk:
            self._done.set()
        if not chunk and self._loop is not None:  # keep reading until EOF: bubblewrap
            self._loop.remove_reader(self.read_fd)  # dies of SIGPIPE if we stop early
            self._loop = None

    async def wait(self, exited: asyncio.Event) -> None:
        waiters = [asyncio.ensure_future(self._done.wait()), asyncio.ensure_future(exited.wait())]
        try:
            await asyncio.wait(waiters, timeout=_INFO_WAIT_S, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for w in waiters:
                w.cancel()

    def _close_write(self) -> None:
        if self.write_fd >= 0:
            os.close(self.write_fd)
            self.write_fd = -1

    def close(self) -> None:
        if self._loop is not None:
            self._loop.remove_reader(self.read_fd)
            self._loop = None
        if self.read_fd >= 0:
            os.close(self.read_fd)
            self.read_fd = -1
        self._close_write()


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
    argv: list[str], cwd: Path, env: Mapping[str, str], pass_fds: tuple[int, ...] = ()
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
        pass_fds=pass_fds,
    )
    return asyncio.subprocess.Process(transport, protocol, loop), exited


async def _stop(exited: asyncio.Event, kill: _Kill) -> None:
    await kill.ready(exited)
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


@dataclass(frozen=True, slots=True)
class _Launch:
    argv: list[str]
    label: str | None  # the sandbox's kind
    network: bool
    info: _ChildPid | None = None  # bubblewrap's report of its first process
    tmp_dir: Path | None = None  # macOS: the private temp dir, removed after


def _launch(
    command: str, env: dict[str, str], sandbox: Sandbox | None, policy: SandboxPolicy
) -> _Launch:
    shell = shutil.which("bash", path=env.get("PATH")) or "/bin/sh"
    argv = [shell, "-c", command]
    if sandbox is None:
        return _Launch(argv, None, True)
    if sandbox.kind == "sandbox-exec":
        tmp = Path(tempfile.mkdtemp(prefix="redline-cmd-"))
        env["TMPDIR"] = str(tmp)
        return _Launch(sandbox.wrap(argv, policy, tmp), sandbox.kind, policy.network, tmp_dir=tmp)
    info = _ChildPid()
    wrapped = sandbox.wrap(argv, policy, info_fd=info.write_fd)
    return _Launch(wrapped, sandbox.kind, policy.network, info=info)


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
    start = clock()
    env = dict(env)
    launch = _launch(command, env, sandbox, policy or SandboxPolicy(cwd))

    def result(**kw: object) -> CommandResult:
        return CommandResult(
            command, cwd, duration_ms=(clock() - start) * 1000, sandbox=launch.label,
            network=launch.network, **kw,  # type: ignore[arg-type]
        )  # fmt: skip

    try:
        if cancel is not None and cancel.is_set():
            return result(exit_code=None, output="", cancelled=True)
        try:
            fds = (launch.info.write_fd,) if launch.info else ()
            proc, exited = await _spawn(launch.argv, cwd, env, fds)
        except OSError as exc:
            return result(exit_code=None, output="", error=f"could not start the command: {exc}")
        if launch.info:
            launch.info.start()
        how, capture = await _supervise(
            proc, exited, _Kill(proc.pid, launch.info), timeout_s, cancel, on_output, output_chars
        )
    finally:
        if launch.info:
            launch.info.close()
        if launch.tmp_dir is not None:
            shutil.rmtree(launch.tmp_dir, ignore_errors=True)
    return result(
        exit_code=proc.returncode if how == "done" else None,
        output=for_model_text(capture.text()),
        timed_out=how == "timeout",
        cancelled=how == "cancel",
        cut_chars=capture.cut_chars,
    )


async def _supervise(
    proc: asyncio.subprocess.Process,
    exited: asyncio.Event,
    kill: _Kill,
    timeout_s: float,
    cancel: asyncio.Event | None,
    on_output: OnOutput | None,
    output_chars: int,
) -> tuple[str, OutputCapture]:
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
        await kill.ready(exited)
        kill.send(signal.SIGKILL)
        raise
    finally:
        for pump in pumps:
            pump.cancel()
        transport = getattr(proc, "_transport", None)
        if transport is not None:
            transport.close()  # pipes a stray grandchild still holds are closed on our side
    return how, capture
