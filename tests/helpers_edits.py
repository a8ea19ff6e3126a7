"""Shared helpers for the edits tests: fixtures path, temp repos, tree fingerprints."""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def fixtures_dir() -> Path:
    env = os.environ.get("REDLINE_FIXTURES")
    if env:
        return Path(env)
    for base in ROOT.parents:  # beside the checkout, or beside the worktrees' folder
        if (base / "shared" / "fixtures").is_dir():
            return base / "shared" / "fixtures"
    return ROOT.parent / "shared" / "fixtures"


def scenarios_dir() -> Path:
    return fixtures_dir() / "apply_patch_scenarios"


def git(repo: Path, *args: str) -> str:
    out = subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True
    )
    return out.stdout


def commit_all(repo: Path, message: str = "work") -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", message)
    return git(repo, "rev-parse", "HEAD").strip()


def make_repo(path: Path, files: dict[str, str | bytes] | None = None) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    for name, content in (files or {}).items():
        full = path / name
        full.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            full.write_bytes(content)
        else:
            full.write_bytes(content.encode())
    commit_all(path, "initial")
    return path


def fingerprint(repo: Path) -> dict[str, str]:
    """Every file (outside .git) and symlink with a hash of its bytes, plus HEAD and the index."""
    out: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(repo):
        if ".git" in dirnames:
            dirnames.remove(".git")
        for name in filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]:
            full = os.path.join(dirpath, name)
            rel = os.path.relpath(full, repo)
            if os.path.islink(full):
                out[rel] = "link:" + os.readlink(full)
            else:
                out[rel] = hashlib.sha256(Path(full).read_bytes()).hexdigest()
        for d in dirnames:
            out.setdefault(os.path.relpath(os.path.join(dirpath, d), repo) + "/", "dir")
    head = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "-q", "--verify", "HEAD"],
        capture_output=True,
        text=True,
    )
    out["<HEAD>"] = head.stdout.strip()
    index = repo / ".git" / "index"
    out["<index>"] = hashlib.sha256(index.read_bytes()).hexdigest() if index.exists() else ""
    return out


def tree_files(root: Path) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    for p in sorted(root.rglob("*")):
        if ".git" in p.relative_to(root).parts or not p.is_file():
            continue
        out[p.relative_to(root).as_posix()] = p.read_bytes()
    return out
