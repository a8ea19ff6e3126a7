"""The edit parser fed by the turn engine: each block that closes becomes ``EditProposed``.

Cheap enough for the stream path (about a microsecond a chunk).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from redline.agent.messages import EditProposed, Emit

if TYPE_CHECKING:
    from redline.tools.edits import EditBlock, EditStreamParser


class EditWatch:
    def __init__(self, emit: Emit, requested_format: str | None = None) -> None:
        self._emit = emit
        self._format = requested_format  # a whole-file block is an edit only when asked for
        self._parser: EditStreamParser | None = None
        self.blocks: list[EditBlock] = []

    def feed(self, text: str) -> None:
        parser = self._parser
        if parser is None:
            from redline.tools.edits.parser import EditStreamParser  # no GitPython in it

            parser = self._parser = EditStreamParser(self._format)
        for block in parser.feed(text):
            self._propose(block)

    def finish(self, final_text: str) -> list[EditBlock]:
        """The answer ended: the blocks still open, or (snapshots only) all of the final text."""
        if self._parser is None:
            if final_text:
                self.feed(final_text)
            if self._parser is None:
                return self.blocks
        for block in self._parser.finish():
            self._propose(block)
        return self.blocks

    def _propose(self, block: EditBlock) -> None:
        self.blocks.append(block)
        self._emit(EditProposed(block, block.end))
