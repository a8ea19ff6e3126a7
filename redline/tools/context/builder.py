"""Assembling what a request carries: whole files, mentioned symbols and scopes, the repo map."""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from redline.tools.context.files import MAX_FILE_BYTES, is_binary
from redline.tools.context.gcpause import gc_paused
from redline.tools.context.index import Progress, RepoIndex
from redline.tools.context.mentions import (
    PathCompleter,
    SymbolTable,
    enclosing,
    split_line_ref,
)
from redline.tools.context.ranking import ReferenceGraph
from redline.tools.context.render import fit_map, render_file, render_map, render_snippet
from redline.tools.context.tags import Definition
from redline.tools.context.tokens import DEFAULT_BUDGET, estimate_tokens

MAX_SYMBOL_DEFINITIONS = 5
SCOPE_WINDOW = 15
MAX_LISTED = 50  # paths named in a directory mention's record
MAP_RESERVE = 512  # tokens kept for the repo map when symbols are mentioned  # lines either side of a line outside any definition


@dataclass(frozen=True, slots=True)
class SymbolRef:
    name: str
    kind: str
    path: str
    line: int


@dataclass(frozen=True, slots=True)
class Mention:
    """How one `@mention` was understood: a file, a symbol, a scope, or unknown."""

    text: str
    kind: str  # "file", "symbol", "scope", "directory" or "unknown"
    paths: tuple[str, ...] = ()
    suggestions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ContextBundle:
    """Exactly what the next request would carry, and where it came from."""

    text: str
    tokens: int
    budget: int
    files: tuple[str, ...]
    map_files: tuple[str, ...]
    symbols: tuple[SymbolRef, ...]
    mentions: tuple[Mention, ...]
    warnings: tuple[str, ...]
    skipped: dict[str, int]
    elapsed_ms: float
    source_files: int = 0
    parsed: int = 0

    def as_json(self) -> dict[str, object]:
        return {
            "text": self.text,
            "tokens": self.tokens,
            "budget": self.budget,
            "files": list(self.files),
            "map_files": list(self.map_files),
            "symbols": [
                {"name": s.name, "kind": s.kind, "path": s.path, "line": s.line}
                for s in self.symbols
            ],
            "mentions": [
                {
                    "text": m.text,
                    "kind": m.kind,
                    "paths": list(m.paths),
                    "suggestions": list(m.suggestions),
                }
                for m in self.mentions
            ],
            "warnings": list(self.warnings),
            "skipped": dict(self.skipped),
            "source_files": self.source_files,
            "parsed": self.parsed,
            "elapsed_ms": round(self.elapsed_ms, 2),
        }


@dataclass(frozen=True, slots=True)
class _Snippet:
    """A symbol or scope: its full text, or a shorter fallback cut to fit the budget."""

    title: str
    path: str
    body: str
    fallback_title: str
    fallback_lines: tuple[str, ...]

    def fit(self, budget: int) -> str | None:
        full = render_snippet(self.title, self.path, self.body)
        if estimate_tokens(full) <= budget:
            return full
        lo, hi, best = 1, len(self.fallback_lines), None
        while lo <= hi:  # the longest prefix of the fallback that fits
            mid = (lo + hi) // 2
            text = render_snippet(
                self.fallback_title, self.path, "\n".join((*self.fallback_lines[:mid], "..."))
            )
            if estimate_tokens(text) <= budget:
                best, lo = text, mid + 1
            else:
                hi = mid - 1
        return best


@dataclass(slots=True)
class _Parts:
    files: list[str] = field(default_factory=list)
    snippets: list[_Snippet] = field(default_factory=list)
    symbols: list[SymbolRef] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    scope_files: list[str] = field(default_factory=list)


