"""What the turn loop holds: the files the person added, and a builder for each prompt.

Made before the TUI's first frame, so it imports the index, the builder and tree-sitter only
when first used (indexing starts after the first paint)."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from redline.tools.context.tokens import DEFAULT_BUDGET

if TYPE_CHECKING:
    from redline.tools.context.builder import ContextBundle
    from redline.tools.context.index import Progress, RepoIndex
    from redline.tools.context.mentions import Completion, PathCompleter, SymbolTable


@dataclass(frozen=True, slots=True)
class UnknownMention:
    """An `@mention` that names no file, symbol or folder, and what it may have meant."""

    text: str
    suggestions: tuple[str, ...]


class ContextSet:
    """Added files plus `@mentions` parsed from each prompt, built against one live index.

    ``build(prompt, conversation)`` returns the text to send (the turn loop's hook);
    ``bundle(prompt)`` returns the full :class:`ContextBundle` (for the context panel).
    Safe to call from a worker thread; one build runs at a time.
    """

    def __init__(
        self,
        repo_root: Path,
        *,
        budget: int = DEFAULT_BUDGET,
        cache_dir: Path | None = None,
        sticky_mentions: bool = True,
        index: RepoIndex | None = None,
    ) -> None:
        self._root = repo_root
        self._cache_dir = cache_dir
        self._index = index
        self.budget = budget
        self.sticky_mentions = sticky_mentions
        self.added: list[str] = []
        self.last: ContextBundle | None = None
        self._lock = threading.RLock()

    @property
    def index(self) -> RepoIndex:
        """The repository's index, made on first use (not before the first frame)."""
        if self._index is None:
            with self._lock:
                if self._index is None:
                    from redline.tools.context.index import RepoIndex

                    self._index = RepoIndex(self._root, cache_dir=self._cache_dir)
        return self._index

    # -- what the person adds and drops -------------------------------------------------
    def add(self, text: str) -> str | None:
        """Add a file by (fuzzy) path; returns the path added, or None when nothing matches."""
        with self._lock:
            if self.index.generation == 0:
                self.index.refresh()
            path = self.completer().resolve(text.lstrip("@"))
            if path is not None and path not in self.added:
                self.added.append(path)
            return path

    def drop(self, text: str) -> str | None:
        """Drop an added file (by path or fuzzy name); returns the path dropped, or None."""
        with self._lock:
            key = text.lstrip("@")
            if key in self.added:
                self.added.remove(key)
                return key
            path = self.completer().resolve(key)
            if path is not None and path in self.added:
                self.added.remove(path)
                return path
            return None

    def clear(self) -> None:
        with self._lock:
            self.added.clear()

    def restore(self, paths: Iterable[str]) -> tuple[list[str], list[str]]:
        """Add again the files a saved session had added: ``(added, gone)``.

        The paths come from a file on disk, so each must still be a regular file inside the
        repository, and not one that holds secrets; the rest are ``gone``."""
        from redline.tools.context.files import is_secret

        root = _repo_root(self.index)
        added: list[str] = []
        gone: list[str] = []
        with self._lock:
            for path in paths:
                pure = PurePosixPath(path)
                inside = not pure.is_absolute() and ".." not in pure.parts and path.strip()
                full = (root / pure).resolve() if inside else None
                ok = full is not None and full.is_relative_to(root) and full.is_file()
                if ok and not is_secret(path):
                    if path not in self.added:
                        self.added.append(path)
                    added.append(path)
                else:
                    gone.append(path)
        return added, gone

    # -- building ---------------------------------------------------------------------
    def refresh(self, progress: Progress | None = None) -> None:
        """Index (or re-index) the repository now, e.g. in the background at start-up, and
        build the completion tables so that typing `@` never waits for them."""
        from redline.tools.context.gcpause import gc_paused

        with gc_paused():
            with self._lock:
                self.index.refresh(progress)
            self.completer()
            self.symbols()

    def bundle(
        self, prompt: str = "", progress: Progress | None = None, *, preview: bool = False
    ) -> ContextBundle:
        """What a request for ``prompt`` carries; ``preview`` leaves added files and ``last`` be."""
        from redline.tools.context.builder import build_context
        from redline.tools.context.mentions import parse_mentions

        with self._lock:
            mentions = parse_mentions(prompt)
            bundle = build_context(
                self.index.start,
                budget=self.budget,
                mentions=mentions,
                chat_files=list(self.added),
                progress=progress,
                index=self.index,
            )
            if preview:
                return bundle
            if self.sticky_mentions:
                for mention in bundle.mentions:
                    if mention.kind == "file":
                        for path in mention.paths:
                            if path not in self.added:
                                self.added.append(path)
            self.last = bundle
        if self.index.peek("symbols") is not None:
            self.symbols()  # keep symbol completion current, here in the worker thread
        return bundle

    def build(self, prompt: str, conversation: Any = None) -> str:
        """The turn loop's hook: the context text for this prompt."""
        return self.bundle(prompt).text

    # -- completion: cheap, from the last index; never scans (call refresh() first) -------
    def completer(self) -> PathCompleter:
        from redline.tools.context.mentions import PathCompleter

        return self.index.derived(
            "paths", lambda: PathCompleter([f.path for f in self.index.files]), paths_only=True
        )

    def symbols(self) -> SymbolTable:
        from redline.tools.context.mentions import SymbolTable

        return self.index.derived("symbols", lambda: SymbolTable(self.index.tags))

    def suggest(self, text: str, limit: int = 3) -> list[str]:
        """What a mistyped path or name may mean: closest paths, then symbol names."""
        found = self.completer().suggest(text, limit)
        symbols: SymbolTable | None = self.index.peek("symbols")
        if symbols is not None:
            found += [
                name for name in symbols.similar(text.lstrip("@"), limit) if name not in found
            ]
        return found[: limit + 2]

    def unknown_mentions(self, prompt: str) -> list[UnknownMention]:
        """The prompt's `@mentions` that match nothing, from the last index (cheap, before
        sending); none while the repository is not indexed yet (nothing can be told)."""
        from redline.tools.context.mentions import parse_mentions, split_line_ref

        symbols: SymbolTable | None = self.index.peek("symbols")
        if self.index.generation == 0 or symbols is None:
            return []
        completer = self.completer()
        unknown = []
        for text in parse_mentions(prompt):
            line_ref = split_line_ref(text)
            path = text if line_ref is None else line_ref[0]
            if completer.resolve(path) is not None or symbols.lookup(text):
                continue
            folder = text.strip("/").lower() + "/"
            if any(p.lower().startswith(folder) for p in completer.paths):
                continue
            unknown.append(UnknownMention(text, tuple(self.suggest(text))))
        return unknown

    def complete_paths(self, prefix: str, limit: int = 20) -> list[str]:
        return self.completer().complete(prefix, limit)

    def complete(self, prefix: str, limit: int = 20) -> list[Completion]:
        """Suggestions for `@prefix`: files first, then symbols."""
        from redline.tools.context.mentions import Completion

        files = [Completion(p, "file", p) for p in self.complete_paths(prefix, limit)]
        if len(files) >= limit or not prefix:
            return files[:limit]
        # The last symbol table, even if a file changed since: never build one per keystroke.
        symbols: SymbolTable | None = self.index.peek("symbols")
        if symbols is None:
            return files
        return files + symbols.complete(prefix, limit - len(files))


def _repo_root(index: RepoIndex) -> Path:
    """The root the index's paths are relative to: the git top level, found without a scan."""
    if index.generation:
        return index.root
    start = index.root
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return start
