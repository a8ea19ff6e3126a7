"""A block shown on its own, before the repository is consulted: for diff cards mid-stream."""

from __future__ import annotations

import difflib

from redline.tools.edits.blocks import EditBlock, EditKind, Hunk


def _hunk_lines(h: Hunk) -> list[str]:
    out = [f"@@ {h.anchors[-1].strip()}" if h.anchors else "@@"]
    old = [s.rstrip("\r") for s in h.old]
    new = [s.rstrip("\r") for s in h.new]
    sm = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            out.extend(" " + s for s in old[i1:i2])
            continue
        out.extend("-" + s for s in old[i1:i2])
        out.extend("+" + s for s in new[j1:j2])
    return out


def block_diff(block: EditBlock, before: str | None = None) -> str:
    """The block as diff text (``---``/``+++`` header, ``@@`` hunks), as the model wrote it;
    a whole-file block with the file's ``before`` text: the real diff against it."""
    head = [f"--- a/{block.path}", f"+++ b/{block.target}"]
    if before is not None and block.content is not None and block.kind is EditKind.WHOLE:
        old = [s.rstrip("\r") for s in before.splitlines()]
        new = [s.rstrip("\r") for s in block.content]
        diff = list(difflib.unified_diff(old, new, lineterm="", n=3))[2:]
        return "\n".join([*head, *diff]) + "\n"
    if block.error is not None:
        return "\n".join([*head, f"! {block.error}"]) + "\n"
    if block.kind is EditKind.DELETE:
        return "\n".join([f"--- a/{block.path}", "+++ /dev/null", "(file deleted)"]) + "\n"
    if block.content is not None:
        first = "--- /dev/null" if block.kind is EditKind.ADD else head[0]
        body = [f"@@ {'new file' if block.kind is EditKind.ADD else 'whole file'} @@"]
        body += ["+" + s.rstrip("\r") for s in block.content]
        return "\n".join([first, head[1], *body]) + "\n"
    lines = list(head)
    for h in block.hunks:
        lines += _hunk_lines(h)
    return "\n".join(lines) + "\n"
