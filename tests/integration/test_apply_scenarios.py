"""Codex's own apply_patch scenarios, each run through `redline apply` in a real git repo.

One deliberate difference: Codex's 015 ("failure after partial success leaves changes") expects the
file added before the failing hunk to stay. redline applies all or nothing, so there it leaves the
tree exactly as it was and exits 4.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.helpers_edits import commit_all, fingerprint, git, scenarios_dir, tree_files

SCENARIOS = sorted(p for p in scenarios_dir().iterdir() if p.is_dir())
ATOMIC_DIFFERENCE = "015_failure_after_partial_success_leaves_changes"


def _repo_from(scenario: Path, tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    if (scenario / "input").is_dir():
        shutil.copytree(scenario / "input", repo, dirs_exist_ok=True)
    commit_all(repo, "input")
    return repo


def test_there_are_scenarios():
    assert len(SCENARIOS) >= 20


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[p.name for p in SCENARIOS])
def test_scenario(scenario: Path, tmp_path: Path, run_redline):
    repo = _repo_from(scenario, tmp_path)
    before = fingerprint(repo)
    result = run_redline("apply", str(scenario / "patch.txt"), "--json", cwd=repo)
    out = json.loads(result.stdout)
    if scenario.name == ATOMIC_DIFFERENCE:
        assert result.returncode == 4
        assert fingerprint(repo) == before  # nothing written, HEAD unchanged
        assert "missing.txt" in out["error"]["message"]
        assert not (repo / "created.txt").exists()
        return
    expected = tree_files(scenario / "expected")
    if result.returncode == 0:
        assert out["error"] is None
        assert tree_files(repo) == expected
        assert out["commit"] == git(repo, "rev-parse", "HEAD").strip()
        assert git(repo, "status", "--porcelain") == ""
    else:
        assert result.returncode == 4, result.stderr
        assert out["error"]["kind"] == "edit"
        assert out["error"]["message"] in result.stderr
        assert fingerprint(repo) == before
        assert tree_files(repo) == expected
