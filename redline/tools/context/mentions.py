"""Mentions: `@path` (fuzzy), `@symbol`, `path:line`; and completion for the prompt's `@`."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from redline.tools.context.files import is_secret
from redline.tools.context.tags import Definition, FileTags, RawDefinition

_MENTION = re.compile(r"(?<![\w@/])@([^\s@`'\"<>(){}\[\],;]+)")
_TRAILING = ".,:;!?"
_LINE_REF = re.compile(r"^(?P<path>.+?):(?P<line>\d+)(?:-(?P<end>\d+))?$")


def close_matches(query: str, names: Sequence[str], limit: int = 3) -> list[str]:
    """The names closest to ``query`` by edit similarity (typos, not only prefixes), best first."""
    if not query or not names:
        return []
    lowered: dict[str, str] = {}
    for name in names:
        lowered.setdefault(name.lower(), name)
    hits = difflib.get_close_matches(query.lower(), list(lowered), n=limit, cutoff=0.6)
    return [lowered[hit] for hit in hits]


def parse_mentions(prompt: str) -> list[str]:
    """The `@things` in a prompt, in order, without duplicates or trailing punctuation."""
    found: list[str] = []
    for match in _MENTION.finditer(prompt):
        text = match.group(1).rstrip(_TRAILING)
        if text and text not in found:
            found.append(text)
    return found


@dataclass(frozen=True, slots=True)
class Completion:
    """One suggestion: the text to insert, what it is, and (for a symbol) where it lives."""

    text: str
    kind: str  # "file" or a definition kind
    path: str
    line: int = 0


class PathCompleter:
    """Fuzzy path matching over a fixed list of paths, fast enough for every keystroke."""

    def __init__(self, paths: Sequence[str]) -> None:
        self.paths = list(paths)
        self._lower = [p.lower() for p in self.paths]
        self._base = [p.rsplit("/", 1)[-1] for p in self._lower]
        self._exact = {p: p for p in self.paths}

    def complete(self, prefix: str, limit: int = 20) -> list[str]:
        """Best matches first: exact, basename, prefix, substring, then subsequence."""
        query = prefix.strip().lstrip("@").lower()
        if not query:
            return sorted(self.paths, key=lambda p: (p.count("/"), p))[:limit]
        subsequence = re.compile(".*?".join(re.escape(c) for c in query))
        scored: list[tuple[int, int, int, int, str]] = []
        for path, low, base in zip(self.paths, self._lower, self._base, strict=True):
            if low == query:
                tier, pos = 0, 0
            elif base == query:
                tier, pos = 1, 0
            elif low.startswith(query):
                tier, pos = 2, 0
            elif base.startswith(query):
                tier, pos = 3, 0
            elif query in base:
                tier, pos = 4, base.index(query)
            elif query in low:
                tier, pos = 5, low.index(query)
            else:
                match = subsequence.search(base)
                if match is not None:
                    tier, pos = 6, match.end() - match.start()
                else:
                    match = subsequence.search(low)
                    if match is None:
                        continue
                    tier, pos = 7, match.end() - match.start()
            scored.append((tier, pos, len(base), len(path), path))
        scored.sort()
        return [item[4] for item in scored[:limit]]

    def suggest(self, text: str, limit: int = 3) -> list[str]:
        """Paths a mistyped mention may mean: completions, then the closest paths and names
        (``calc/opz.py`` -> ``calc/ops.py``)."""
        query = text.strip().lstrip("@").removeprefix("./")
        found = self.complete(query, limit) if query else []
        by_base: dict[str, str] = {}
        for path in self.paths:
            by_base.setdefault(path.rsplit("/", 1)[-1], path)
        close = close_matches(query, self.paths, limit)
        close += [by_base[b] for b in close_matches(query.rsplit("/", 1)[-1], list(by_base), limit)]
        for path in close:
            if path not in found:
                found.append(path)
        return [p for p in found if not is_secret(p)][:limit]

    def resolve(self, text: str) -> str | None:
        """The one file a mention clearly means: its exact path, or a unique path suffix."""
        if text in self._exact:
            return text
        query = text.lower().removeprefix("./")
        tail = "/" + query
        hits = [
            path
            for path, low in zip(self.paths, self._lower, strict=True)
            if (low == query or low.endswith(tail)) and not is_secret(path)
        ]  # a secrets file is sent only when named by its exact path
        return hits[0] if len(hits) == 1 else None


class SymbolTable:
    """Definitions by name, for `@symbol` lookup and completion."""

    def __init__(self, tags: Mapping[str, FileTags]) -> None:
        self.by_name: dict[str, list[tuple[str, RawDefinition]]] = {}
        for path, file_tags in tags.items():
            for d in file_tags.defs:
                self.by_name.setdefault(d[0], []).append((path, d))
        self._lower = sorted((name.lower(), name) for name in self.by_name)

    def lookup(self, text: str) -> list[tuple[str, Definition]]:
        """Definitions of a name, or of ``Outer.name`` (a member of a class, module...)."""
        found = self.by_name.get(text)
        if found:
            return sorted((p, Definition._make(d)) for p, d in found)
        if "." in text or "::" in text:
            outer, _, inner = text.replace("::", ".").rpartition(".")
            outer = outer.rpartition(".")[2]
            result = []
            for path, d in self.by_name.get(inner, []):
                for p2, parent in self.by_name.get(outer, []):
                    if p2 == path and parent[2] <= d[2] <= parent[3]:
                        result.append((path, Definition._make(d)))
                        break
            return result
        return []

    def complete(self, prefix: str, limit: int = 20) -> list[Completion]:
        query = prefix.lower()
        out: list[Completion] = []
        for low, name in self._lower:
            if low.startswith(query):
                for path, d in self.by_name[name][:3]:
                    out.append(Completion(name, d[1], path, d[2]))
                if len(out) >= limit:
                    break
        return out[:limit]

    def similar(self, text: str, limit: int = 3) -> list[str]:
        """Names containing ``text``, then the closest by edit similarity (``evalute`` ->
        ``evaluate``)."""
        query = text.lower()
        hits = [name for low, name in self._lower if query in low][:limit]
        for name in close_matches(text, [name for _low, name in self._lower], limit):
            if name not in hits:
                hits.append(name)
        return hits[:limit]


def split_line_ref(text: str) -> tuple[str, int, int] | None:
    """``path:12`` or ``path:12-30`` -> (path, first line, last line)."""
    match = _LINE_REF.match(text)
    if match is None:
        return None
    first = int(match.group("line"))
    last = int(match.group("end") or first)
    return match.group("path"), first, max(first, last)


def enclosing(definitions: Iterable[Definition], first: int, last: int) -> Definition | None:
    """The innermost definition spanning lines ``first``..``last``."""
    best: Definition | None = None
    for d in definitions:
        if (
            d.line <= first
            and last <= d.end_line
            and (best is None or d.end_line - d.line < best.end_line - best.line)
        ):
            best = d
    return best
