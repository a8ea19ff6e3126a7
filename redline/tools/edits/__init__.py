"""Edits: parse every edit format (also while streaming), apply atomically through git, undo.

The public API the TUI, `redline exec --apply` and race mode use:
`EditStreamParser` / `parse_edits` (blocks), `block_diff` (a block's own diff text, for a card
while the answer streams), `plan_edits` (preview), `apply_reply` (write and
commit), `undo_last` and `session_diff`.
"""

from redline.tools.edits.apply import ApplyResult, FilePreview, apply_reply, plan_edits
from redline.tools.edits.blocks import EditBlock, EditFormat, EditKind, Hunk, ParseProgress
from redline.tools.edits.parser import EditStreamParser, parse_edits
from redline.tools.edits.plan import BlockResult
from redline.tools.edits.preview import block_diff
from redline.tools.edits.undo import UndoResult, session_diff, undo_last

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
