"""Shared fixtures: run the real CLI in a subprocess, make real git repositories."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"

# Keys a developer may have set must never reach a test (tests use fake keys).
_PROVIDER_KEYS = (
    "CEREBRAS_API_KEY",
    "BASETEN_API_KEY",
    "INCEPTION_API_KEY",
    "OPENAI_API_KEY",
)


# The simulator's default reply lasts about 4 s so a person can watch the meter; the tests ask
# for its short 400-token reply instead, explicitly, before any fixture (module-scoped servers
# included) or subprocess starts one. Tests of the default itself unset it.
SIM_TEST_TOKENS = "400"


def pytest_configure(config: pytest.Config) -> None:
    os.environ["REDLINE_SIM_TOKENS"] = SIM_TEST_TOKENS


def fixtures_dir() -> Path:
    """`tests/fixtures` in this checkout: the suite needs nothing outside the repository."""
    return FIXTURES


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory):
    """Each test gets its own config/state/cache dirs and no real provider keys."""
    home = tmp_path_factory.mktemp("home")
    for var, sub in (
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_STATE_HOME", "state"),
        ("XDG_CACHE_HOME", "cache"),
        ("XDG_DATA_HOME", "data"),
    ):
        monkeypatch.setenv(var, str(home / sub))
    for key in _PROVIDER_KEYS:
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Test")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "test@example.com")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "Test")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "test@example.com")
    # No local-server probing of the developer's machine during tests.
    monkeypatch.setenv("REDLINE_NO_PROBE", "1")


RunRedline = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def run_redline() -> RunRedline:
    """Run ``python -m redline ARGS`` as a person would, from ``cwd``."""

    def _run(
        *args: str,
        cwd: Path | None = None,
        input: str | None = None,
        env: dict[str, str] | None = None,
        timeout: float = 60,
    ) -> subprocess.CompletedProcess[str]:
        full_env = dict(os.environ)
        full_env["PYTHONPATH"] = str(ROOT) + os.pathsep + full_env.get("PYTHONPATH", "")
        if env:
            full_env.update(env)
        return subprocess.run(
            [sys.executable, "-m", "redline", *args],
            cwd=cwd,
            input=input,
            env=full_env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    return _run


@pytest.fixture
def git_repo(tmp_path: Path) -> Path:
    """A fresh git repository with one commit, as a user's project would be."""
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    (repo / "README.md").write_text("# demo\n")
    subprocess.run(["git", "-C", str(repo), "add", "."], check=True)
    subprocess.run(["git", "-C", str(repo), "commit", "-q", "-m", "initial"], check=True)
    return repo
