"""What a sandboxed command must not read: the repository's protected files and the person's secrets.

The read tools already refuse protected files (``protected_paths`` and secret-named files, see
``redline.tools.agent.protect``); a command could still ``cat .env``. Before each sandboxed command
`hidden_paths` lists, by their real paths:

- every file and folder of the work tree a ``why`` rule keeps from the model (``.git``, linked
  folders and `NOT_WALKED` ones, installed dependencies and caches, are not walked);
- the real file behind any link in the work tree whose target is protected by name, wherever it is
  (``notes.txt -> .env``, ``key -> ~/.ssh/id_rsa``);
- the person's secrets outside the repository: `HOME_SECRETS` under the home folder, the session's
  runtime folder (``/run/user/UID``: the keyring's and agents' sockets, the D-Bus session bus), the
  Docker and Podman sockets, and redline's own state folder (sessions from other repositories).

The sandbox then mounts an empty read-only file over each file and an empty read-only tmpfs over
each folder, so a command reads nothing there and cannot write there.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from redline.tools.context.files import is_secret
from redline.tools.edits.safety import DEFAULT_PROTECTED, protected_by

Why = Callable[[str], "str | None"]  # a repository path -> the rule that hides it, or None

MAX_HIDDEN = 2_000  # more mounts than this and bubblewrap's start-up becomes the command's cost
MAX_WALKED = 300_000  # entries; a folder bigger than that (a home folder) is not a work tree
# Installed dependencies and caches: other people's files, often most of a tree, not walked.
NOT_WALKED = frozenset(
    ("node_modules", ".venv", "venv", "__pycache__", ".tox", ".nox", ".mypy_cache",
     ".pytest_cache", ".ruff_cache")
)  # fmt: skip

# Under the home folder: keys, tokens, cookies, keyrings, shell histories (pasted tokens).
HOME_SECRETS = (
    ".ssh",
    ".gnupg",
    ".aws",
    ".azure",
    ".kube",
    ".docker",
    ".netrc",
    ".git-credentials",
    ".pypirc",
    ".npmrc",
    ".yarnrc",
    ".gem/credentials",
    ".cargo/credentials",
    ".cargo/credentials.toml",
    ".terraform.d",
    ".vault-token",
    ".password-store",
    ".mozilla",
    ".config/gh",
    ".config/hub",
    ".config/gcloud",
    ".config/git/credentials",
    ".config/op",
    ".config/google-chrome",
    ".config/chromium",
    ".config/BraveSoftware",
    ".config/keyrings",
    ".local/share/keyrings",
    ".local/share/kwalletd",
    ".bash_history",
    ".zsh_history",
    ".python_history",
    ".psql_history",
    ".mysql_history",
    ".node_repl_history",
)
SYSTEM_SECRETS = ("/var/run/docker.sock", "/run/docker.sock", "/run/podman/podman.sock")


@dataclass(frozen=True, slots=True)
class Hidden:
    """Real paths to cover: files get an empty read-only file, folders an empty read-only tmpfs."""

    files: tuple[Path, ...] = ()
    dirs: tuple[Path, ...] = ()
    refused: str | None = None  # why no command may run here (too many to cover or to look at)
    replaced: tuple[tuple[Path, Path], ...] = ()  # (a clean copy, the file it stands in for)

    def __len__(self) -> int:
        return len(self.files) + len(self.dirs)


NOTHING_HIDDEN = Hidden()


def default_why(rel: str) -> str | None:
    """The default rules: ``DEFAULT_PROTECTED`` and secret-looking names."""
    pattern = protected_by(rel, DEFAULT_PROTECTED)
    if pattern is not None:
        return f"protected_paths `{pattern}`"
    return "its name says it holds secrets" if is_secret(rel) else None


def hidden_paths(
    repo_root: Path, why: Why = default_why, environ: Mapping[str, str] | None = None
) -> Hidden:
    """Everything to cover for a command run in ``repo_root`` (see the module doc)."""
    environ = os.environ if environ is None else environ
    files: dict[str, None] = {}
    dirs: dict[str, None] = {}
    root = os.path.realpath(repo_root)
    refused = _walk_repo(root, why, files, dirs)
    for path in _outside_secrets(environ):
        _add(path, files, dirs)
    # Never cover the repository itself (a runtime or state folder above it, say).
    dirs = {d: None for d in dirs if not (root == d or root.startswith(d + os.sep))}
    # A folder covered as a whole needs nothing covered inside it (and bubblewrap could not
    # mount over a path a tmpfs above it has already emptied).
    kept_dirs = _outermost(dirs)
    kept_files = [f for f in files if not _under_any(f, kept_dirs)]
    return Hidden(tuple(Path(f) for f in kept_files), tuple(Path(d) for d in kept_dirs), refused)


_URL_USER = re.compile(r"(?P<scheme>[A-Za-z][\w+.-]*://)(?P<user>[^/@\s]+)@")
_SECRET_KEYS = re.compile(
    r"^\s*(?:(?:extraheader|[\w.-]*(?:token|password|secret|passwd))\s*="
    r"|helper\s*=.*(?:password|token))",
    re.I,
)


def git_config_without_credentials(repo_root: Path) -> str | None:
    """The repository's git config with what would give a credential away removed (None: nothing
    to remove, or no such file); see `config_without_credentials`."""
    configs = repository_git_configs(repo_root)
    return config_without_credentials(configs[0]) if configs else None


def repository_git_configs(repo_root: Path) -> list[Path]:
    """The repository's own git config files, real paths: ``.git/config``, or for a linked
    worktree (``.git`` is a file naming its folder) the shared config of the repository it belongs
    to, and a worktree's ``config.worktree``."""
    root = Path(os.path.realpath(repo_root))
    dot_git = root / ".git"
    git_dir: Path | None = dot_git if dot_git.is_dir() else None
    if git_dir is None and dot_git.is_file():
        try:
            first = dot_git.read_text(encoding="utf-8", errors="replace").splitlines()[0]
        except (OSError, IndexError):
            first = ""
        if first.startswith("gitdir:"):
            named = Path(first[len("gitdir:") :].strip())
            git_dir = Path(os.path.realpath(named if named.is_absolute() else root / named))
    if git_dir is None:
        return []
    common = git_dir
    try:
        named = Path((git_dir / "commondir").read_text(encoding="utf-8").strip())
        common = Path(os.path.realpath(named if named.is_absolute() else git_dir / named))
    except OSError:
        pass
    out = [common / "config", git_dir / "config.worktree"]
    return [p for p in dict.fromkeys(out) if p.is_file()]


