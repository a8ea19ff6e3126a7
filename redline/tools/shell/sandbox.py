"""Where a model's command runs: bubblewrap on Linux, `sandbox-exec` on macOS, or nowhere.

Inside the sandbox the filesystem is read-only except the repository (its `.git` stays read-only, so a
command cannot plant a hook or rewrite history), a private `/tmp`, and any extra writable paths a
trusted config names; there is no network unless a trusted config allows it; the command gets its own
PID namespace (it cannot see or signal redline), its own session (it cannot push keystrokes into the
terminal), no capabilities, and dies with redline. The work tree's protected files and the person's
secrets (`hide.py`) are covered by empty read-only mounts, so `cat .env` reads nothing.

`find_sandbox` checks that the sandbox really starts (a container without user namespaces has `bwrap`
installed and still cannot use it); when it cannot, `SandboxStatus.problem` says so with what to install.
The macOS path is written against `sandbox-exec`'s documented profile language and is not exercised by
the test suite (it runs on Linux).
"""

from __future__ import annotations

import asyncio
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from redline.tools.shell.hide import NOTHING_HIDDEN, Hidden

SandboxKind = Literal["bwrap", "sandbox-exec"]
PROBE_TIMEOUT_S = 5.0


@dataclass(frozen=True, slots=True)
class SandboxPolicy:
    """What a sandboxed command may touch besides reading the filesystem."""

    repo_root: Path
    network: bool = False
    writable: tuple[Path, ...] = ()
    hidden: Hidden = (
        NOTHING_HIDDEN  # covered: protected files of the work tree, the person's secrets
    )


@dataclass(frozen=True, slots=True)
class Sandbox:
    kind: SandboxKind
    executable: str

    def wrap(
        self,
        argv: list[str],
        policy: SandboxPolicy,
        tmp_dir: Path | None = None,
        info_fd: int | None = None,
    ) -> list[str]:
        """`argv` run inside the sandbox. `tmp_dir` (macOS only) is the private temp dir to allow;
        `info_fd` (bubblewrap only) gets `{"child-pid": N}`, the sandbox's first process."""
        if self.kind == "bwrap":
            info = ["--info-fd", str(info_fd)] if info_fd is not None else []
            return [self.executable, *bwrap_args(policy), *info, "--", *argv]
        return [self.executable, *sandbox_exec_args(policy, tmp_dir), "--", *argv]


@dataclass(frozen=True, slots=True)
class SandboxStatus:
    """The sandbox to use, or why there is none (one sentence naming what to install)."""

    sandbox: Sandbox | None
    problem: str | None = None

    @property
    def available(self) -> bool:
        return self.sandbox is not None


def bwrap_args(policy: SandboxPolicy) -> list[str]:
    root = policy.repo_root.resolve()
    args = ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
    args += ["--tmpfs", "/tmp", "--tmpfs", "/var/tmp", "--tmpfs", "/dev/shm"]
    args += ["--bind", str(root), str(root)]
    if (root / ".git").is_dir():
        args += ["--ro-bind", str(root / ".git"), str(root / ".git")]
    writable = [str(extra.expanduser().resolve()) for extra in policy.writable]
    for path in writable:
        args += ["--bind-try", path, path]
    args += _cover_args(policy.hidden, [str(root), *writable])
    if not policy.network:
        args.append("--unshare-net")
    args += ["--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"]
    args += ["--die-with-parent", "--new-session", "--cap-drop", "ALL"]
    args += ["--setenv", "TMPDIR", "/tmp", "--setenv", "XDG_CACHE_HOME", "/tmp/.cache"]
    args += ["--chdir", str(root)]
    return args


_TMPFS = ("/tmp", "/var/tmp", "/dev/shm", "/dev", "/proc")


def _cover_args(hidden: Hidden, bound: list[str]) -> list[str]:
    """Mounts that empty each hidden path (after the binds, so they win). A path under one of the
    sandbox's own tmpfs folders is not there to read unless a bind brought it back."""

    def visible(path: str) -> bool:
        if any(path == b or path.startswith(b + "/") for b in bound):
            return True
        return not any(path == t or path.startswith(t + "/") for t in _TMPFS)

    args: list[str] = []
    for d in map(str, hidden.dirs):
        if visible(d):
            args += ["--tmpfs", d, "--remount-ro", d]
    for f in map(str, hidden.files):
        if visible(f):
            args += ["--ro-bind", "/dev/null", f]
    for copy, dest in hidden.replaced:
        if visible(str(dest)):
            args += ["--ro-bind", str(copy), str(dest)]
    return args


