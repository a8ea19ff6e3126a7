"""What a person sees through a real terminal: redline (and any peer on PATH) in tmux.

One model server (``_term_server.py``, its own process) streams the same answer at a fixed rate
with a fixed time to first token, on Chat Completions and the Responses API. Each assistant runs
in a tmux pane pointed at it; a tmux control-mode client reads the screen with ``capture-pane``
every ``--poll-ms`` (no fork per poll), so a figure is known to within about one poll. Launches
are interleaved across assistants, each on a quiet machine (it waits, up to 5 s, until under 15 %
of the CPUs was busy over a quarter second: Codex's app-server daemon goes on working after its
pane closed); every figure is a median over ``--launches`` x ``--prompts``.

Per assistant and rate:
- ``first_text_ms``: the server's first token -> the answer's first word on screen;
- ``final_lag_ms``: the server's last byte -> the answer's last word on screen;
- ``stall_ms``: the longest time the screen did not change while the answer streamed;
- ``enter_to_request_ms``: Enter sent -> the request on the server's socket;
- ``launch_ms``: process start -> the prompt ready on screen; ``launch_cpu_ms``: the CPU the
  assistant's processes had used by then (10 ms ticks; steadier than the wall clock on a busy machine);
- ``cpu_ms``: CPU (user + system) the assistant's processes used from Enter to the answer's end
  on screen (``/proc``, the pane's process and everything below it).

Peers: Codex CLI (``codex``, if on PATH: ``npm install -g @openai/codex``), pointed at the
server as a custom Responses provider with a throwaway CODEX_HOME.

``--baseline DIR`` adds another checkout of redline (``redline-baseline``), interleaved with
this one: before and after in the same run.

Usage: python benchmarks/terminal.py [--rates 2000,20000] [--launches 5] [--prompts 2]
       [--only redline] [--poll-ms 4] [--baseline DIR]
Prints one JSON object.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import queue
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZE = (120, 40)
START_RE = re.compile(r"Bench-(\d+)")
END_RE = re.compile(r"bench-end-(\d+)")


_SCREENS = itertools.count()


class Screen:
    """One tmux server with one session, read through a control-mode client."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], cwd: Path) -> None:
        # A fresh socket for every screen: reusing one right after kill-server races the old
        # server's exit ("server exited unexpectedly").
        self.sock = f"redline-bench-{os.getpid()}-{name}-{next(_SCREENS)}"
        self.name = name
        self.env = env
        self.cwd = cwd
        self._tmux(
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-s",
            name,
            "-x",
            str(SIZE[0]),
            "-y",
            str(SIZE[1]),
            "sleep 100000",
        )
        self._tmux("set-option", "-g", "window-size", "manual")
        self._tmux("set-option", "-g", "remain-on-exit", "on")
        self.command = command
        self.control = subprocess.Popen(
            ["tmux", "-L", self.sock, "-C", "attach", "-t", name, "-f", "no-output,read-only"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        # The attach command's own reply (an empty %begin/%end block) comes first: read it now,
        # or every later reply is read one command late (a capture would be the previous poll's).
        self._reply()

    def _tmux(self, *args: str) -> None:
        subprocess.run(["tmux", "-L", self.sock, *args], check=True, env=self.env)

    def _ask(self, command: str) -> list[str]:
        assert self.control.stdin is not None and self.control.stdout is not None
        self.control.stdin.write(command + "\n")
        self.control.stdin.flush()
        return self._reply()

    def _reply(self) -> list[str]:
        assert self.control.stdout is not None
        out: list[str] = []
        inside = False
        for line in self.control.stdout:
            if line.startswith("%begin"):
                inside = True
                out = []
            elif line.startswith(("%end", "%error")) and inside:
                return out
            elif inside:
                out.append(line.rstrip("\n"))
        raise RuntimeError("tmux control client closed")

    def launch(self) -> float:
        env = " ".join(f"{k}={_quote(v)}" for k, v in self.env.items() if k not in os.environ)
        cmd = f"cd {_quote(str(self.cwd))} && exec env {env} " + " ".join(map(_quote, self.command))
        started = time.monotonic()
        self._ask(f"respawn-pane -k -t {self.name} {_quote(cmd)}")
        return started

    def capture(self) -> str:
        return "\n".join(self._ask(f"capture-pane -p -t {self.name}"))

    def keys(self, *keys: str, literal: bool = False) -> float:
        flag = " -l" if literal else ""
        now = time.monotonic()
        self._ask(f"send-keys -t {self.name}{flag} " + " ".join(_quote(k) for k in keys))
        return now

    def pane_pid(self) -> int:
        return int(self._ask(f"list-panes -t {self.name} -F '#{{pane_pid}}'")[0])

    def close(self) -> None:
        try:
            self.control.stdin.close()  # type: ignore[union-attr]
        except OSError:
            pass
        self.control.wait(timeout=5)
        subprocess.run(["tmux", "-L", self.sock, "kill-server"], check=False, capture_output=True)


_TICK = os.sysconf("SC_CLK_TCK")


def tree_cpu_s(pid: int) -> float:
    """User + system CPU of ``pid`` and every process below it, in seconds (``/proc``); a
    process that ended in between counts no more (its time went to its parent only if waited)."""
    total, todo, seen = 0.0, [pid], set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / _TICK
            for task in Path(f"/proc/{current}/task").iterdir():
                todo.extend(int(c) for c in (task / "children").read_text().split())
        except (OSError, ValueError, IndexError):
            continue
    return total


def _cpu_busy_idle() -> tuple[int, int]:
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, idle


def settle(limit_s: float = 5.0, window_s: float = 0.25, busy_max: float = 0.15) -> float:
    """Wait until the machine is quiet (under ``busy_max`` of all CPUs busy over a window),
    at most ``limit_s``: a peer's leftovers (Codex's app-server daemon finishing its work, a
    closed pane's process exiting) must not run into the next launch. The seconds waited."""
    start = time.monotonic()
    while time.monotonic() - start < limit_s:
        busy0, idle0 = _cpu_busy_idle()
        time.sleep(window_s)
        busy1, idle1 = _cpu_busy_idle()
        total = (busy1 - busy0) + (idle1 - idle0)
        if total > 0 and (busy1 - busy0) / total < busy_max:
            break
    return time.monotonic() - start


def _quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


@dataclass
class Assistant:
    name: str
    command: list[str]
    env: dict[str, str]
    ready: re.Pattern[str]
    quit_keys: list[str]
    new_chat: list[str] = field(default_factory=list)


class ModelServer:
    def __init__(self, rate: float, ttft_ms: float) -> None:
        self.proc = subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "benchmarks" / "_term_server.py"),
                "0",
                *map(str, (rate, ttft_ms)),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        hello = json.loads(self.proc.stdout.readline())
        self.port = int(hello["port"])
        self.tokens = int(hello["tokens"])

        self.records: dict[int, dict[str, float]] = {}
        self._lines: queue.Queue[dict[str, float]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def record(self, n: int, timeout: float = 30.0) -> dict[str, float]:
        """The server's times for the request that streamed answer ``n``."""
        deadline = time.monotonic() + timeout
        while n not in self.records:
            try:
                line = self._lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise TimeoutError(f"the model server never finished answer {n}") from None
            self.records[int(line["n"])] = line
        return self.records[n]

    def _read(self) -> None:
        # A thread, not select() on the pipe: a buffered readline can take two records at
        # once (Codex sends two requests per prompt), and select would then wait forever.
        assert self.proc.stdout is not None
        for raw in self.proc.stdout:
            self._lines.put(json.loads(raw))

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=5)


def assistants(
    port: int,
    home: Path,
    only: set[str] | None,
    trace: str | None = None,
    baseline: Path | None = None,
) -> list[Assistant]:
    base = f"http://127.0.0.1:{port}/v1"
    out: list[Assistant] = []
    cfg = home / "redline-config"
    (cfg / "redline").mkdir(parents=True, exist_ok=True)
    (cfg / "redline" / "config.toml").write_text(
        'default_provider = "bench"\n[providers.bench]\n'
        f'base_url = "{base}"\nmodels = ["bench-model"]\nwire = "chat"\n'
    )
    redline_env = {
        "XDG_CONFIG_HOME": str(cfg),
        "XDG_STATE_HOME": str(home / "redline-state"),
        "XDG_CACHE_HOME": str(home / "redline-cache"),
        "PYTHONPATH": str(ROOT),
        "REDLINE_NO_PROBE": "1",
        "TERM": "xterm-256color",
    }
    if trace:  # redline's opt-in frame trace (redline/tui/frame_trace.py), appended per launch
        redline_env["REDLINE_TRACE_FRAMES"] = trace
    out.append(
        Assistant(
            "redline",
            [sys.executable, "-m", "redline"],
            redline_env,
            re.compile(re.escape("Ask for a change")),
            ["C-q"],
            ["/clear", "Enter"],
        )
    )
    if baseline is not None:  # another checkout of redline (the commit before), same config
        out.append(
            Assistant(
                "redline-baseline",
                [sys.executable, "-m", "redline"],
                {**redline_env, "PYTHONPATH": str(baseline)},
                re.compile(re.escape("Ask for a change")),
                ["C-q"],
                ["/clear", "Enter"],
            )
        )
    out.append(  # the floor: what the measurement itself costs (benchmarks/_term_floor.py)
        Assistant(
            "floor",
            [sys.executable, str(ROOT / "benchmarks" / "_term_floor.py"), base],
            {"TERM": "xterm-256color"},
            re.compile(re.escape("floor›")),
            ["C-c"],
        )
    )
    codex = shutil.which("codex")
    if codex:
        codex_home = home / "codex-home"
        codex_home.mkdir(exist_ok=True)
        (codex_home / "config.toml").write_text(
            'model = "bench-model"\nmodel_provider = "bench"\n'
            'approval_policy = "never"\nsandbox_mode = "read-only"\n'
            "check_for_update_on_startup = false\n"
            "[model_providers.bench]\n"
            f'name = "bench"\nbase_url = "{base}"\nenv_key = "BENCH_API_KEY"\n'
            'wire_api = "responses"\n'
            f'[projects."{home / "repo"}"]\ntrust_level = "trusted"\n'
        )
        out.append(
            Assistant(
                "codex",
                [codex],
                {
                    "CODEX_HOME": str(codex_home),
                    "BENCH_API_KEY": "fake-bench-key",
                    "TERM": "xterm-256color",
                },
                re.compile(r"(?m)^\s*›"),
                ["C-c", "C-c"],
                [],
            )
        )
    return [a for a in out if only is None or a.name in only]


def screen_env(peer: Assistant) -> dict[str, str]:
    """The pane's environment. Without ``PYTHONDONTWRITEBYTECODE``: a person's redline finds
    its bytecode caches (the warm-up launch writes them); with it, every launch compiles all
    of redline's modules again (about 0.3 s here)."""
    env = {**os.environ, **peer.env}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def wait_for(screen: Screen, pattern: re.Pattern[str], timeout: float, poll_s: float) -> float:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        now = time.monotonic()
        if pattern.search(screen.capture()):
            return now
        time.sleep(poll_s)
    raise TimeoutError(f"{pattern.pattern!r} never appeared")


def one_prompt(
    screen: Screen,
    server: ModelServer,
    seen: set[int],
    poll_s: float,
    timeout: float = 60,
    log: list[dict[str, object]] | None = None,
) -> dict[str, float]:
    screen.keys("bench", literal=True)
    time.sleep(0.3)
    pid = screen.pane_pid()
    cpu_before = tree_cpu_s(pid)
    enter = screen.keys("Enter")
    first: float | None = None
    end: float | None = None
    number: int | None = None
    last_change = enter
    previous = ""
    changes: list[float] = []
    stall = 0.0
    deadline = enter + timeout
    while end is None and time.monotonic() < deadline:
        now = time.monotonic()
        text = screen.capture()
        if text != previous:
            changes.append(now)
            if first is not None:
                stall = max(stall, now - last_change)
            last_change = now
            previous = text
        if first is None:
            fresh = [int(m) for m in START_RE.findall(text) if int(m) not in seen]
            if fresh:
                first, number, last_change = now, fresh[-1], now
        if number is not None and str(number) in END_RE.findall(text):
            end = now
        time.sleep(poll_s)
    if first is None or end is None:
        raise TimeoutError(
            f"the answer never finished on screen (first text seen: {first is not None})"
        )
    assert number is not None
    cpu = tree_cpu_s(pid) - cpu_before
    record = server.record(number)
    seen.add(number)
    if log is not None:  # --trace: the screen's times, to line up with redline's own marks
        log.append({"n": number, "enter": enter, "first": first, "end": end, "changes": changes})
    return {
        "first_text_ms": (first - record["first_token"]) * 1000,
        "final_lag_ms": (end - record["last_byte"]) * 1000,
        "stall_ms": stall * 1000,
        "enter_to_request_ms": (record["arrived"] - enter) * 1000,
        "cpu_ms": cpu * 1000,
    }


def warm_up(peer: Assistant, server: ModelServer, repo: Path, poll_s: float) -> None:
    """Launch once and answer once, unmeasured. Codex's first start in a fresh CODEX_HOME
    installs its app-server daemon ("Waiting for startup") and ignores Enter until it is done;
    Python writes its bytecode caches. Neither is what a person sees on their hundredth launch."""
    screen = Screen(peer.name, peer.command, screen_env(peer), repo)
    try:
        screen.launch()
        wait_for(screen, peer.ready, 60, poll_s)
        deadline = time.monotonic() + 90
        while True:
            try:
                one_prompt(screen, server, set(server.records), poll_s, timeout=15)
                return
            except TimeoutError:
                if time.monotonic() > deadline:
                    raise
                for key in peer.new_chat:
                    screen.keys(key, literal=key != "Enter")
    finally:
        screen.close()


def median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def run_rate(rate: float, args: argparse.Namespace, only: set[str] | None) -> dict[str, object]:
    server = ModelServer(rate, args.ttft_ms)
    home = Path(tempfile.mkdtemp(prefix="redline-term-bench-"))
    repo = home / "repo"
    repo.mkdir()
    (repo / "calc.py").write_text("def add(a, b):\n    return a + b\n")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run(["git", "-C", str(repo), "add", "."], check=True)
    subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=b", "-c", "user.email=b@b", "commit", "-qm", "i"],
        check=True,
    )
    peers = assistants(server.port, home, only, args.trace, args.baseline)
    results: dict[str, dict[str, list[float]]] = {a.name: {} for a in peers}
    errors: dict[str, str] = {}
    screens: dict[str, list[dict[str, object]]] = {}
    poll_s = args.poll_ms / 1000
    try:
        for peer in peers:  # one unmeasured launch each: a person's assistant is installed and warm
            try:
                warm_up(peer, server, repo, poll_s)
            except (TimeoutError, RuntimeError) as exc:
                errors[peer.name] = f"warm-up failed: {exc}"
        for _ in range(args.launches):
            for peer in peers:
                if peer.name in errors:
                    continue
                waited = settle()
                if waited > 4.9:
                    print(f"{peer.name}: the machine stayed busy; launched anyway", file=sys.stderr)
                screen = Screen(peer.name, peer.command, screen_env(peer), repo)
                try:
                    started = screen.launch()
                    ready = wait_for(screen, peer.ready, 30, poll_s)
                    cpu = tree_cpu_s(screen.pane_pid()) * 1000  # steadier than the wall clock
                    results[peer.name].setdefault("launch_ms", []).append((ready - started) * 1000)
                    results[peer.name].setdefault("launch_cpu_ms", []).append(cpu)
                    time.sleep(0.5)
                    seen: set[int] = set()
                    for _ in range(args.prompts):
                        figures = one_prompt(
                            screen,
                            server,
                            seen,
                            poll_s,
                            log=screens.setdefault(peer.name, []) if args.trace else None,
                        )
                        for key, value in figures.items():
                            results[peer.name].setdefault(key, []).append(value)
                        time.sleep(0.3)
                except (TimeoutError, RuntimeError) as exc:
                    errors[peer.name] = f"{exc}; screen:\n{screen.capture()[-800:]}"
                finally:
                    screen.close()
    finally:
        server.close()
        # Codex leaves app-server daemons behind (under its CODEX_HOME): end everything started there.
        subprocess.run(["pkill", "-f", str(home)], check=False, capture_output=True)
        shutil.rmtree(home, ignore_errors=True)
    return {
        "rate": rate,
        "tokens": server.tokens,
        **(
            {"server_records": list(server.records.values()), "screens": screens}
            if args.trace
            else {}
        ),
        "assistants": {
            name: {key: median(values) for key, values in figures.items()} | {"runs": figures}
            for name, figures in results.items()
        },
        "errors": errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rates", default="2000,20000")
    parser.add_argument("--launches", type=int, default=5)
    parser.add_argument("--prompts", type=int, default=2)
    parser.add_argument("--ttft-ms", type=float, default=100.0)
    parser.add_argument("--poll-ms", type=float, default=4.0)
    parser.add_argument("--only", action="append", help="assistant name (repeatable)")
    parser.add_argument(
        "--trace", help="redline writes its frame trace (JSON lines) to this file, appended"
    )
    parser.add_argument("--brief", action="store_true", help="leave out each run's figures")
    parser.add_argument(
        "--baseline",
        type=Path,
        help="a checkout of redline to run beside this one (e.g. a git worktree of main~3)",
    )
    args = parser.parse_args()
    only = set(args.only) if args.only else None
    out = {
        "benchmark": "terminal",
        "size": list(SIZE),
        "poll_ms": args.poll_ms,
        "ttft_ms": args.ttft_ms,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "load_avg": os.getloadavg()[0],
        "rates": [run_rate(float(r), args, only) for r in args.rates.split(",")],
    }
    if args.brief:
        for rate in out["rates"]:  # type: ignore[attr-defined]
            for figures in rate["assistants"].values():
                figures.pop("runs", None)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
