"""Two versions of a project, the change between them written in every format, applied by
`redline apply` to version A: the result must be version B, byte for byte."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.helpers_edits import (
    commit_all,
    git,
    sample_versions,
    to_apply_patch,
    to_search_replace,
    tree_files,
)

A, B, RENAMES = sample_versions()


def _write(root: Path, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        full = root / name
        full.parent.mkdir(parents=True, exist_ok=True)
        full.write_bytes(data)


@pytest.fixture(scope="module")
def diffs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    work = tmp_path_factory.mktemp("versions")
    repo = work / "base"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.name", "T")
    git(repo, "config", "user.email", "t@example.com")
    _write(repo, A)
    commit_all(repo, "v1.0")
    for name in A:
        (repo / name).unlink()
    _write(repo, B)
    commit_all(repo, "v1.1")
    _write(work / "proj-1.0", A)
    _write(work / "proj-1.1", B)

    def run(*cmd: str, cwd: Path) -> bytes:
        return subprocess.run(cmd, cwd=cwd, capture_output=True, check=False).stdout

    return {
        "git": run("git", "diff", "-M", "HEAD~1", "HEAD", cwd=repo),
        "git-no-prefix": run("git", "diff", "--no-prefix", "HEAD~1", "HEAD", cwd=repo),
        "git-no-renames": run("git", "diff", "--no-renames", "-U1", "HEAD~1", "HEAD", cwd=repo),
        "format-patch": run("git", "format-patch", "-1", "--stdout", "HEAD", cwd=repo),
        "diff-ruN": run("diff", "-ruN", "proj-1.0", "proj-1.1", cwd=work),
        "apply-patch": to_apply_patch(A, B, RENAMES).encode(),
        "search-replace": to_search_replace(A, B).encode(),
    }


@pytest.mark.parametrize(
    "variant", ["git", "git-no-prefix", "git-no-renames", "format-patch", "diff-ruN"]
)
def test_unified_diffs_reproduce_the_new_version(variant, diffs, tmp_path, run_redline):
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    _write(repo, A)
    commit_all(repo, "v1.0")
    patch = tmp_path / "change.diff"
    patch.write_bytes(diffs[variant])
    result = run_redline("apply", str(patch), cwd=repo)
    assert result.returncode == 0, result.stderr
    expected = dict(B)
    if variant == "diff-ruN":
        del expected["pkg/empty.py"]  # `diff -N` prints nothing for a new empty file
    assert tree_files(repo) == expected
    assert git(repo, "status", "--porcelain") == ""


def test_apply_patch_reproduces_the_new_version_except_final_newlines(diffs, tmp_path, run_redline):
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    _write(repo, A)
    commit_all(repo, "v1.0")
    result = run_redline("apply", "-", cwd=repo, input=diffs["apply-patch"].decode())
    assert result.returncode == 0, result.stderr
    expected = dict(B)
    # apply_patch cannot say "add a final newline": redline keeps the file's state.
    expected["nofinal.txt"] = b"first\nlast, now with a newline"
    assert tree_files(repo) == expected


def test_search_replace_reproduces_the_edits(diffs, tmp_path, run_redline):
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    _write(repo, A)
    commit_all(repo, "v1.0")
    result = run_redline("apply", "-", cwd=repo, input=diffs["search-replace"].decode())
    assert result.returncode == 0, result.stderr
    got = tree_files(repo)
    # SEARCH/REPLACE has no rename or delete: renamed files appear as new ones beside the old.
    for name, data in B.items():
        if name == "nofinal.txt":
            assert got[name] == b"first\nlast, now with a newline"
        elif name == "pkg/empty.py":
            continue  # an empty new file has no SEARCH/REPLACE form
        else:
            assert got[name] == data, name
    assert (repo / "docs" / "old name.txt").exists()


def test_reverse_diff_through_redline_restores_the_old_version(diffs, tmp_path, run_redline):
    """`git diff B A` (the reverse) applied to B gives back A."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    _write(repo, A)
    commit_all(repo, "v1.0")
    for name in A:
        (repo / name).unlink()
    _write(repo, B)
    commit_all(repo, "v1.1")
    reverse = git(repo, "diff", "-M", "HEAD", "HEAD~1")
    result = run_redline("apply", "-", cwd=repo, input=reverse)
    assert result.returncode == 0, result.stderr
    assert tree_files(repo) == A
