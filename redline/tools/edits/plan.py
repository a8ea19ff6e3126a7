"""Turn parsed blocks into new file contents, in memory, all or nothing.

Nothing here writes: `plan_blocks` reads the working tree and returns, per file, the bytes before
and after, with a result per block. The applier (`apply.py`) takes it from there.
"""

from __future__ import annotations

import difflib
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from redline.tools.edits._hunks import Ambiguous, EditFailure, apply_hunk
from redline.tools.edits.blocks import EditBlock, EditFormat, EditKind, Hunk
from redline.tools.edits.safety import UnsafePath, check_path
from redline.tools.edits.textfile import BinaryFile, TextFile, conform, cr_style

# "... existing code ...", "// rest of the file unchanged": a snippet, not the whole file.
_ELISION = re.compile(
    r"^\s*(#|//|/\*|<!--|--|;|%)?\s*(\.\.\.|…)\s*"
    r"(existing|rest|remaining|unchanged|other|previous|same|more|code)\b",
    re.IGNORECASE,
)


def elided_line(lines: tuple[str, ...] | list[str]) -> str | None:
    """The first "... existing code ..." line of a whole-file block, if it leaves code out."""
    return next((s for s in lines if _ELISION.match(s)), None)


@dataclass(frozen=True, slots=True)
class BlockResult:
    """What became of one block: `proposed` (fine, not written yet), `applied` or `failed`."""

    index: int
    path: str
    status: str
    added: int
    removed: int
    error: str | None = None


@dataclass(frozen=True, slots=True)
class FileChange:
    """One file's content before and after the turn (None: absent). `path` is where it lives
    after the edit; a rename appears as a deletion plus an addition."""

    path: str
    before: bytes | None
    after: bytes | None
    mode: str = "100644"


@dataclass(frozen=True, slots=True)
class Plan:
    blocks: tuple[EditBlock, ...]
    results: tuple[BlockResult, ...]
    changes: tuple[FileChange, ...]
    error: str | None
    overwrites: tuple[str, ...] = ()  # existing files a move or rename lands on

    @property
    def ok(self) -> bool:
        return self.error is None


class _Tree:
    """The working tree as the blocks see it, block after block."""

    def __init__(self, root: Path, first: bool) -> None:
        self.root = root
        self.first = first
        self.files: dict[str, TextFile | None] = {}
        self.original: dict[str, bytes | None] = {}
        self.modes: dict[str, str] = {}
        self.order: list[str] = []
        self.sr_cursor: dict[str, tuple[int, bool]] = {}
        self.overwrites: list[str] = []

    def exists(self, path: str) -> bool:
        if path in self.files:
            return self.files[path] is not None
        return (self.root / path).is_file()

    def load(self, path: str) -> TextFile | None:
        if path in self.files:
            return self.files[path]
        full = self.root / path
        if full.is_dir():
            raise EditFailure(f"{path} is a directory, not a file")
        data: bytes | None = None
        if full.is_file():
            data = full.read_bytes()
            mode = os.stat(full).st_mode
            self.modes[path] = "100755" if mode & stat.S_IXUSR else "100644"
        try:
            tf = None if data is None else TextFile.from_bytes(data)
        except BinaryFile as exc:
            raise EditFailure(f"{path} is a binary file ({exc}); redline edits only text") from exc
        self.original[path] = data
        self.order.append(path)
        self.files[path] = tf
        return tf

    def store(self, path: str, tf: TextFile | None) -> None:
        self.load(path)
        self.files[path] = tf


