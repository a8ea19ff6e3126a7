"""Edits redline refuses before writing anything: protected files, paths too long for the OS,
a move onto a file git could not give back, symlink and submodule diffs. Each refusal exits 4,
says why in one sentence and leaves every byte, HEAD and the index as they were."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from redline.agent import Turn
from tests.helpers_client import LoopbackServer, chat_chunk, sse_reply
from tests.helpers_edits import fingerprint, git, make_repo
from tests.helpers_repo import noting
from tests.helpers_tui import SIZE, failing_opener, make_app


def _add(path: str, text: str = "x") -> str:
    return f"*** Begin Patch\n*** Add File: {path}\n+{text}\n*** End Patch\n"


def _move(src: str, dst: str) -> str:
    return f"*** Begin Patch\n*** Update File: {src}\n*** Move to: {dst}\n@@\n-one\n+ONE\n*** End Patch\n"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(
        tmp_path / "repo",
        {
            "a.txt": "one\n",
            "b.txt": "bee\n",
            ".env": "TOKEN=secret\n",
            "app/.env.local": "X=1\n",
            "keys/id.pem": "KEY\n",
        },
    )


def _refused(run_redline, repo: Path, reply: str, *words: str) -> str:
    before = fingerprint(repo)
    result = run_redline("apply", cwd=repo, input=reply)
    assert result.returncode == 4, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in result.stderr, result.stderr
    assert fingerprint(repo) == before
    return result.stderr


PROTECTED = {
    "creates .redline.toml": _add(".redline.toml", 'base_url = "http://evil"'),
    "changes .env": "*** Begin Patch\n*** Update File: .env\n@@\n-TOKEN=secret\n+TOKEN=x\n*** End Patch\n",
    "deletes app/.env.local": "*** Begin Patch\n*** Delete File: app/.env.local\n*** End Patch\n",
    "moves onto .env": _move("a.txt", ".env"),
    "moves .env away": "*** Begin Patch\n*** Update File: .env\n*** Move to: env.txt\n@@\n-TOKEN=secret\n+T\n*** End Patch\n",
    "creates .ENV (another case)": _add(".ENV", "TOKEN=x"),
    "nested .redline.toml": _add("sub/.redline.toml"),
}


@pytest.mark.parametrize("name", list(PROTECTED))
def test_protected_paths_are_never_touched(name, repo, run_redline):
    _refused(run_redline, repo, PROTECTED[name], "protected", "protected_paths")


def test_user_config_adds_protected_paths_and_a_repo_config_cannot_remove_any(
    repo, run_redline, tmp_path
):
    config = Path(os.environ["XDG_CONFIG_HOME"]) / "redline" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('protected_paths = ["*.pem"]\n')
    (repo / ".redline.toml").write_text("protected_paths = []\n")
    git(repo, "add", ".redline.toml")
    git(repo, "commit", "-q", "-m", "repo config")
    _refused(
        run_redline, repo, "*** Begin Patch\n*** Delete File: keys/id.pem\n*** End Patch\n", "*.pem"
    )
    _refused(run_redline, repo, PROTECTED["changes .env"], "'.env'")
    ok = run_redline("apply", cwd=repo, input=_add("notes.txt"))
    assert ok.returncode == 0, ok.stderr


def test_plan_preview_names_the_protection_too(repo):
    from redline.tools.edits import plan_edits

    result = plan_edits(repo, PROTECTED["changes .env"])
    assert result.error and "protected" in result.error
    assert result.edits[0].status == "failed"


LONG_NAME = "n" * 300


@pytest.mark.parametrize(
    "reply",
    [
        _add(f"{LONG_NAME}.txt"),
        f"--- a/{LONG_NAME}/b.txt\n+++ b/{LONG_NAME}/b.txt\n@@ -1 +1 @@\n-a\n+b\n",
        _add("/".join(["d" * 200] * 25) + "/c.txt"),
        f"{LONG_NAME}.py\n```\n<<<<<<< SEARCH\n=======\nx = 1\n>>>>>>> REPLACE\n```\n",
    ],
    ids=["name", "udiff name", "whole path", "search-replace"],
)
def test_a_path_longer_than_the_os_allows_is_one_sentence(reply, repo, run_redline):
    stderr = _refused(run_redline, repo, reply, "the file system allows")
    assert "Errno" not in stderr


def test_exec_apply_with_a_too_long_path_exits_4(repo, run_redline):
    answer = f"Here:\n\n{_add(LONG_NAME + '.txt')}"
    body = chat_chunk(answer) + b'data: {"choices":[{"delta":{},"finish_reason":"stop"}]}\n\n'
    before = fingerprint(repo)
    with LoopbackServer({"/v1/chat/completions": sse_reply(body + b"data: [DONE]\n\n")}) as srv:
        result = run_redline(
            "exec", "add it", "--provider", "llamacpp", "--base-url", srv.url,
            "--json", "--apply", "--no-context", cwd=repo,
        )  # fmt: skip
    assert result.returncode == 4, result.stderr
    assert "the file system allows" in json.loads(result.stdout)["error"]["message"]
    assert "Traceback" not in result.stderr
    assert fingerprint(repo) == before


async def test_f2_with_a_too_long_path_notifies_one_sentence(repo):
    notes: list[str] = []
    app = make_app(repo_root=repo, open_backend=failing_opener)
    noting(app, notes)
    before = fingerprint(repo)
    async with app.run_test(size=SIZE) as pilot:
        from redline.tools.edits import parse_edits

        turn = Turn("x", "sim", "m", text=_add(LONG_NAME + ".txt"))
        turn.edits = parse_edits(turn.text)
        app.session.conversation.turns.append(turn)
        app.session.review.turn_ended(turn)
        app.refresh_bindings()
        await pilot.pause()
        await pilot.press("f2")
        for _ in range(500):
            if any("the file system allows" in n for n in notes):
                break
            await pilot.pause(0.02)
    assert any("the file system allows" in n for n in notes), notes
    assert fingerprint(repo) == before


def test_move_onto_an_untracked_file_is_refused(repo, run_redline):
    (repo / "mine.txt").write_text("my notes, never committed\n")
    _refused(run_redline, repo, _move("a.txt", "mine.txt"), "mine.txt", "untracked")


def test_move_onto_a_changed_tracked_file_is_refused(repo, run_redline):
    (repo / "b.txt").write_text("bee, edited by me\n")
    _refused(run_redline, repo, _move("a.txt", "b.txt"), "b.txt", "changed since the last commit")


def test_move_onto_a_clean_tracked_file_overwrites_and_undo_gives_it_back(repo, run_redline):
    result = run_redline("apply", cwd=repo, input=_move("a.txt", "b.txt"))
    assert result.returncode == 0, result.stderr
    assert re.search(r"overwrites +b.txt", result.stdout), result.stdout
    assert (repo / "b.txt").read_text() == "ONE\n" and not (repo / "a.txt").exists()
    undo = run_redline("undo", cwd=repo)
    assert undo.returncode == 0, undo.stderr
    assert (repo / "b.txt").read_text() == "bee\n" and (repo / "a.txt").read_text() == "one\n"


def test_plan_preview_marks_an_overwrite(repo):
    from redline.tools.edits import plan_edits

    result = plan_edits(repo, _move("a.txt", "b.txt"))
    assert result.ok
    assert [f.path for f in result.files if f.overwrites] == ["b.txt"]


SPECIAL = {
    "new symlink": (
        "diff --git a/link b/link\nnew file mode 120000\nindex 0000000..1111111\n"
        "--- /dev/null\n+++ b/link\n@@ -0,0 +1 @@\n+/etc/passwd\n\\ No newline at end of file\n",
        "symbolic link",
    ),
    "file turned into a symlink": (
        "diff --git a/a.txt b/a.txt\nold mode 100644\nnew mode 120000\n--- a/a.txt\n+++ b/a.txt\n"
        "@@ -1 +1 @@\n-one\n+/etc/passwd\n\\ No newline at end of file\n",
        "symbolic link",
    ),
    "new submodule": (
        "diff --git a/vendor/lib b/vendor/lib\nnew file mode 160000\nindex 0000000..2222222\n"
        "--- /dev/null\n+++ b/vendor/lib\n@@ -0,0 +1 @@\n+Subproject commit 2222222222222222222222222222222222222222\n",
        "submodule",
    ),
}


@pytest.mark.parametrize("name", list(SPECIAL))
def test_symlink_and_submodule_diffs_are_refused(name, repo, run_redline):
    reply, word = SPECIAL[name]
    _refused(run_redline, repo, f"```diff\n{reply}```\n", word, "regular files")
    assert not (repo / "link").exists() and not (repo / "vendor").exists()


def test_the_card_of_a_move_onto_an_existing_file_says_overwrites(repo):
    from rich.console import Console

    from redline.tools.edits import parse_edits
    from redline.tui.widgets.diff_card import diff_card

    block = parse_edits(_move("a.txt", "b.txt"))[0]
    console = Console(width=100, record=True)
    console.print(diff_card(block, overwrites=True))
    assert "overwrites" in console.export_text()


def test_the_streamed_card_knows_a_move_lands_on_an_existing_file(repo):
    from redline.tools.edits import parse_edits
    from redline.tui.presenter import _overwrites

    assert _overwrites(repo, parse_edits(_move("a.txt", "b.txt"))[0])
    assert not _overwrites(repo, parse_edits(_move("a.txt", "fresh.txt"))[0])
    assert not _overwrites(repo, parse_edits(_move("a.txt", "../b.txt"))[0])


def test_each_failed_edit_is_printed_once(repo, run_redline):
    reply = "".join(
        f"a.txt\n```\n<<<<<<< SEARCH\n{old}\n=======\nnew\n>>>>>>> REPLACE\n```\n"
        for old in ("onf", "nothing like it")
    )
    result = run_redline("apply", cwd=repo, input=reply)
    assert result.returncode == 4
    assert result.stderr.count("block 1") == 1, result.stderr
    assert result.stderr.count("block 2") == 1, result.stderr
    assert "2 edits failed; no file was changed." in result.stderr