def build_context(
    repo_root: Path,
    *,
    budget: int = DEFAULT_BUDGET,
    mentions: Sequence[str] = (),
    chat_files: Iterable[str] = (),
    cache_dir: Path | None = None,
    progress: Progress | None = None,
    index: RepoIndex | None = None,
) -> ContextBundle:
    """Refresh the index and assemble the context within ``budget`` tokens (estimated).

    Files named by the person (``chat_files`` and `@path` mentions) are always included whole;
    mentioned symbols and scopes follow while they fit; the repo map takes what is left.
    """
    started = time.perf_counter()
    own = index is None
    if index is None:
        index = RepoIndex(repo_root, cache_dir=cache_dir)
    with gc_paused():
        try:
            return _build(index, started, budget, mentions, chat_files, progress)
        finally:
            if own:
                index.release()


def _build(
    index: RepoIndex,
    started: float,
    budget: int,
    mentions: Sequence[str],
    chat_files: Iterable[str],
    progress: Progress | None,
) -> ContextBundle:
    stats = index.refresh(progress)
    completer = index.derived(
        "paths", lambda: PathCompleter([f.path for f in index.files]), paths_only=True
    )
    parts = _Parts()
    for raw in chat_files:
        path = completer.resolve(raw)
        if path is None:
            parts.warnings.append(f"not in the repository: {raw}")
        elif path not in parts.files:
            parts.files.append(path)
    if mentions:
        symbols = index.derived("symbols", lambda: SymbolTable(index.tags))
        for text in mentions:
            _resolve(text.lstrip("@"), index, completer, symbols, parts)

    chunks: list[str] = []
    included_files: list[str] = []
    for path in parts.files:
        content, problem = read_text(index.root / path)
        if content is None:
            parts.warnings.append(f"{path}: {problem}; not included")
            continue
        chunks.append(render_file(path, content))
        included_files.append(path)
    used = sum(estimate_tokens(c) for c in chunks)
    if used > budget:
        parts.warnings.append(
            f"the files you named take ~{used} tokens, over the budget of {budget}; "
            "the repo map is left out"
        )
    snippets: list[str] = []
    # Symbols and scopes share what the files leave, keeping a little for the map.
    pool = max(0, budget - used)
    pool -= min(MAP_RESERVE, pool // 4)
    for k, snippet in enumerate(parts.snippets):
        piece = snippet.fit(pool // (len(parts.snippets) - k))
        if piece is None:
            parts.warnings.append(f"{snippet.title.rstrip(':')}: did not fit the budget")
            continue
        snippets.append(piece)
        used += estimate_tokens(piece)
        pool -= estimate_tokens(piece)

    graph = index.keep("graph", ReferenceGraph)
    graph.update(index.tags)
    ranking = graph.rank(
        chat_files=included_files,
        mentioned_names=parts.names,
        mentioned_files=parts.scope_files,
        limit=max(0, budget - used),
    )
    map_text, count = fit_map(ranking.definitions, budget - used - 2)
    text = _join(map_text, snippets, chunks)
    while count and estimate_tokens(text) > budget:  # separators tipped it over
        count -= 1
        map_text = render_map(ranking.definitions[:count])
        text = _join(map_text, snippets, chunks)
    shown = ranking.definitions[:count]
    map_files = tuple(dict.fromkeys(r.path for r in shown))
    found = parts.symbols + [
        SymbolRef(r.definition.name, r.definition.kind, r.path, r.definition.line) for r in shown
    ]
    return ContextBundle(
        text=text,
        tokens=estimate_tokens(text),
        budget=budget,
        files=tuple(included_files),
        map_files=map_files,
        symbols=tuple(found),
        mentions=tuple(parts.mentions),
        warnings=tuple(parts.warnings),
        skipped=dict(stats.skipped),
        elapsed_ms=(time.perf_counter() - started) * 1000,
        source_files=stats.source_files,
        parsed=stats.parsed,
    )


def _join(map_text: str, snippets: list[str], chunks: list[str]) -> str:
    sections = [s.rstrip("\n") for s in (map_text, *snippets, *chunks) if s]
    return "\n\n".join(sections) + ("\n" if sections else "")


def read_text(path: Path) -> tuple[str | None, str]:
    """A file's text, or None and the reason it cannot be sent."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        return None, "file not found"
    except OSError as exc:
        return None, f"cannot read ({exc.strerror or exc})"
    if len(raw) > MAX_FILE_BYTES:
        return None, "larger than 1 MB"
    if is_binary(raw):
        return None, "binary file"
    try:
        return raw.decode("utf-8"), ""
    except UnicodeDecodeError:
        return None, "not UTF-8 text"


def _resolve(
    text: str, index: RepoIndex, completer: PathCompleter, symbols: SymbolTable, parts: _Parts
) -> None:
    line_ref = split_line_ref(text)
    if line_ref is not None:
        path = completer.resolve(line_ref[0])
        if path is not None:
            _add_scope(text, path, line_ref[1], line_ref[2], index, parts)
            return
    path = completer.resolve(text)
    if path is not None:
        if path not in parts.files:
            parts.files.append(path)
        parts.mentions.append(Mention(text, "file", (path,)))
        return
    found = symbols.lookup(text)
    if found:
        _add_symbol(text, found, index, parts)
        return
    folder = text.strip("/").lower() + "/"
    inside = [p for p in completer.paths if p.lower().startswith(folder)]
    if inside:  # a directory: its files lead the map, none is sent whole
        parts.scope_files.extend(inside)
        parts.mentions.append(Mention(text, "directory", tuple(inside[:MAX_LISTED])))
        return
    suggestions = tuple(completer.suggest(text, 3)) + tuple(symbols.similar(text, 3))
    hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
    parts.warnings.append(f"@{text}: no such file or symbol{hint}")
    parts.mentions.append(Mention(text, "unknown", suggestions=suggestions))


def _lines(index: RepoIndex, path: str) -> list[str] | None:
    content, _ = read_text(index.root / path)
    return content.splitlines() if content is not None else None


def _add_symbol(
    text: str, found: list[tuple[str, Definition]], index: RepoIndex, parts: _Parts
) -> None:
    paths: list[str] = []
    for path, d in found[:MAX_SYMBOL_DEFINITIONS]:
        lines = _lines(index, path)
        if lines is None:
            continue
        body = "\n".join(lines[d.line - 1 : d.end_line])
        title = f"Definition of {d.name} ({d.kind}) in {path}, lines {d.line}-{d.end_line}:"
        tags = index.tags.get(path)
        inner = [
            x.signature
            for x in (tags.definitions if tags is not None else ())
            if d.line < x.line <= d.end_line
        ]
        outline = "\n".join([d.signature, *inner]).split("\n")
        fallback = f"Outline of {d.name} ({d.kind}) in {path}, lines {d.line}-{d.end_line}:"
        parts.snippets.append(_Snippet(title, path, body, fallback, tuple(outline)))
        parts.symbols.append(SymbolRef(d.name, d.kind, path, d.line))
        paths.append(path)
    parts.names.append(found[0][1].name)
    parts.mentions.append(Mention(text, "symbol", tuple(dict.fromkeys(paths))))


def _add_scope(
    text: str, path: str, first: int, last: int, index: RepoIndex, parts: _Parts
) -> None:
    lines = _lines(index, path)
    if lines is None or first > len(lines) or first < 1:
        parts.warnings.append(f"@{text}: {path} has no line {first}")
        parts.mentions.append(Mention(text, "unknown", (path,)))
        return
    tags = index.tags.get(path)
    scope = enclosing(tags.definitions, first, last) if tags is not None else None
    if scope is not None:
        start, end = scope.line, scope.end_line
        title = f"Enclosing {scope.kind} {scope.name} of {path}:{first}, lines {start}-{end}:"
        parts.symbols.append(SymbolRef(scope.name, scope.kind, path, scope.line))
    else:
        start, end = max(1, first - SCOPE_WINDOW), min(len(lines), last + SCOPE_WINDOW)
        title = f"Lines {start}-{end} of {path} (around line {first}):"
    body = "\n".join(lines[start - 1 : end])
    near = max(start, first - SCOPE_WINDOW)
    window = tuple(lines[near - 1 : min(end, last + SCOPE_WINDOW)])
    fallback = f"Lines {near}-{near + len(window) - 1} of {path} (around line {first}):"
    parts.snippets.append(_Snippet(title, path, body, fallback, window))
    parts.scope_files.append(path)
    parts.mentions.append(Mention(text, "scope", (path,)))