def plan_blocks(root: Path, blocks: list[EditBlock], *, first_after_cursor: bool = True) -> Plan:
    """Apply every block in memory; stop short of writing anything.

    `first_after_cursor` (the rule): lines found more than once are placed at the first
    occurrence at or after the end of the previous edit to the same file, for apply_patch hunks
    (Codex's defined semantics) and SEARCH/REPLACE blocks, when an earlier hunk or block of the
    same file (in file order) placed that cursor. The first edit of a file has nothing before it
    and is still refused when it matches several places. Off: every tie is refused (the earlier, stricter rule,
    kept for `benchmarks/real_diffs.py` to compare)."""
    tree = _Tree(root, first_after_cursor)
    results: list[BlockResult] = []
    errors: list[str] = []
    strip_level = _strip_levels(root, blocks)
    conflicts = _conflicts(blocks)
    for block in blocks:
        try:
            if block.index in conflicts:
                raise EditFailure(conflicts[block.index])
            path, added, removed = _apply_block(tree, block, strip_level, blocks)
            results.append(BlockResult(block.index, path, "proposed", added, removed))
        except (EditFailure, UnsafePath, OSError) as exc:
            if isinstance(exc, OSError):
                exc = EditFailure(f"cannot read it: {exc.strerror or exc}")
            where = _where(block)
            message = f"{block.path or '(no path)'}: {where}: {exc}"
            errors.append(message)
            results.append(BlockResult(block.index, block.path, "failed", 0, 0, message))
    if not blocks:
        errors.append("no edit blocks found in the reply")
    changes = []
    for path in tree.order:
        before = tree.original[path]
        tf = tree.files[path]
        after = None if tf is None else tf.to_bytes()
        if before != after:
            changes.append(FileChange(path, before, after, tree.modes.get(path, "100644")))
    error = None
    if errors:
        error = errors[0] if len(errors) == 1 else f"{errors[0]} (and {len(errors) - 1} more)"
    return Plan(tuple(blocks), tuple(results), tuple(changes), error, tuple(tree.overwrites))


def _where(block: EditBlock) -> str:
    return f"block {block.index + 1} ({block.source.value}, reply line {block.line})"


def _strip_levels(root: Path, blocks: list[EditBlock]) -> list[int]:
    """How many leading path parts this reply's diffs need dropped, judged by the files that
    exist (so a new file follows its siblings: `proj-1.1/new.c` -> `new.c`)."""
    votes: dict[int, int] = {}
    for b in blocks:
        cands = b.path_candidates
        if len(cands) < 2 or b.kind is EditKind.ADD:
            continue
        depth = max(c.count("/") for c in cands)
        for c in cands:
            if _is_file(root, c):
                level = depth - c.count("/")
                votes[level] = votes.get(level, 0) + 1
                break
    if not votes:
        return []
    return [max(votes, key=lambda k: votes[k])]


def _is_file(root: Path, path: str) -> bool:
    try:
        return (root / path).is_file()
    except OSError:  # e.g. a name longer than the system allows: check_path says so later
        return False


def _resolve(tree: _Tree, block: EditBlock, strip_level: list[int]) -> str:
    """Pick among a diff's path readings: the one that exists, else the one siblings used."""
    cands = block.path_candidates or (block.path,)
    if len(cands) == 1:
        return check_path(tree.root, cands[0])
    depth = max(c.count("/") for c in cands)
    if block.kind is EditKind.ADD:
        if strip_level:
            for c in cands:
                if depth - c.count("/") == strip_level[-1]:
                    return check_path(tree.root, c)
        # The reading whose directory exists; else the best reading (`+++ pkg/new.py` with no
        # prefix stays in pkg/, even when pkg/ is new).
        for c in cands:
            parent = Path(c).parent
            if str(parent) != "." and (tree.root / parent).is_dir():
                return check_path(tree.root, c)
        return check_path(tree.root, cands[0])
    for c in cands:
        safe = check_path(tree.root, c)
        if tree.exists(safe):
            return safe
    return check_path(tree.root, cands[0])


