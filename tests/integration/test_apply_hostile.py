"""Replies that must never change anything: each exits 4 and leaves every byte, HEAD and the index
exactly as they were (and nothing outside the repository)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.helpers_edits import fingerprint, make_repo


class _SR:
    @staticmethod
    def format(path: str, old: str, new: str) -> str:
        search = old + "\n" if old else ""
        return f"{path}\n```\n<<<<<<< SEARCH\n{search}=======\n{new}\n>>>>>>> REPLACE\n```\n"


SR = _SR()

HOSTILE = {
    "climbs out with ..": "*** Begin Patch\n*** Add File: ../escaped.txt\n+pwned\n*** End Patch\n",
    "climbs out mid-path": "*** Begin Patch\n*** Add File: src/../../escaped.txt\n+x\n*** End Patch\n",
    "backslash climb": "*** Begin Patch\n*** Add File: ..\\escaped.txt\n+x\n*** End Patch\n",
    "absolute path": SR.format(path="/var/tmp/escaped-by-redline.txt", old="", new="x"),
    "home path": SR.format(path="~/redline-escaped.txt", old="", new="x"),
    "writes .git/config": (
        "```diff\n--- a/.git/config\n+++ b/.git/config\n@@ -1 +1,2 @@\n [core]\n+\tfsmonitor = evil\n```\n"
    ),
    "adds a git hook": "*** Begin Patch\n*** Add File: .git/hooks/pre-commit\n+rm -rf /\n*** End Patch\n",
    "whole file into .GIT": ".GIT/HEAD\n```\nref: refs/heads/evil\n```\n",
    "through a symlink out": "*** Begin Patch\n*** Add File: out/planted.txt\n+x\n*** End Patch\n",
    "edits a symlink out": SR.format(path="link.txt", old="secret", new="changed"),
    "binary target": SR.format(path="image.bin", old="PNG", new="JPG"),
    "binary diff": (
        "diff --git a/image.bin b/image.bin\nindex 1111111..2222222 100644\n"
        "Binary files a/image.bin and b/image.bin differ\n"
    ),
    "git binary patch": (
        "diff --git a/image.bin b/image.bin\nindex 1111111..2222222 100644\nGIT binary patch\n"
        "literal 5\nMcmZ?wbaG*200000\n\n"
    ),
    "ambiguous match": SR.format(path="dup.py", old="    return 1", new="    return 2"),
    "second file fails after the first": (
        "*** Begin Patch\n*** Update File: a.txt\n@@\n-alpha\n+ALPHA\n"
        "*** Update File: b.txt\n@@\n-not in the file\n+x\n*** End Patch\n"
    ),
    "missing file": SR.format(path="nope.txt", old="a", new="b"),
    "delete a directory": "*** Begin Patch\n*** Delete File: src\n*** End Patch\n",
    "garbage": "\x00\x01 lorem ipsum <<<<<<< >>>>>>> *** \n@@ -x +y @@\n",
    "empty reply": "",
    "prose only": "I looked at the code and it is fine.\n",
    "cut-off block": "a.txt\n```\n<<<<<<< SEARCH\nalpha\n=======\nALPHA\n",
    "ignored file": SR.format(path="build/out.txt", old="", new="generated"),
}


@pytest.fixture
def hostile_repo(tmp_path: Path) -> Path:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("secret\n")
    repo = make_repo(
        tmp_path / "repo",
        {
            "a.txt": "alpha\nbeta\n",
            "b.txt": "one\ntwo\n",
            "dup.py": "def f():\n    return 1\n\ndef g():\n    return 1\n",
            "image.bin": b"\x89PNG\r\n\x1a\n\x00\x00\x00",
            "src/main.py": "print('hi')\n",
            ".gitignore": "build/\n",
        },
    )
    os.symlink(outside, repo / "out")
    os.symlink(outside / "secret.txt", repo / "link.txt")
    return repo


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_reply_changes_nothing(name, hostile_repo, run_redline, tmp_path):
    before = fingerprint(hostile_repo)
    outside_before = fingerprint(tmp_path / "outside")
    result = run_redline("apply", "--json", cwd=hostile_repo, input=HOSTILE[name])
    assert result.returncode == 4, (result.stdout, result.stderr)
    out = json.loads(result.stdout)
    assert out["commit"] is None
    assert out["error"]["kind"] == "edit" and out["error"]["message"]
    assert "Traceback" not in result.stderr
    assert fingerprint(hostile_repo) == before
    assert fingerprint(tmp_path / "outside") == outside_before
    assert not (tmp_path / "escaped.txt").exists()


@pytest.mark.parametrize(
    "name, words",
    [
        ("climbs out with ..", "'..'"),
        ("absolute path", "absolute"),
        ("writes .git/config", ".git"),
        ("through a symlink out", "symlink"),
        ("binary target", "binary"),
        ("binary diff", "binary"),
        ("ambiguous match", "matches 2 places"),
        ("second file fails after the first", "b.txt"),
        ("garbage", "no edit blocks"),
        ("ignored file", "ignored"),
        ("cut-off block", "cut off"),
    ],
)
def test_hostile_errors_say_why(name, words, hostile_repo, run_redline):
    result = run_redline("apply", cwd=hostile_repo, input=HOSTILE[name])
    assert result.returncode == 4
    assert words in result.stderr


def test_failure_names_file_block_and_closest_lines(hostile_repo, run_redline):
    reply = SR.format(path="a.txt", old="alpah\nbeta", new="x")
    result = run_redline("apply", cwd=hostile_repo, input=reply)
    assert result.returncode == 4
    assert "a.txt" in result.stderr and "block 1" in result.stderr
    assert "closest lines are at line 1" in result.stderr and "alpha" in result.stderr


def test_not_a_repository_says_git_init_and_writes_nothing(tmp_path, run_redline):
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "a.txt").write_text("alpha\n")
    reply = SR.format(path="a.txt", old="alpha", new="ALPHA")
    result = run_redline("apply", cwd=plain, input=reply)
    assert result.returncode == 4
    assert "git init" in result.stderr
    assert (plain / "a.txt").read_text() == "alpha\n"
    assert not (plain / ".git").exists()
    result = run_redline("apply", "--init", cwd=plain, input=reply)
    assert result.returncode == 0, result.stderr
    assert (plain / "a.txt").read_text() == "ALPHA\n"
    assert (plain / ".git").is_dir()
