"""Edits: parse every edit format (also while streaming), apply atomically through git, undo.

The public API the TUI, `redline exec --apply` and race mode use:
`EditStreamParser` / `parse_edits` (blocks), `block_diff` (a block's own diff text, for a card
while the answer streams), `plan_edits` (preview), `apply_reply` (write and
commit), `undo_last` and `session_diff`.
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from redline.tools.edits.apply import ApplyResult, FilePreview, apply_reply, plan_edits
    from redline.tools.edits.blocks import EditBlock, EditFormat, EditKind, Hunk, ParseProgress
    from redline.tools.edits.parser import EditStreamParser, parse_edits
    from redline.tools.edits.plan import BlockResult
    from redline.tools.edits.preview import block_diff
    from redline.tools.edits.undo import UndoResult, session_diff, undo_last

# Importing the package loads no submodule: the stream parser is needed mid-stream and must not
# pay for GitPython (hundreds of milliseconds), which only applying and undoing use.
_WHERE = {
    "ApplyResult": "apply",
    "FilePreview": "apply",
    "apply_reply": "apply",
    "plan_edits": "apply",
    "EditBlock": "blocks",
    "EditFormat": "blocks",
    "EditKind": "blocks",
    "Hunk": "blocks",
    "ParseProgress": "blocks",
    "EditStreamParser": "parser",
    "parse_edits": "parser",
    "BlockResult": "plan",
    "block_diff": "preview",
    "UndoResult": "undo",
    "session_diff": "undo",
    "undo_last": "undo",
}


def __getattr__(name: str) -> object:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "ApplyResult",
    "BlockResult",
    "EditBlock",
    "EditFormat",
    "EditKind",
    "EditStreamParser",
    "FilePreview",
    "Hunk",
    "ParseProgress",
    "UndoResult",
    "apply_reply",
    "block_diff",
    "parse_edits",
    "plan_edits",
    "session_diff",
    "undo_last",
]