def global_git_configs(environ: Mapping[str, str]) -> list[Path]:
    """The person's own git config files (``~/.gitconfig``, ``$XDG_CONFIG_HOME/git/config``),
    real paths, where they exist: a credential helper's token or an ``extraHeader`` is often there."""
    home = environ.get("HOME") or os.path.expanduser("~")
    xdg = environ.get("XDG_CONFIG_HOME") or (os.path.join(home, ".config") if home else "")
    names = [os.path.join(home, ".gitconfig")] if home and home != "/" else []
    if xdg:
        names.append(os.path.join(xdg, "git", "config"))
    return [Path(p) for p in dict.fromkeys(map(os.path.realpath, names)) if os.path.isfile(p)]


def config_without_credentials(path: Path) -> str | None:
    """A git config file with what would give a credential away removed, for the sandbox to show
    instead (None: nothing to remove, or no such file). A token in a URL
    (``https://x-access-token:TOKEN@host/...``, ``https://TOKEN@host``, also in ``insteadOf``)
    loses its user part; ``http.extraHeader`` lines (CI checkouts put ``AUTHORIZATION: basic ...``
    there), keys named like a token or password, and a credential helper that spells one out go."""
    try:
        text = path.read_text(encoding="utf-8", errors="surrogateescape")
    except OSError:
        return None
    lines: list[str] = []
    for line in text.splitlines(keepends=True):
        if _SECRET_KEYS.match(line):
            continue
        lines.append(_URL_USER.sub(_without_credential, line))
    clean = "".join(lines)
    return None if clean == text else clean


