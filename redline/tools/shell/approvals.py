"""Whether a model's command runs, asks or is denied; and the prefixes a person said "always" to.

Only three things approve a command: the approval mode, a prefix the person remembered for this
repository, and the person's own answer (which the front end gives through the agent's approval
future). Nothing in the model's text or in the tool's arguments approves anything.

A remembered prefix matches only a simple command (no `;`, `&&`, `|`, redirections, substitutions or
newlines), token by token: `npm test` matches `npm test -- --watch=false`, never `npm test; rm -rf ~`
nor `npm testify`. Remembered prefixes live in the user's state dir, keyed by the repository's path,
never in the repository.
"""

from __future__ import annotations

import json
import os
import re
import shlex
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import platformdirs

ApprovalMode = Literal["read-only", "ask", "auto-edit", "full-auto"]
Action = Literal["run", "ask", "deny"]
Answer = Literal["yes", "no", "always"]

_NOT_SIMPLE = re.compile(r"[;&|<>`\n\r()]|\$[({A-Za-z_0-9@*#?$!-]")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_:+-]*")
_PYTHON = re.compile(r"(?:.*/)?python(?:\d+(?:\.\d+)?)?")


def _names(words: str) -> frozenset[str]:
    return frozenset(words.split())


# These run whatever follows them: no prefix starting with one is ever remembered.
_WRAPPERS = _names(
    "bash sh zsh fish dash ksh csh tcsh sudo su doas env eval exec command builtin xargs nohup "
    "time timeout nice ionice stdbuf strace watch ssh chroot unshare setsid"
)
# A prefix of one of these alone would approve every command there is.
_RUNS_ANYTHING = _names(
    "python python3 node deno bun perl ruby php lua npx pnpx uvx uv poetry pipx pip pip3 make "
    "awk sed find docker podman git npm yarn pnpm cargo go java mvn gradle dotnet rake bundle "
    "composer"
)


@dataclass(frozen=True, slots=True)
class CommandDecision:
    """What to do with one command, and the sentence that says why (for the model when denied)."""

    action: Action
    reason: str
    sandboxed: bool  # the command would run inside the sandbox


def is_simple(command: str) -> bool:
    return not _NOT_SIMPLE.search(command) and _tokens(command) is not None


def _tokens(command: str) -> list[str] | None:
    try:
        words = shlex.split(command)
    except ValueError:
        return None
    return words or None


def command_prefix(command: str) -> str | None:
    """What "always" would remember for ``command`` (None: not offered for this command).

    The program and, when it is a plain word, its subcommand: `npm test`, `cargo test`,
    `git status`, `python -m pytest`; `pytest -q tests/` gives `pytest`.
    """
    if not is_simple(command):
        return None
    words = _tokens(command) or []
    program = words[0]
    if Path(program).name in _WRAPPERS:
        return None
    if _PYTHON.fullmatch(program) and len(words) >= 3 and words[1] == "-m":
        return shlex.join(words[:3])
    prefix = [program]
    if len(words) > 1 and _WORD.fullmatch(words[1]):
        prefix.append(words[1])
    if len(prefix) == 1 and Path(program).name in _RUNS_ANYTHING:
        return None
    return shlex.join(prefix)


def prefix_matches(prefix: str, command: str) -> bool:
    if not is_simple(command):
        return False
    want, got = _tokens(prefix), _tokens(command)
    return want is not None and got is not None and got[: len(want)] == want


def decide_command(
    mode: ApprovalMode,
    command: str,
    *,
    sandboxed: bool,
    remembered: Iterable[str] = (),
    interactive: bool = True,
) -> CommandDecision:
    """The approval policy for one model command (DESIGN.md "The agent")."""
    if mode == "read-only":
        return CommandDecision(
            "deny",
            "read-only mode runs no commands (start with --approval ask to allow them)",
            False,
        )
    if mode == "full-auto" and sandboxed:
        return CommandDecision("run", "full-auto: runs inside the sandbox", True)
    for prefix in remembered:
        if prefix_matches(prefix, command):
            return CommandDecision("run", f"you always allow `{prefix}` here", sandboxed)
    if not interactive:
        why = "there is nobody to approve commands in exec; use --approval full-auto"
        if not sandboxed:
            why = "there is no sandbox here and nobody to approve commands in exec"
        return CommandDecision("deny", why, sandboxed)
    why = "commands ask in " + mode if mode != "full-auto" else "no sandbox here, so commands ask"
    return CommandDecision("ask", why, sandboxed)


def approvals_path() -> Path:
    return Path(platformdirs.user_state_dir("redline", appauthor=False)) / "approvals.json"


class RememberedPrefixes:
    """The "always" answers for one repository, in a JSON file in the user's state dir."""

    def __init__(self, repo_root: Path, path: Path | None = None) -> None:
        self.repo = str(repo_root.resolve())
        self.path = path or approvals_path()

    def _load(self) -> dict[str, list[str]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        repos = data.get("repos") if isinstance(data, dict) else None
        if not isinstance(repos, dict):
            return {}
        return {
            k: [p for p in v if isinstance(p, str)]
            for k, v in repos.items()
            if isinstance(k, str) and isinstance(v, list)
        }

    def prefixes(self) -> tuple[str, ...]:
        return tuple(self._load().get(self.repo, ()))

    def remember(self, prefix: str) -> None:
        repos = self._load()
        known = repos.setdefault(self.repo, [])
        if prefix not in known:
            known.append(prefix)
            self._save(repos)

    def forget(self, prefix: str) -> None:
        repos = self._load()
        if prefix in repos.get(self.repo, []):
            repos[self.repo].remove(prefix)
            self._save(repos)

    def _save(self, repos: dict[str, list[str]]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".json.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump({"version": 1, "repos": repos}, fh, indent=1, sort_keys=True)
        os.replace(tmp, self.path)
