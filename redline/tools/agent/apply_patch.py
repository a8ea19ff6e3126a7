"""``apply_patch {patch}``: a Codex apply_patch envelope through the atomic applier.

The contract (name, description, schema) and the envelope's parsing; the turn's edits are
written by ``TurnEdits`` (``turn_edits``, GitPython), imported only once a patch is run, so the
specs that go with a request never load git.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from redline.tools.agent.result import ToolResult
from redline.tools.edits.blocks import EditBlock, EditFormat
from redline.tools.edits.parser import parse_edits

if TYPE_CHECKING:
    from redline.tools.agent.turn_edits import TurnEdits

NAME = "apply_patch"
DESCRIPTION = (
    "Edit files with a patch in the apply_patch format: '*** Begin Patch', then per file "
    "'*** Update File: path' (hunks: an optional '@@ context' line, ' ' kept lines, '-' removed, "
    "'+' added), '*** Add File: path' (every line '+'), '*** Delete File: path', or "
    "'*** Move to: path' after an update header; end with '*** End Patch'. All of the patch "
    "applies or none of it."
)
PARAMETERS: dict[str, object] = {
    "type": "object",
    "properties": {
        "patch": {"type": "string", "description": "the whole patch, Begin to End markers"},
    },
    "required": ["patch"],
    "additionalProperties": False,
}
BEGIN = "*** Begin Patch"
END = "*** End Patch"


class PatchRefused(ValueError):
    """The text is not an apply_patch envelope redline can read; said for the model."""


def patch_blocks(patch: str) -> list[EditBlock]:
    """The envelope's blocks; a missing End marker is forgiven, anything else is refused."""
    if BEGIN not in patch:
        raise PatchRefused(
            "the patch must start with '*** Begin Patch' and end with '*** End Patch' "
            "(Codex apply_patch format)"
        )
    text = patch if END in patch else patch.rstrip("\n") + "\n" + END + "\n"
    blocks = parse_edits(text)
    if not blocks:
        raise PatchRefused("the patch holds no file operation ('*** Update File: path', ...)")
    other = next((b for b in blocks if b.source is not EditFormat.APPLY_PATCH), None)
    if other is not None:
        raise PatchRefused(
            f"the patch mixes in a {other.source.value} edit; send only the apply_patch envelope"
        )
    return blocks


def run(edits: TurnEdits, args: dict[str, object]) -> ToolResult:
    return edits.apply(str(args["patch"]))