def _apply_block(
    tree: _Tree, block: EditBlock, strip_level: list[int], blocks: list[EditBlock]
) -> tuple[str, int, int]:
    if block.error is not None or block.kind is EditKind.INVALID:
        raise EditFailure(block.error or "the block could not be read")
    path = _resolve(tree, block, strip_level)
    kind = block.kind
    if path.startswith("path/to/") and not tree.exists(path):
        raise EditFailure(
            f"'{path}' is the placeholder path from an example, not a file here; use the "
            "file's real path"
        )
    if kind is EditKind.ADD:
        content = list(block.content or ())
        existing = tree.load(path)
        udiff = block.source is EditFormat.UDIFF
        if udiff and existing is not None and existing.lines != content:
            raise EditFailure(f"{path} already exists (the diff creates it)")
        tree.store(path, TextFile(content, block.final_newline))
        return path, len(content), 0 if existing is None else len(existing.lines)
    if kind is EditKind.DELETE:
        existing = tree.load(path)
        if existing is None:
            raise EditFailure(f"cannot delete {path}: no such file")
        tree.store(path, None)
        return path, 0, len(existing.lines)
    if kind is EditKind.WHOLE:
        existing = tree.load(path)
        content = list(block.content or ())
        elided = next((s for s in content if _ELISION.match(s)), None)
        if existing is not None and elided is not None:
            raise EditFailure(
                f"the whole-file block leaves code out ('{elided.strip()}'); send the complete "
                "file, or SEARCH/REPLACE blocks for the parts that change"
            )
        if existing is None:
            tree.store(path, TextFile(content, True))
            return path, len(content), 0
        _refuse_snippet(path, existing.lines, content)
        lines = conform(content, crlf=existing.crlf(), written_cr=cr_style(content))
        added, removed = _count(existing.lines, lines)
        tree.store(path, TextFile(lines, existing.final_newline))
        return path, added, removed
    existing = tree.load(path)
    if kind is EditKind.SEARCH_REPLACE:
        return _search_replace(tree, path, existing, block, blocks)
    if existing is None:
        raise EditFailure(f"cannot update {path}: no such file")
    tf = TextFile(list(existing.lines), existing.final_newline)
    added = removed = 0
    cursor = delta = 0
    ordered = tree.first and block.source is EditFormat.APPLY_PATCH
    for n, hunk in enumerate(block.hunks):
        following = block.hunks[n + 1] if n + 1 < len(block.hunks) else None
        # Codex: the first match at or after the cursor, once an earlier hunk of this file has
        # placed the cursor. The first hunk has nothing before it (an `@@` anchor naming a class
        # often covers both places): a tie there is refused unless the anchor's scope settles it.
        first = ordered and n > 0
        try:
            cursor, d, a, r = apply_hunk(
                tf, hunk, cursor, delta, block.source, following, first, existing.lines
            )
        except EditFailure as exc:
            label = f"hunk {n + 1}" if len(block.hunks) > 1 else "the hunk"
            raise EditFailure(f"{label}: {exc}") from None
        delta += d
        added += a
        removed += r
    if block.move_to is not None:
        target = check_path(tree.root, block.move_to)
        if target != path and tree.load(target) is not None:
            tree.overwrites.append(target)
        tree.store(path, None)
        tree.store(target, tf)
        mode = tree.modes.get(path)
        if mode:
            tree.modes[target] = mode
        return target, added, removed
    tree.store(path, tf)
    return path, added, removed


def _search_replace(
    tree: _Tree, path: str, existing: TextFile | None, block: EditBlock, blocks: list[EditBlock]
) -> tuple[str, int, int]:
    hunk = block.hunks[0]
    if not hunk.old:
        if existing is None:
            tree.store(path, TextFile(list(hunk.new), True))
            return path, len(hunk.new), 0
        tf = TextFile(list(existing.lines), existing.final_newline)
        tf.lines.extend(conform(hunk.new, crlf=tf.crlf(), written_cr=cr_style(hunk.new)))
        tree.store(path, tf)
        return path, len(hunk.new), 0
    if existing is None:
        raise EditFailure(f"cannot edit {path}: no such file (an empty SEARCH section creates one)")
    first_error: EditFailure | None = None
    cursor, in_order = tree.sr_cursor.get(path, (0, True))
    following = _next_search(blocks, block, path)
    # An earlier block for the same file orders this one: ties go to the first place after it.
    # The first (or only) block for a file with several equal matches is refused.
    first = tree.first and path in tree.sr_cursor
    # Several "=======" lines: every reading is tried, the longest SEARCH that is found wins.
    hint = hunk.old_start  # Roo Code's `:start_line:`: settles a tie, never moves a match
    readings = sorted(((hunk.old, hunk.new), *hunk.splits), key=lambda r: -len(r[0]))
    # Blank lines the model added around SEARCH (Aider's issue 25): tried last.
    readings += [t for t in map(_blank_trimmed, readings) if t not in readings]
    for old, new in readings:
        tf = TextFile(list(existing.lines), existing.final_newline)
        try:
            try:
                end, _, a, r = apply_hunk(tf, Hunk(old, new, old_start=hint), 0, 0, block.source)
            except Ambiguous:
                if not in_order:
                    raise
                # Blocks for this file came in file order so far: the previous one pins a start.
                end, _, a, r = apply_hunk(
                    tf, Hunk(old, new, old_start=hint), cursor, 0, block.source, following, first
                )
        except EditFailure as exc:
            first_error = first_error or exc
            continue
        start = end - len(new)
        tree.sr_cursor[path] = (end, in_order and start >= cursor)
        if not tf.lines and existing.lines:
            tree.store(path, None)  # the whole content was replaced by nothing: delete the file
        else:
            tree.store(path, tf)
        return path, a, r
    assert first_error is not None
    raise first_error