# The last matching rule wins in a sandbox-exec profile, so the denials come after the allowances.
_SEATBELT = """(version 1)
(allow default)
(deny file-write*)
(allow file-write*
  (subpath (param "REPO"))
  (subpath (param "TMP"))
  {extra}
  (literal "/dev/null") (literal "/dev/zero") (literal "/dev/tty")
  (regex #"^/dev/fd/") (regex #"^/dev/ttys"))
(deny file-write* (subpath (param "GIT")))
{hidden}{network}
"""


def seatbelt_profile(
    writable_count: int, network: bool, hidden_files: int = 0, hidden_dirs: int = 0
) -> str:
    extra = " ".join(f'(subpath (param "W{i}"))' for i in range(writable_count))
    deny_network = "" if network else "(deny network*)\n(allow network* (remote unix-socket))"
    covered = [f'(literal (param "H{i}"))' for i in range(hidden_files)]
    covered += [f'(subpath (param "D{i}"))' for i in range(hidden_dirs)]
    hidden = f"(deny file-read* file-write* {' '.join(covered)})\n" if covered else ""
    return _SEATBELT.format(extra=extra, network=deny_network, hidden=hidden)


def sandbox_exec_args(policy: SandboxPolicy, tmp_dir: Path | None) -> list[str]:
    root = policy.repo_root.resolve()
    writable = [p.expanduser().resolve() for p in policy.writable]
    hidden = policy.hidden
    profile = seatbelt_profile(len(writable), policy.network, len(hidden.files), len(hidden.dirs))
    args = ["-p", profile]
    args += ["-D", f"REPO={root}", "-D", f"GIT={root / '.git'}"]
    args += ["-D", f"TMP={(tmp_dir or Path('/tmp')).resolve()}"]
    for i, path in enumerate(writable):
        args += ["-D", f"W{i}={path}"]
    args += [a for i, f in enumerate(hidden.files) for a in ("-D", f"H{i}={f}")]
    args += [a for i, d in enumerate(hidden.dirs) for a in ("-D", f"D{i}={d}")]
    return args


Which = Callable[[str], str | None]


async def _starts(argv: list[str]) -> bool:
    try:
        proc = await asyncio.create_subprocess_exec(
            *argv,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
    except OSError:
        return False
    try:
        return await asyncio.wait_for(proc.wait(), PROBE_TIMEOUT_S) == 0
    except TimeoutError:
        proc.kill()
        await proc.wait()
        return False


async def find_sandbox(platform: str = sys.platform, which: Which = shutil.which) -> SandboxStatus:
    """The platform's sandbox when it is installed and really starts a command."""
    if platform.startswith("linux"):
        exe = which("bwrap")
        if exe is None:
            return SandboxStatus(
                None,
                "no sandbox: bubblewrap is not installed (Debian/Ubuntu: `apt install bubblewrap`, "
                "Fedora: `dnf install bubblewrap`); the model's commands will each ask first.",
            )
        sandbox = Sandbox("bwrap", exe)
        probe = sandbox.wrap(["true"], SandboxPolicy(Path(tempfile.gettempdir())))
        if not await _starts(probe):
            return SandboxStatus(
                None,
                "no sandbox: bubblewrap is installed but cannot start here (user namespaces are "
                "off, as in many containers); the model's commands will each ask first.",
            )
        return SandboxStatus(sandbox)
    if platform == "darwin":
        exe = which("sandbox-exec")
        if exe is not None and await _starts([exe, "-p", "(version 1)(allow default)", "true"]):
            return SandboxStatus(Sandbox("sandbox-exec", exe))
        return SandboxStatus(
            None,
            "no sandbox: macOS `sandbox-exec` is missing or refused to start; "
            "the model's commands will each ask first.",
        )
    return SandboxStatus(
        None, f"no sandbox on {platform}; the model's commands will each ask first."
    )
