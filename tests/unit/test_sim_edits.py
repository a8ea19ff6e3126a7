"""The simulator's edits: found files, chosen format, and an edit that really applies."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from redline.backends.sim.edits import (
    MARKER,
    NEW_FILE_CONTENT,
    ContextFile,
    choose_file,
    find_context_files,
    find_edit_format,
    make_edit,
)
from redline.backends.sim.replies import ReplyRequest, build_reply

FILES = {
    "src/app.py": '"""App."""\n\nimport os\n\n\ndef main() -> None:\n    print(os.getcwd())\n',
    "bin/run.sh": "#!/bin/sh\nset -e\necho hi\n",
    "web/index.ts": "export const x = 1;\nexport const y = 2;\n",
    "docs/guide.md": "# Guide\n\nSome text.\n\n# Guide\n",
    "repeat.py": "\n\nx = 1\n\n\ny = 2\n",
    "fenced.md": "Example:\n\n```python\nprint(1)\n```\n",
}


def render_context(files: dict[str, str]) -> str:
    parts = []
    for path, content in files.items():
        fence = "````" if "```" in content else "```"
        parts.append(f"{path}\n{fence}\n{content}{fence}\n")
    return "Files in context:\n\n" + "\n".join(parts)


def test_context_files_are_found_with_their_full_content() -> None:
    files = find_context_files(render_context(FILES))
    assert {f.path: f.content for f in files} == FILES


def test_prose_and_unclosed_fences_are_not_files() -> None:
    text = "Here is code:\n```python\nx = 1\n```\nnotes.py\n```python\nunclosed\n"
    assert find_context_files(text) == []


def test_edit_format_line() -> None:
    assert find_edit_format("You are redline.\nEdit format: udiff\n") == "udiff"
    assert find_edit_format("Edit format: apply-patch") == "apply-patch"
    assert find_edit_format("no line here") == "search-replace"
    assert find_edit_format("Edit format: hieroglyphs") == "search-replace"


def test_file_choice_prefers_the_prompt_then_the_seed() -> None:
    files = find_context_files(render_context(FILES))
    assert choose_file(files, "please fix index.ts", 0).path == "web/index.ts"  # type: ignore[union-attr]
    assert choose_file(files, "anything", 0).path == "src/app.py"  # type: ignore[union-attr]
    assert choose_file(files, "anything", 1).path == "bin/run.sh"  # type: ignore[union-attr]
    assert choose_file([ContextFile("data.json", "{}\n")], "x") is None


def apply_search_replace(text: str, content: str) -> str:
    match = re.search(r"<<<<<<< SEARCH\n(.*?)=======\n(.*?)>>>>>>> REPLACE", text + "\n", re.DOTALL)
    assert match, text
    search, replace = match.group(1), match.group(2)
    assert content.count(search) == 1, "SEARCH must match exactly once"
    return content.replace(search, replace, 1)


def apply_patch_update(text: str, content: str) -> str:
    lines = text.split("\n")
    assert lines[0] == "```" and lines[-1] == "```"
    assert lines[1] == "*** Begin Patch" and lines[-2] == "*** End Patch"
    assert lines[2].startswith("*** Update File: ") and lines[3] == "@@"
    hunk = lines[4:-2]
    assert all(line[:1] in (" ", "+") for line in hunk)
    old = [line[1:] for line in hunk if line.startswith(" ")]
    new = [line[1:] for line in hunk]
    old_text, new_text = "\n".join(old) + "\n", "\n".join(new) + "\n"
    assert content.count(old_text) == 1
    return content.replace(old_text, new_text, 1)


@pytest.mark.parametrize(
    "path", ["src/app.py", "bin/run.sh", "web/index.ts", "docs/guide.md", "repeat.py", "fenced.md"]
)
@pytest.mark.parametrize("fmt", ["search-replace", "apply-patch", "udiff", "whole"])
def test_every_format_applies_cleanly(path: str, fmt: str, tmp_path: Path) -> None:
    content = FILES[path]
    edit = make_edit(ContextFile(path, content), fmt)
    assert MARKER in edit.new_content
    assert edit.new_content.replace(_marker_line(edit.new_content), "", 1) == content
    if path == "bin/run.sh":
        assert edit.new_content.startswith("#!/bin/sh\n")  # the shebang stays first
    if fmt == "search-replace":
        assert edit.text.split("\n")[0] == path
        assert apply_search_replace(edit.text, content) == edit.new_content
    elif fmt == "apply-patch":
        assert apply_patch_update(edit.text, content) == edit.new_content
    elif fmt == "udiff":
        assert edit.text.startswith("```diff\n--- a/") and edit.text.endswith("\n```")
        target = tmp_path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content)
        patch = tmp_path / "edit.patch"
        patch.write_text("\n".join(edit.text.split("\n")[1:-1]) + "\n")
        subprocess.run(["git", "apply", "--unsafe-paths", str(patch)], cwd=tmp_path, check=True)
        assert target.read_text() == edit.new_content
    else:
        lines = edit.text.split("\n")
        assert lines[0] == path
        fence = re.match(r"`{3,}", lines[1])
        assert fence and lines[-1] == fence.group()
        assert "\n".join(lines[2:-1]) + "\n" == edit.new_content


def _marker_line(text: str) -> str:
    return next(line + "\n" for line in text.split("\n") if MARKER in line)


@pytest.mark.parametrize("fmt", ["search-replace", "apply-patch", "udiff", "whole"])
def test_with_no_file_it_proposes_a_new_one(fmt: str) -> None:
    edit = make_edit(None, fmt)
    assert edit.creates and edit.path == "SIMULATED.md"
    body_lines = NEW_FILE_CONTENT.rstrip("\n").split("\n")
    if fmt == "search-replace":
        assert "<<<<<<< SEARCH\n=======\n" in edit.text
    elif fmt == "apply-patch":
        assert "*** Add File: SIMULATED.md" in edit.text
        assert all("+" + line in edit.text for line in body_lines)
    elif fmt == "udiff":
        assert "--- /dev/null\n+++ b/SIMULATED.md\n@@ -0,0 +1,3 @@" in edit.text
    else:
        assert edit.text.startswith("SIMULATED.md\n```")


def test_reply_says_it_is_simulated_and_carries_the_edit() -> None:
    system = "You are redline.\nEdit format: apply-patch\n\n" + render_context(FILES)
    request = ReplyRequest(system, "", "tidy web/index.ts", 500, reasoning=True)
    reply = build_reply(request, profile="baseten", model="kimi")
    answer = reply.answer_text
    assert answer.split("\n")[0].startswith("*Simulated reply from redline's built-in simulator")
    assert "*** Update File: web/index.ts" in answer
    assert reply.edit_path == "web/index.ts"
    assert "web/index.ts" in reply.reasoning_text
    assert len(reply.tokens) == 500 and reply.finish_reason == "stop"
    # Padding never looks like another edit: one path-then-fence pair only.
    assert len(find_context_files(answer)) == 0
    assert answer.count("*** Begin Patch") == 1


def test_short_budget_cuts_the_reply_with_finish_reason_length() -> None:
    reply = build_reply(ReplyRequest("", "", "hi", 10, reasoning=False), profile="p", model="m")
    assert len(reply.tokens) == 10 and reply.finish_reason == "length"


def test_big_replies_are_cheap_and_exact() -> None:
    reply = build_reply(ReplyRequest("", "", "hi", 100_000, reasoning=True), profile="p", model="m")
    assert len(reply.tokens) == 100_000
    assert reply.answer_text.count("```") % 2 == 0  # every code block closed


@pytest.mark.parametrize("fmt", ["search-replace", "apply-patch", "udiff", "whole"])
def test_the_real_system_prompt_examples_are_not_files(fmt: str) -> None:
    from redline.tools.prompts import system_prompt

    system = system_prompt(fmt)
    assert find_context_files(system) == []
    assert find_edit_format(system) == fmt
    alone = build_reply(
        ReplyRequest(system, "", "hi", 400, reasoning=False), profile="p", model="m"
    )
    assert alone.edit_path == "SIMULATED.md"
    with_file = ReplyRequest(
        system, render_context({"src/app.py": FILES["src/app.py"]}), "hi", 400, False
    )
    reply = build_reply(with_file, profile="p", model="m")
    assert reply.edit_path == "src/app.py"
    assert reply.answer_text.count(MARKER) == 1