def _conflicts(blocks: list[EditBlock]) -> dict[int, str]:
    """Blocks that contradict an earlier one of the same reply: a whole file and any other edit
    of that file, or a file created twice, unless it is the very same content again. Never
    last-one-wins: the person sees both were sent."""
    seen: dict[str, list[EditBlock]] = {}
    out: dict[int, str] = {}
    for b in blocks:
        if b.kind is EditKind.INVALID:
            continue
        for path in dict.fromkeys((b.path, b.target)):
            earlier = seen.setdefault(path, [])
            clash = next((e for e in earlier if _contradicts(e, b)), None)
            earlier.append(b)
            if clash is not None and b.index not in out:
                out[b.index] = (
                    f"this reply edits {path} twice in ways that conflict (block "
                    f"{clash.index + 1} and block {b.index + 1}); send one edit for the file"
                )
    return out


def _contradicts(first: EditBlock, later: EditBlock) -> bool:
    whole, add = EditKind.WHOLE, EditKind.ADD
    if first.kind is later.kind and later.kind in (whole, add) and first.content == later.content:
        return False  # the same file sent twice
    if whole in (first.kind, later.kind):
        return True
    return later.kind is add and first.kind is not EditKind.DELETE


def _refuse_snippet(path: str, before: list[str], content: list[str]) -> None:
    """A "whole file" far shorter than the file is a quoted snippet: writing it would delete
    most of the file."""
    old_n = sum(1 for s in before if s.strip())
    new_n = sum(1 for s in content if s.strip())
    if old_n >= 6 and new_n * 2 < old_n:
        raise EditFailure(
            f"the whole-file block has {new_n} lines where {path} has {old_n}: writing it would "
            "delete most of the file, so it looks like a snippet; send SEARCH/REPLACE blocks "
            "(or a diff) for the lines that change"
        )


def _blank_trimmed(
    reading: tuple[tuple[str, ...], tuple[str, ...]],
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A SEARCH without its leading and trailing blank lines (REPLACE loses the same ones)."""
    old, new = list(reading[0]), list(reading[1])
    while len(old) > 1 and not old[0].strip():
        old.pop(0)
        if new and not new[0].strip():
            new.pop(0)
    while len(old) > 1 and not old[-1].strip():
        old.pop()
        if new and not new[-1].strip():
            new.pop()
    return tuple(old), tuple(new)


def _next_search(blocks: list[EditBlock], block: EditBlock, path: str) -> Hunk | None:
    """The next SEARCH/REPLACE block for the same file, if any."""
    for later in blocks[block.index + 1 :]:
        if later.kind is EditKind.SEARCH_REPLACE and later.path == path and later.hunks:
            return later.hunks[0]
    return None


def _count(before: list[str], after: list[str]) -> tuple[int, int]:
    added = removed = 0
    sm = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag != "equal":
            removed += i2 - i1
            added += j2 - j1
    return added, removed
