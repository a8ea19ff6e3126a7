"""The edit parser: each format, mixed replies, and streaming split at every position."""

from __future__ import annotations

import pytest

from redline.tools.edits import EditFormat, EditKind, EditStreamParser, parse_edits

MIXED = """Here is the plan.

src/app.py
```python
<<<<<<< SEARCH
def greet():
    return "hi"
=======
def greet(name):
    return f"hi {name}"
>>>>>>> REPLACE
```

And a patch:

*** Begin Patch
*** Add File: docs/new.md
+# New
+
+text
*** Update File: src/util.py
*** Move to: src/helpers.py
@@ def helper():
-    return 1
+    return 2
*** Delete File: old.txt
*** End Patch

```diff
diff --git a/README.md b/README.md
index 1111111..2222222 100644
--- a/README.md
+++ b/README.md
@@ -1,2 +1,2 @@
 # demo
-old line
+new line
```

notes.txt
```
whole new content
line 2
```
Done.
"""


def _summary(blocks):
    return [(b.source, b.kind, b.path, b.move_to) for b in blocks]


def test_mixed_reply_finds_every_block_in_order():
    blocks = parse_edits(MIXED)
    assert _summary(blocks) == [
        (EditFormat.SEARCH_REPLACE, EditKind.SEARCH_REPLACE, "src/app.py", None),
        (EditFormat.APPLY_PATCH, EditKind.ADD, "docs/new.md", None),
        (EditFormat.APPLY_PATCH, EditKind.MOVE, "src/util.py", "src/helpers.py"),
        (EditFormat.APPLY_PATCH, EditKind.DELETE, "old.txt", None),
        (EditFormat.UDIFF, EditKind.UPDATE, "README.md", None),
        (EditFormat.WHOLE, EditKind.WHOLE, "notes.txt", None),
    ]
    assert [b.index for b in blocks] == list(range(6))
    sr = blocks[0].hunks[0]
    assert sr.old == ("def greet():", '    return "hi"')
    assert sr.new == ("def greet(name):", '    return f"hi {name}"')
    assert blocks[1].content == ("# New", "", "text")
    assert blocks[2].hunks[0].anchors == ("def helper():",)
    assert blocks[4].hunks[0].old_start == 1
    assert blocks[5].content == ("whole new content", "line 2")
    for b in blocks:
        assert MIXED[b.start : b.end].strip()


def _stream(text: str, cuts: list[int]) -> list:
    parser = EditStreamParser()
    out = []
    last = 0
    for c in [*cuts, len(text)]:
        out.extend(parser.feed(text[last:c]))
        last = c
    out.extend(parser.finish())
    return out


def test_split_at_every_position_gives_the_same_blocks():
    whole = parse_edits(MIXED)
    for cut in range(len(MIXED) + 1):
        assert _stream(MIXED, [cut]) == whole, cut


def test_one_character_at_a_time():
    assert _stream(MIXED, list(range(1, len(MIXED)))) == parse_edits(MIXED)


def test_blocks_are_reported_the_moment_they_close():
    parser = EditStreamParser()
    end_of_sr = MIXED.index(">>>>>>> REPLACE") + len(">>>>>>> REPLACE\n")
    assert parser.feed(MIXED[: end_of_sr - 1]) == []
    progress = parser.progress
    assert progress is not None and progress.path == "src/app.py" and progress.lines == 5
    got = parser.feed(MIXED[end_of_sr - 1 : end_of_sr])
    assert [b.path for b in got] == ["src/app.py"]


@pytest.mark.parametrize(
    "reply, path",
    [
        ("foo.py\n```\n<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE\n```\n", "foo.py"),
        ("```python\nfoo.py\n<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE\n```\n", "foo.py"),
        ("foo.py\n<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE\n", "foo.py"),
        (
            "**src/foo.py**\n```py\n<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE\n```\n",
            "src/foo.py",
        ),
    ],
)
def test_search_replace_path_placements(reply, path):
    (block,) = parse_edits(reply)
    assert block.path == path
    assert block.hunks[0].old == ("a",) and block.hunks[0].new == ("b",)


def test_search_replace_keeps_fences_inside_and_alternative_dividers():
    reply = (
        "README.rst\n```\n<<<<<<< SEARCH\nTitle\n=======\n=======\nNew title\n=========\n"
        ">>>>>>> REPLACE\n```\n"
    )
    (block,) = parse_edits(reply)
    hunk = block.hunks[0]
    assert hunk.old == ("Title",)
    assert hunk.splits[0] == (("Title", "======="), ("New title", "========="))


def test_consecutive_search_blocks_reuse_the_path():
    one = "<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE\n"
    blocks = parse_edits("x.py\n```\n" + one + one + "```\n")
    assert [b.path for b in blocks] == ["x.py", "x.py"]


def test_unclosed_blocks_are_errors_not_edits():
    (sr,) = parse_edits("x.py\n<<<<<<< SEARCH\na\n=======\nb\n")
    assert sr.kind is EditKind.INVALID and "cut off" in (sr.error or "")
    (patch,) = parse_edits("*** Begin Patch\n*** Update File: a\n@@\n-a\n+b\n")
    assert patch.kind is EditKind.INVALID


def test_prose_and_plain_code_are_not_edits():
    reply = "Run this:\n\n```bash\npytest -q\n```\n\n- item\n- other\n"
    assert parse_edits(reply) == []


def test_block_diff_renders_each_kind_for_cards():
    from redline.tools.edits import block_diff

    blocks = parse_edits(MIXED)
    sr = block_diff(blocks[0])
    assert sr.startswith("--- a/src/app.py\n+++ b/src/app.py\n@@\n")
    assert '-    return "hi"' in sr and '+    return f"hi {name}"' in sr
    assert "+# New" in block_diff(blocks[1])
    moved = block_diff(blocks[2])
    assert "+++ b/src/helpers.py" in moved and "@@ def helper():" in moved
    assert "deleted" in block_diff(blocks[3])


def test_a_patch_that_forgot_begin_patch_is_still_read():
    reply = "```\n*** Update File: a.py\n@@\n-x\n+y\n```\n"
    (block,) = parse_edits(reply)
    assert block.kind is EditKind.UPDATE and block.path == "a.py"
    assert block.hunks[0].old == ("x",) and block.hunks[0].new == ("y",)
