"""find_root: the work tree once found is remembered; a folder that is not one is asked again."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from redline.tools.context import files
from redline.tools.context.files import find_root


def git_init(path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(path)], check=True)


def test_a_found_tree_is_not_asked_for_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    git_init(tmp_path)
    (tmp_path / "pkg").mkdir()
    assert find_root(tmp_path / "pkg") == (tmp_path.resolve(), True)

    def no_git(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("git was run again")

    monkeypatch.setattr(files.subprocess, "run", no_git)
    assert find_root(tmp_path / "pkg") == (tmp_path.resolve(), True)


def test_a_removed_tree_and_a_later_git_init_are_both_seen(tmp_path: Path):
    git_init(tmp_path)
    assert find_root(tmp_path) == (tmp_path.resolve(), True)
    shutil.rmtree(tmp_path / ".git")
    assert find_root(tmp_path) == (tmp_path.resolve(), False)
    git_init(tmp_path)
    assert find_root(tmp_path) == (tmp_path.resolve(), True)
