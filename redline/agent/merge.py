"""Merge with Mercury: elided whole-file blocks ("... existing code ...") become complete files.

redline refuses a whole-file block that leaves code out. When an Inception key is set it can
offer an explicit step instead: send the original file and the block to Mercury's apply-edit
endpoint and turn the merged file into an ordinary whole-file block, which is shown as a diff
and then goes through the normal applier and its rules (paths, protected files, all or
nothing). Nothing here writes.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from redline.tools.edits import EditBlock, EditKind, parse_edits
from redline.tools.edits.plan import elided_line
from redline.tools.edits.safety import UnsafePath, check_path

INCEPTION_KEY_ENV = "INCEPTION_API_KEY"


class Merger(Protocol):
    async def apply_edit(self, original: str, update: str, model: str | None = None) -> str: ...


@dataclass(slots=True, frozen=True)
class MergedBlock:
    path: str
    start: int  # the elided block's span in the reply
    end: int
    merged: str  # the complete file Mercury proposed


def merge_available(env: Mapping[str, str] | None = None) -> bool:
    """Offered only with an Inception key (the endpoint is Inception's)."""
    env = os.environ if env is None else env
    return bool((env.get(INCEPTION_KEY_ENV) or "").strip())


def elided_blocks(reply: str, repo_root: Path) -> list[EditBlock]:
    """Whole-file blocks in ``reply`` that leave code out of a file that exists."""
    found: list[EditBlock] = []
    for block in parse_edits(reply):
        if block.kind is not EditKind.WHOLE or elided_line(block.content or ()) is None:
            continue
        try:
            path = repo_root / check_path(repo_root, block.path)
        except UnsafePath:
            continue  # the applier says why; nothing to merge
        if path.is_file() and not path.is_symlink():
            found.append(block)
    return found


async def merge_elided(reply: str, repo_root: Path, merger: Merger) -> list[MergedBlock]:
    """Ask Mercury to merge each elided block into its file (raises ``ProviderError``)."""
    merged: list[MergedBlock] = []
    for block in elided_blocks(reply, repo_root):
        path = repo_root / check_path(repo_root, block.path)
        original = path.read_bytes().decode("utf-8", errors="replace")
        update = "\n".join(block.content or ())
        text = await merger.apply_edit(original, update)
        merged.append(MergedBlock(block.path, _block_start(reply, block), block.end, text))
    return merged


def _block_start(reply: str, block: EditBlock) -> int:
    """Where the block begins, its path line included (``block.start`` is its content)."""
    fence_at = reply.rfind("\n", 0, max(0, block.start - 1)) + 1
    path_at = reply.rfind("\n", 0, max(0, fence_at - 1)) + 1
    if block.path in reply[path_at:fence_at]:
        return path_at
    return fence_at


def _fence(text: str) -> str:
    longest = max((len(run) for run in _backtick_runs(text)), default=0)
    return "`" * max(3, longest + 1)


def _backtick_runs(text: str) -> list[str]:
    runs, current = [], ""
    for ch in text:
        if ch == "`":
            current += ch
        elif current:
            runs.append(current)
            current = ""
    if current:
        runs.append(current)
    return runs


def rewrite_reply(reply: str, merged: list[MergedBlock]) -> str:
    """``reply`` with each elided block replaced by a complete whole-file block."""
    out: list[str] = []
    pos = 0
    for m in sorted(merged, key=lambda m: m.start):
        fence = _fence(m.merged)
        body = m.merged if m.merged.endswith("\n") else m.merged + "\n"
        out.append(reply[pos : m.start])
        out.append(f"{m.path}\n{fence}\n{body}{fence}\n")
        pos = m.end
    out.append(reply[pos:])
    return "".join(out)
