"""The index: files from git, skip rules, the (mtime, size) cache."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from redline.tools.context.cache import TagCache, cache_folder
from redline.tools.context.files import scan
from redline.tools.context.index import RepoIndex, parse_file
from tests.helpers_context import commit_all, write_files


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def test_git_files_respect_gitignore(git_repo: Path, cache_dir: Path) -> None:
    write_files(
        git_repo,
        {
            ".gitignore": "build/\n*.gen.py\n",
            "src/a.py": "def alpha():\n    return 1\n",
            "src/b.gen.py": "def generated():\n    pass\n",
            "build/out.py": "def built():\n    pass\n",
            "notes/untracked.py": "def fresh():\n    pass\n",
        },
    )
    commit_all(git_repo)
    write_files(git_repo, {"src/new.py": "def brand_new():\n    pass\n"})  # untracked, not ignored
    index = RepoIndex(git_repo, cache_dir=cache_dir)
    index.refresh()
    assert index.in_git
    assert set(index.tags) == {"src/a.py", "notes/untracked.py", "src/new.py"}


def test_subdirectory_start_indexes_the_whole_repo(git_repo: Path, cache_dir: Path) -> None:
    write_files(git_repo, {"a/x.py": "def x():\n    pass\n", "b/y.py": "def y():\n    pass\n"})
    index = RepoIndex(git_repo / "a", cache_dir=cache_dir)
    index.refresh()
    assert index.root == git_repo.resolve()
    assert set(index.tags) == {"a/x.py", "b/y.py"}


def test_bad_files_are_skipped_and_counted(git_repo: Path, cache_dir: Path) -> None:
    write_files(
        git_repo,
        {
            "good.py": "def fine():\n    pass\n",
            "big.py": "x = 1\n" * 200_000,
            "blob.c": b"int main() { return 0; }\0\0\x01binary",
            "latin.rb": "def caf\xe9\nend\n".encode("latin-1"),
            "image.png": b"\x89PNG\r\n\x1a\n\0\0",  # not source: neither parsed nor counted
        },
    )
    index = RepoIndex(git_repo, cache_dir=cache_dir)
    stats = index.refresh()
    assert set(index.tags) == {"good.py"}
    assert stats.skipped == {"too_large": 1, "binary": 1, "not_utf8": 1}
    # Skips are remembered in the cache too: a second run reads none of them again.
    again = RepoIndex(git_repo, cache_dir=cache_dir).refresh()
    assert again.parsed == 0 and again.skipped == stats.skipped


def test_vanished_file_is_counted_not_fatal(tmp_path: Path) -> None:
    path, entry = parse_file(str(tmp_path), "gone.py", "python")
    assert path == "gone.py" and entry[2] is None and entry[3] == "vanished"


def test_file_deleted_after_listing_is_counted(git_repo: Path, cache_dir: Path) -> None:
    write_files(
        git_repo, {"keep.py": "def keep():\n    pass\n", "gone.py": "def gone():\n    pass\n"}
    )
    commit_all(git_repo)
    (git_repo / "gone.py").unlink()  # still in git's index, no longer on disk
    index = RepoIndex(git_repo, cache_dir=cache_dir)
    stats = index.refresh()
    assert set(index.tags) == {"keep.py"}
    assert stats.skipped.get("vanished") == 1


def test_symlink_loops_outside_git(tmp_path: Path, cache_dir: Path) -> None:
    root = tmp_path / "plain"
    write_files(root, {"pkg/mod.py": "def inside():\n    pass\n"})
    os.symlink(root / "pkg", root / "pkg" / "again")  # directory loop
    os.symlink(root / "self_a", root / "self_b")
    os.symlink(root / "self_b", root / "self_a")  # file link loop
    index = RepoIndex(root, cache_dir=cache_dir)
    stats = index.refresh()
    assert not index.in_git
    assert set(index.tags) == {"pkg/mod.py"}
    assert stats.files == 1


def test_symlink_loop_inside_git_is_counted(git_repo: Path, cache_dir: Path) -> None:
    write_files(git_repo, {"a.py": "def a():\n    pass\n"})
    os.symlink(git_repo / "loop_b.py", git_repo / "loop_a.py")
    os.symlink(git_repo / "loop_a.py", git_repo / "loop_b.py")
    stats = RepoIndex(git_repo, cache_dir=cache_dir).refresh()
    assert stats.skipped.get("symlink_loop") == 2


def test_walk_outside_git_skips_dependency_folders(tmp_path: Path) -> None:
    root = tmp_path / "plain"
    write_files(
        root,
        {
            "app.py": "x = 1\n",
            "node_modules/lib/index.js": "function f() {}\n",
            ".venv/lib/site.py": "y = 2\n",
        },
    )
    found = scan(root)
    assert [f.path for f in found.files] == ["app.py"]


def test_cache_hit_and_invalidation(git_repo: Path, cache_dir: Path) -> None:
    write_files(git_repo, {"m.py": "def first():\n    pass\n", "n.py": "def other():\n    pass\n"})
    cold = RepoIndex(git_repo, cache_dir=cache_dir).refresh()
    assert cold.parsed == 2
    assert cache_folder(git_repo.resolve(), cache_dir).exists()

    warm_index = RepoIndex(git_repo, cache_dir=cache_dir)
    warm = warm_index.refresh()
    assert warm.parsed == 0 and warm.from_cache == 2

    # Same size, new mtime: re-parsed.
    target = git_repo / "m.py"
    target.write_text("def secnd():\n    pass\n")
    os.utime(target, ns=(1_000_000_000, 1_000_000_000))
    changed = warm_index.refresh()
    assert changed.parsed == 1
    assert [d.name for d in warm_index.tags["m.py"].definitions] == ["secnd"]

    # Same mtime, new size: re-parsed too.
    target.write_text("def second_one():\n    pass\n")
    os.utime(target, ns=(1_000_000_000, 1_000_000_000))
    assert RepoIndex(git_repo, cache_dir=cache_dir).refresh().parsed == 1

    # Only the changed file's shard is rewritten.
    folder = cache_folder(git_repo.resolve(), cache_dir)
    before = {p.name: p.stat().st_mtime_ns for p in folder.glob("*.tags")}
    target.write_text("def third_one():\n    pass\n")
    RepoIndex(git_repo, cache_dir=cache_dir).refresh()
    after = {p.name: p.stat().st_mtime_ns for p in folder.glob("*.tags")}
    assert sum(before[k] != after[k] for k in before) == 1

    # Deleted files leave the cache.
    (git_repo / "n.py").unlink()
    RepoIndex(git_repo, cache_dir=cache_dir).refresh()
    cache = TagCache(cache_folder(git_repo.resolve(), cache_dir))
    assert len(cache) == 1


def test_corrupt_cache_is_rebuilt(git_repo: Path, cache_dir: Path) -> None:
    write_files(git_repo, {"m.py": "def first():\n    pass\n"})
    RepoIndex(git_repo, cache_dir=cache_dir).refresh()
    for shard in cache_folder(git_repo.resolve(), cache_dir).glob("*.tags"):
        shard.write_bytes(b"not a cache")
    index = RepoIndex(git_repo, cache_dir=cache_dir)
    assert index.refresh().parsed == 1
    assert "m.py" in index.tags


def test_process_pool_gives_the_same_tags(git_repo: Path, cache_dir: Path) -> None:
    files = {f"pkg/m{i}.py": f"def f{i}(x):\n    return g{i + 1}(x)\n" for i in range(12)}
    write_files(git_repo, files)
    inline = RepoIndex(git_repo, cache_dir=cache_dir / "a", workers=1)
    inline.refresh()
    pooled = RepoIndex(git_repo, cache_dir=cache_dir / "b", workers=2, pool_min_files=4)
    seen: list[tuple[int, int]] = []
    stats = pooled.refresh(progress=lambda done, total: seen.append((done, total)))
    assert stats.parsed == 12
    assert pooled.tags == inline.tags
    assert seen[0] == (0, 12) and seen[-1] == (12, 12)


def test_default_cache_lives_under_the_user_cache_dir(git_repo: Path) -> None:
    write_files(git_repo, {"m.py": "def first():\n    pass\n"})
    RepoIndex(git_repo).refresh()
    cache_root = Path(os.environ["XDG_CACHE_HOME"]) / "redline" / "context"
    (folder,) = cache_root.iterdir()
    assert len(list(folder.glob("*.tags"))) == 1  # one shard written for one file


def test_cpp_headers_named_dot_h_use_the_cpp_grammar(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "cpp.h": "namespace demo {\nclass Widget {\npublic:\n  void draw();\n};\n}\n",
            "plain.h": "struct point { int x; };\nint area(struct point *p);\n",
        },
    )
    _, cpp = parse_file(str(tmp_path), "cpp.h", "c")
    _, plain = parse_file(str(tmp_path), "plain.h", "c")
    assert cpp[2] == "cpp" and ("Widget", "class") in {(d[0], d[1]) for d in cpp[3]}
    assert plain[2] == "c" and ("area", "function") in {(d[0], d[1]) for d in plain[3]}
