"""Merge with Mercury: elided whole-file blocks ("... existing code ...") become complete files.

redline refuses a whole-file block that leaves code out. When an Inception key is set it can
offer an explicit step instead: send the original file and the block to Mercury's apply-edit
endpoint and turn the merged file into an ordinary whole-file block, which is shown as a diff
and then goes through the normal applier and its rules (paths, protected files, all or
nothing). Nothing here writes.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from redline.tools.edits import EditBlock, EditKind, parse_edits
from redline.tools.edits.plan import elided_line
from redline.tools.edits.safety import UnsafePath, check_path

if TYPE_CHECKING:
    from redline.backends.client import StreamClient
    from redline.backends.presets import ProviderPreset

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


# --- merging the edits that do not apply (the TUI's "merge with Mercury") ------------------

MARKER = "... existing code ..."


def _marker(path: str) -> str:
    """The elision marker as a comment in the file's language (Mercury's snippets use them)."""
    hash_comment = (".py", ".sh", ".rb", ".toml", ".yaml", ".yml", ".r", ".pl", ".cfg", ".ini")
    return f"# {MARKER}" if path.lower().endswith(hash_comment) else f"// {MARKER}"


def update_snippet(block: EditBlock) -> str | None:
    """What Mercury merges for ``block``: a whole-file block's content, or each hunk's new lines
    between elision markers; None when the block says nothing Mercury could place."""
    if block.kind is EditKind.WHOLE and block.content:
        return "\n".join(block.content)
    if block.kind not in (EditKind.SEARCH_REPLACE, EditKind.UPDATE) or not block.hunks:
        return None
    if not any(hunk.new for hunk in block.hunks):
        return None  # only removals: nothing to show Mercury where they were
    marker = _marker(block.path)
    lines = [marker]
    for hunk in block.hunks:
        lines += [line.rstrip("\r") for line in hunk.new]
        lines.append(marker)
    return "\n".join(lines)


def merged_update(block: EditBlock, original: str, merged: str) -> EditBlock:
    """Mercury's merged file as an ordinary update block against ``original`` (so its card shows
    the real diff and the normal applier checks every line of it)."""
    import difflib

    from redline.tools.edits import EditFormat, Hunk

    crlf = "\r\n" in original
    text = merged.replace("\r\n", "\n")
    if original.endswith("\n") and not text.endswith("\n"):
        text += "\n"  # the model dropped the final newline: keep the file's
    old = original.replace("\r\n", "\n").splitlines()
    new = text.splitlines()
    if crlf:
        new = [line + "\r" for line in new]
        old = [line + "\r" for line in old]
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    hunks = []
    for group in matcher.get_grouped_opcodes(3):
        i1, i2, j1, j2 = group[0][1], group[-1][2], group[0][3], group[-1][4]
        hunks.append(Hunk(tuple(old[i1:i2]), tuple(new[j1:j2]), old_start=i1 + 1))
    if not hunks:
        return EditBlock(
            block.path,
            EditKind.INVALID,
            EditFormat.UDIFF,
            error="Mercury's merge changes nothing in this file",
            index=block.index,
        )
    return EditBlock(
        block.path,
        EditKind.UPDATE,
        EditFormat.UDIFF,
        hunks=tuple(hunks),
        index=block.index,
        start=block.start,
        end=block.end,
        line=block.line,
    )


@dataclass(slots=True, frozen=True)
class MergePlan:
    """The blocks that do not apply and what Mercury would be asked for each."""

    failed: tuple[EditBlock, ...]
    snippets: tuple[str, ...]
    problem: str | None = None  # why Mercury cannot help (a block it cannot place)


def plan_merge(blocks: list[EditBlock], errors: Mapping[int, str], repo_root: Path) -> MergePlan:
    """Which of ``blocks`` (their apply ``errors`` by block index) Mercury can merge."""
    failed: list[EditBlock] = []
    snippets: list[str] = []
    for block in blocks:
        if block.index not in errors:
            continue
        snippet = update_snippet(block)
        try:
            exists = (repo_root / check_path(repo_root, block.path)).is_file()
        except UnsafePath:
            exists = False
        if snippet is None or not exists:
            why = "it adds, deletes or moves a file" if exists else "its file does not exist"
            if block.kind is EditKind.INVALID:
                why = "it could not be read"
            return MergePlan((), (), f"Mercury cannot merge the edit to {block.path}: {why}.")
        failed.append(block)
        snippets.append(snippet)
    return MergePlan(tuple(failed), tuple(snippets))


async def merge_failed(
    blocks: list[EditBlock],
    plan: MergePlan,
    repo_root: Path,
    merger: Merger,
    progress: Callable[[int, str], None] | None = None,
) -> list[EditBlock]:
    """``blocks`` with each failed one replaced by Mercury's merge (raises ``ProviderError``)."""
    replaced: dict[int, EditBlock] = {}
    for number, (block, snippet) in enumerate(zip(plan.failed, plan.snippets, strict=True)):
        if progress is not None:
            progress(number, block.path)
        path = repo_root / check_path(repo_root, block.path)
        original = path.read_bytes().decode("utf-8", errors="replace")
        merged = await merger.apply_edit(original, snippet)
        replaced[block.index] = merged_update(block, original, merged)
    return [replaced.get(block.index, block) for block in blocks]


def mercury_client(
    env: Mapping[str, str] | None = None, preset: ProviderPreset | None = None
) -> StreamClient:
    """A client for Inception's apply endpoint: the preset (or the person's own config for it),
    ``REDLINE_INCEPTION_BASE_URL`` when set, and the key from ``INCEPTION_API_KEY``."""
    from redline.backends.client import StreamClient
    from redline.backends.presets import PRESETS

    env = os.environ if env is None else env
    preset = preset or PRESETS["inception"]
    base_url = env.get("REDLINE_INCEPTION_BASE_URL") or preset.base_url
    key = (env.get(preset.key_env or INCEPTION_KEY_ENV) or "").strip()
    return StreamClient(preset, base_url=base_url, api_key=key)
