"""The repo map and `@` mentions stay inside the repository and away from secrets files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from redline.tools.context import build_context
from redline.tools.context.files import is_secret, scan
from tests.helpers_context import commit_all, write_files

SECRET = "OUTSIDE_SECRET_do_not_send_4b1d"


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the repository holding things that must never be sent."""
    folder = tmp_path / "outside"
    (folder / "lib").mkdir(parents=True)
    (folder / "id_stolen.py").write_text(f"def stolen():\n    return '{SECRET}'\n")
    (folder / "lib" / "deep.py").write_text(f"def deep():\n    return '{SECRET}'\n")
    return folder


def _repo_with_links(git_repo: Path, outside: Path) -> Path:
    write_files(git_repo, {"app.py": "def main():\n    return stolen() + deep()\n"})
    os.symlink(outside / "id_stolen.py", git_repo / "linked.py")
    os.symlink(outside / "lib", git_repo / "vendorlib")
    os.symlink("app.py", git_repo / "inside_link.py")  # a link that stays inside is fine
    commit_all(git_repo)
    return git_repo


@pytest.mark.parametrize("use_git", [True, False])
def test_map_and_mentions_never_follow_a_link_out(
    git_repo: Path, outside: Path, tmp_path: Path, use_git: bool
):
    repo = _repo_with_links(git_repo, outside)
    if not use_git:
        (repo / ".git").rename(tmp_path / "moved-git")  # the walk, not git, lists the files
    found = {f.path for f in scan(repo).files}
    assert "linked.py" not in found and not any(p.startswith("vendorlib/") for p in found)
    assert "inside_link.py" in found and "app.py" in found
    mentions = ["@linked.py", "@vendorlib/deep.py", "@stolen", "@deep", "@vendorlib/"]
    bundle = build_context(repo, budget=4000, mentions=mentions, cache_dir=tmp_path / "c")
    assert SECRET not in bundle.text
    assert "linked.py" not in bundle.files


def test_a_tracked_file_under_a_folder_replaced_by_a_link_is_skipped(
    git_repo: Path, outside: Path, tmp_path: Path
):
    write_files(git_repo, {"lib/deep.py": "def deep():\n    return 1\n"})
    commit_all(git_repo)
    (git_repo / "lib" / "deep.py").unlink()
    (git_repo / "lib").rmdir()
    os.symlink(outside / "lib", git_repo / "lib")  # git still lists lib/deep.py
    assert "lib/deep.py" not in {f.path for f in scan(git_repo).files}
    bundle = build_context(git_repo, budget=4000, mentions=["@lib/deep.py"], cache_dir=tmp_path)
    assert SECRET not in bundle.text


def test_secrets_files_are_sent_only_when_named_exactly(git_repo: Path, tmp_path: Path):
    key = "sk-live-fake-not-real-91c2"
    write_files(
        git_repo,
        {
            ".env": f"API_KEY={key}\n",
            "config/.env.sh": f"export API_KEY={key}\n",  # bash by extension, still a secret
            "app.py": "def main():\n    return 1\n",
        },
    )
    commit_all(git_repo)
    plain = build_context(git_repo, budget=4000, mentions=["@env", "@config/"], cache_dir=tmp_path)
    assert key not in plain.text
    named = build_context(git_repo, budget=4000, mentions=["@.env"], cache_dir=tmp_path)
    assert key in named.text and named.files == (".env",)


@pytest.mark.parametrize(
    ("path", "secret"),
    [
        (".env", True),
        ("app/.env.production", True),
        ("deploy/prod.env", True),
        ("id_rsa", True),
        ("certs/server.pem", True),
        ("environment.py", False),
        ("src/envelope.rs", False),
        ("README.md", False),
    ],
)
def test_is_secret(path: str, secret: bool):
    assert is_secret(path) is secret


@pytest.mark.parametrize(
    "crafted",
    ["wrong_shapes", "garbage", "code_object", "not_a_tuple"],
)
def test_crafted_cache_entries_are_misses_never_a_crash(git_repo: Path, tmp_path: Path, crafted):
    import marshal

    from redline.tools.context.cache import SHARDS, TagCache, cache_folder

    write_files(
        git_repo, {"app.py": "def main():\n    return helper()\n\ndef helper():\n    pass\n"}
    )
    commit_all(git_repo)
    cache_dir = tmp_path / "cache"
    first = build_context(git_repo, budget=2000, cache_dir=cache_dir)
    folder = cache_folder(git_repo.resolve(), cache_dir)
    header = TagCache._header()
    stamp = (git_repo / "app.py").stat()
    bad_entries = {  # app.py's stamp matches, so only the shape check keeps it out
        "app.py": (stamp.st_mtime_ns, stamp.st_size, "python", (("x", 1, "y", None, 3),), {}),
        "README.md": "nonsense",
    }
    payload = {
        "wrong_shapes": marshal.dumps((header, bad_entries)),
        "garbage": b"\x00\xffnot marshal at all",
        "code_object": marshal.dumps(compile("print('hi')", "x", "exec")),
        "not_a_tuple": marshal.dumps([1, 2, 3]),
    }[crafted]
    for k in range(SHARDS):
        (folder / f"{k:02d}.tags").write_bytes(payload)
    again = build_context(git_repo, budget=2000, cache_dir=cache_dir)
    assert again.text == first.text and "helper" in again.text
