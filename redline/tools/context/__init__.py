"""Code context from tree-sitter: the repo map, mentions, enclosing scopes (DESIGN.md "Context").

Modules: ``files`` (what is in the repo), ``tags`` (definitions and references of one file),
``cache`` (tags by (mtime, size)), ``index`` (the whole repo, refreshed incrementally),
``ranking`` (PageRank), ``render`` (the map within a budget), ``mentions`` (`@path`,
`@symbol`, `path:line`), ``builder`` (one request's context), ``contextset`` (the turn loop's).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from redline._lazy import lazy_exports
from redline.tools.context.tokens import DEFAULT_BUDGET, estimate_tokens

if TYPE_CHECKING:
    from redline.tools.context.builder import ContextBundle, Mention, SymbolRef, build_context
    from redline.tools.context.contextset import ContextSet
    from redline.tools.context.index import IndexStats, RepoIndex
    from redline.tools.context.mentions import (
        Completion,
        PathCompleter,
        SymbolTable,
        parse_mentions,
    )

# The TUI makes a ContextSet before its first frame; the index, the builder and tree-sitter
# load once indexing starts.
__getattr__ = lazy_exports(
    __name__,
    {
        "builder": (
            "ContextBundle",
            "Mention",
            "SymbolRef",
            "build_context",
        ),
        "contextset": ("ContextSet",),
        "index": (
            "IndexStats",
            "RepoIndex",
        ),
        "mentions": (
            "Completion",
            "PathCompleter",
            "SymbolTable",
            "parse_mentions",
        ),
    },
)


def complete_paths(paths: list[str], prefix: str, limit: int = 20) -> list[str]:
    """Fuzzy `@path` completion over a list of repo-relative paths (see PathCompleter)."""
    from redline.tools.context.mentions import PathCompleter

    return PathCompleter(paths).complete(prefix, limit)


__all__ = [
    "DEFAULT_BUDGET",
    "Completion",
    "ContextBundle",
    "ContextSet",
    "IndexStats",
    "Mention",
    "PathCompleter",
    "RepoIndex",
    "SymbolRef",
    "SymbolTable",
    "build_context",
    "complete_paths",
    "estimate_tokens",
    "parse_mentions",
]
