"""The agent's read tools and the registry, on real git repositories in tmp dirs."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from redline.tools.agent import TOOLS, ToolResult, Workspace, cap_output, run_tool
from tests.helpers_edits import git, make_repo


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = make_repo(
        tmp_path / "repo",
        {
            "src/app.py": "".join(f"line {n}\n" for n in range(1, 1201)),
            "src/util.py": "def total(xs):\n    return sum(xs)\n",
            "README.md": "# Demo\n",
            ".gitignore": "build/\n*.log\n",
            "logo.png": b"\x89PNG\r\n\x1a\n\0\0\0binary",
        },
    )
    (root / "notes.txt").write_text("untracked but not ignored: total\n")
    (root / "build").mkdir()
    (root / "build" / "out.py").write_text("total = 1\n")
    (root / "debug.log").write_text("total\n")
    return root


def call(root: Path, name: str, **args: object) -> ToolResult:
    return run_tool(Workspace(root), name, json.dumps(args))


class TestReadFile:
    def test_numbered_window_and_how_to_read_on(self, repo: Path):
        result = call(repo, "read_file", path="src/app.py")
        assert result.ok
        assert result.output.startswith("src/app.py (lines 1-500 of 1200)\n     1\tline 1\n")
        assert "   500\tline 500\n" in result.output and "line 501\n" not in result.output
        assert "read on with start_line=501" in result.output

    def test_range(self, repo: Path):
        result = call(repo, "read_file", path="src/app.py", start_line=10, end_line=12)
        assert result.output == (
            "src/app.py (lines 10-12 of 1200)\n    10\tline 10\n    11\tline 11\n"
            "    12\tline 12\n[1,188 more lines: read on with start_line=13]\n"
        )

    def test_range_past_the_end(self, repo: Path):
        result = call(repo, "read_file", path="src/util.py", start_line=9)
        assert not result.ok and "has 2 lines" in (result.error or "")

    def test_absolute_path_inside_the_repo_is_fine(self, repo: Path):
        result = call(repo, "read_file", path=str(repo / "src" / "util.py"))
        assert result.ok and "return sum(xs)" in result.output

    @pytest.mark.parametrize(
        ("path", "why"),
        [
            ("../outside.txt", "climbs out"),
            ("src/../../outside.txt", "climbs out"),
            ("/etc/passwd", "outside the repository"),
            ("~/.ssh/id_rsa", "outside the repository"),
            (".git/config", ".git/"),
            ("src/./../.GIT/HEAD", ".git/"),
            ("a\0b", "NUL"),
            ("", "repository itself"),
        ],
    )
    def test_hostile_paths(self, repo: Path, path: str, why: str):
        (repo.parent / "outside.txt").write_text("secret\n")
        result = call(repo, "read_file", path=path)
        assert not result.ok
        assert why in (result.error or "")
        assert "secret" not in result.output

    def test_symlink_out_of_the_repo_is_refused(self, repo: Path):
        (repo.parent / "secret.txt").write_text("secret\n")
        os.symlink(repo.parent / "secret.txt", repo / "link.txt")
        os.symlink(repo.parent, repo / "up")
        for path in ("link.txt", "up/secret.txt"):
            result = call(repo, "read_file", path=path)
            assert not result.ok and "symlink that leaves" in (result.error or "")

    def test_symlink_inside_the_repo_is_followed(self, repo: Path):
        os.symlink("src/util.py", repo / "util_link.py")
        assert call(repo, "read_file", path="util_link.py").ok

    def test_binary_missing_and_directory(self, repo: Path):
        assert "binary" in (call(repo, "read_file", path="logo.png").error or "")
        assert "does not exist" in (call(repo, "read_file", path="nope.py").error or "")
        assert "directory" in (call(repo, "read_file", path="src").error or "")

    def test_long_lines_are_cut(self, repo: Path):
        (repo / "wide.txt").write_text("x" * 5000 + "\n")
        result = call(repo, "read_file", path="wide.txt")
        assert "[... 4,500 more characters]" in result.output
        assert len(result.output) < 1000


class TestListFiles:
    def test_git_aware(self, repo: Path):
        listed = call(repo, "list_files").output.splitlines()
        assert "src/app.py" in listed and "notes.txt" in listed  # untracked, not ignored
        assert "build/out.py" not in listed and "debug.log" not in listed  # ignored

    def test_folder_and_glob(self, repo: Path):
        assert call(repo, "list_files", path="src").output == "src/app.py\nsrc/util.py\n"
        assert call(repo, "list_files", glob="*.md").output == "README.md\n"
        assert call(repo, "list_files", glob="**/util.py").output == "src/util.py\n"
        assert call(repo, "list_files", path="src", glob="a*").output == "src/app.py\n"
        assert call(repo, "list_files", glob="*.rs").output == "no files matching *.rs"

    def test_cap_says_how_many_were_cut(self, tmp_path: Path):
        root = make_repo(tmp_path / "many", {f"f{n:04}.txt": "x\n" for n in range(450)})
        out = call(root, "list_files").output
        assert out.count("\n") == 401
        assert "[... 50 more files not shown; narrow with path or glob]" in out

    def test_refuses_to_leave(self, repo: Path):
        assert not call(repo, "list_files", path="..").ok


class TestSearch:
    def test_matches_with_paths_and_lines(self, repo: Path):
        out = call(repo, "search", pattern=r"def \w+").output
        assert out == "src/util.py:1: def total(xs):\n[1 matching lines in 1 files]\n"

    def test_ignored_binary_and_untracked(self, repo: Path):
        out = call(repo, "search", pattern="total").output
        assert "notes.txt:1:" in out and "src/util.py:1:" in out
        assert "build/" not in out and "debug.log" not in out

    def test_cap_counts_what_was_cut(self, repo: Path):
        out = call(repo, "search", pattern="^line", path="src").output
        assert out.count("src/app.py:") == 200
        assert "[1,200 matching lines in 1 files under src; 1,000 lines in 1 files not shown" in out

    def test_bad_regex_and_empty_result(self, repo: Path):
        bad = call(repo, "search", pattern="(unclosed")
        assert not bad.ok and "not a valid regular expression" in (bad.error or "")
        assert call(repo, "search", pattern="zzz").output == "no matches for 'zzz'\n"

    def test_skips_symlinked_files_that_leave(self, repo: Path):
        (repo.parent / "secret.txt").write_text("total secret\n")
        os.symlink(repo.parent / "secret.txt", repo / "leak.txt")
        git(repo, "add", "leak.txt")
        out = call(repo, "search", pattern="secret").output
        assert "secret" not in out.replace("'secret'", "")


class TestRegistry:
    def test_contract_names_and_strict_friendly_schemas(self):
        assert list(TOOLS) == ["read_file", "list_files", "search", "apply_patch", "shell"]
        for tool in TOOLS.values():
            assert tool.parameters["type"] == "object"
            assert tool.parameters["additionalProperties"] is False
        assert set(TOOLS["read_file"].parameters["properties"]) == {  # type: ignore[call-overload]
            "path",
            "start_line",
            "end_line",
        }
        assert [t.name for t in TOOLS.values() if t.read_only] == [
            "read_file",
            "list_files",
            "search",
        ]

    @pytest.mark.parametrize(
        ("name", "arguments", "says"),
        [
            ("read_file", '{"path": "a.py"', "not valid JSON"),
            ("read_file", "[1, 2]", "must be a JSON object"),
            ("read_file", "{}", "needs the argument 'path'"),
            ("read_file", '{"path": "a", "mode": "r"}', "no argument 'mode'"),
            ("read_file", '{"path": 3}', "'path' must be a string"),
            ("read_file", '{"path": "a", "start_line": "ten"}', "must be an integer"),
            ("delete_everything", "{}", "there is no tool 'delete_everything'"),
            ("shell", '{"command": "ls"}', "not available"),
        ],
    )
    def test_bad_calls_are_results_not_exceptions(
        self, repo: Path, name: str, arguments: str, says: str
    ):
        result = run_tool(Workspace(repo), name, arguments)
        assert not result.ok
        assert says in (result.error or "")
        assert result.output.startswith("error: ")

    def test_lenient_where_harmless(self, repo: Path):
        ws = Workspace(repo)
        as_string = json.dumps(json.dumps({"path": "src/util.py"}))  # JSON inside a JSON string
        assert run_tool(ws, "read_file", as_string).ok
        nulls = '{"path": "src/util.py", "start_line": null, "end_line": "2"}'
        assert run_tool(ws, "read_file", nulls).ok  # strict-mode nulls, numbers as text
        assert run_tool(ws, "list_files", "").ok  # no arguments at all


def test_cap_output_keeps_head_and_tail():
    text = "".join(f"row {n}\n" for n in range(10_000))
    capped = cap_output(text, 2_000)
    assert len(capped) < 2_300
    assert capped.startswith("row 0\n") and capped.endswith("row 9999\n")
    assert "lines (" in capped and "cut here" in capped
    assert cap_output("short", 2_000) == "short"