def _without_credential(match: re.Match[str]) -> str:
    scheme, user = match["scheme"], match["user"]
    if scheme.lower().startswith("http") or ":" in user:
        return scheme  # a token is often the user name itself over https
    return match[0]  # ssh://git@host: a user name, no secret


def _walk_repo(root: str, why: Why, files: dict[str, None], dirs: dict[str, None]) -> str | None:
    """Collect the work tree's protected paths (real paths); a sentence when there are too many
    to cover, or too many files to look at."""
    stack = [(root, "")]  # (real folder, its repository path)
    walked = 0
    while stack:
        real_dir, rel_dir = stack.pop()
        try:
            entries = list(os.scandir(real_dir))
        except OSError:
            continue
        walked += len(entries)
        if walked > MAX_WALKED:
            return (
                f"not run: the folder holds more than {MAX_WALKED:,} files to check for "
                "protected ones (.env, keys...) before a command; start redline in the "
                "project's own folder, or run the command yourself with !cmd."
            )
        for entry in entries:
            rel = f"{rel_dir}{entry.name}"
            if rel == ".git":
                continue
            try:
                is_link = entry.is_symlink()
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if is_link:
                _link(root, entry.path, rel, why, files, dirs)
            elif _why(why, rel, is_dir) is not None:
                (dirs if is_dir else files)[entry.path] = None
            elif is_dir and entry.name not in NOT_WALKED:
                stack.append((entry.path, rel + "/"))
            if len(files) + len(dirs) > MAX_HIDDEN:
                return (
                    f"not run: the work tree holds more than {MAX_HIDDEN:,} protected files "
                    "(.env, keys...) for the sandbox to hide; move them out of the "
                    "repository, or run the command yourself with !cmd."
                )
    return None


def _why(why: Why, rel: str, is_dir: bool) -> str | None:
    """A folder is also matched as ``rel/`` (a ``dir/`` pattern in ``protected_paths``)."""
    found = why(rel)
    if found is None and is_dir:
        found = why(rel + "/")
    return found


def _link(
    root: str,
    path: str,
    rel: str,
    why: Why,
    files: dict[str, None],
    dirs: dict[str, None],
) -> None:
    """A link in the work tree: cover its real target when the link or the target is protected.
    A linked folder is not walked: inside the work tree it is walked where it really is."""
    real = os.path.realpath(path)
    try:
        st = os.stat(real)
    except OSError:
        return  # dangling: nothing to read
    is_dir = stat.S_ISDIR(st.st_mode)
    inside = real.startswith(root + os.sep)
    target = os.path.relpath(real, root).replace(os.sep, "/") if inside else os.path.basename(real)
    if _why(why, rel, is_dir) is not None or _why(why, target, is_dir) is not None:
        (dirs if is_dir else files)[real] = None


def _outside_secrets(environ: Mapping[str, str]) -> list[str]:
    out: list[str] = []
    home = environ.get("HOME") or os.path.expanduser("~")
    if home and home != "/":
        out += [os.path.join(home, name) for name in HOME_SECRETS]
    runtime = environ.get("XDG_RUNTIME_DIR") or f"/run/user/{os.getuid()}"
    out.append(runtime)
    state = environ.get("XDG_STATE_HOME") or (os.path.join(home, ".local", "state") if home else "")
    if state:
        out.append(os.path.join(state, "redline"))
    out += SYSTEM_SECRETS
    return out


def _add(path: str, files: dict[str, None], dirs: dict[str, None]) -> None:
    """Cover ``path`` (and a link's real target) when it exists."""
    for candidate in dict.fromkeys((path, os.path.realpath(path))):
        try:
            st = os.stat(candidate)
        except OSError:
            continue
        if os.path.islink(candidate):
            continue  # covered through its real path
        (dirs if stat.S_ISDIR(st.st_mode) else files)[candidate] = None


def _under_any(path: str, folders: list[str]) -> bool:
    return any(path.startswith(d + os.sep) for d in folders)


def _outermost(dirs: dict[str, None]) -> list[str]:
    kept: list[str] = []
    for d in sorted(dirs, key=len):
        if not _under_any(d, kept) and d not in kept:
            kept.append(d)
    return kept
