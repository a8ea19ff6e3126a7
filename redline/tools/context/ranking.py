"""Ranking: PageRank over the file reference graph, its rank passed on to definitions.

A file that refers to a name defined elsewhere links to each file defining it, weighted by
how often and how distinctive the name is. The walk is personalised towards the files in the
conversation and the names the person mentioned. Pure Python with the inner loops in C
(``sum(map(...))``); the graph is kept between builds and a changed file only re-links its own
references, unless the set of names it defines changed.
"""

from __future__ import annotations

import heapq
import math
import operator
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from redline.tools.context.tags import Definition, FileTags

DAMPING = 0.85
MAX_ITERATIONS = 100
TOLERANCE = 1e-6  # per node, on the L1 change between iterations
MAX_DEFINERS = 40  # a name defined in more files than this says nothing about any of them
CHAT_BOOST = 50.0
MIN_OUT_WEIGHT = 1.0  # a file whose links weigh less passes on only part of its rank
MENTION_BOOST = 10.0
FOCUS_BONUS = 0.5  # for definitions in a mentioned directory or around a mentioned line


@dataclass(frozen=True, slots=True)
class RankedDefinition:
    path: str
    definition: Definition
    score: float


@dataclass(frozen=True, slots=True)
class Ranking:
    """Definitions best first, and each file's share of the walk."""

    definitions: tuple[RankedDefinition, ...]
    file_rank: dict[str, float]


def _distinctive(name: str) -> bool:
    if len(name) < 8:
        return False
    return "_" in name.strip("_") or "-" in name or (name != name.lower() and name != name.upper())


# Names every standard library has: a call to `.get(` says little about the one `get` defined
# in the repository.
_COMMON = (
    "get set add append extend insert pop push remove clear copy update "
    "keys values items list dict str int len join split format name value type "
    "id run start stop close open read write send map filter find index count "
    "sort reverse then catch toString equals hashCode length size new init main next iter "
    "call apply bind emit log print error warn info debug data text key path "
    "parse load save create delete has contains match replace test self "
    "string vector array tuple object number boolean bool float double char byte bytes "
    "String Vec Box Option Result Some Ok Err HashMap Map Set List Dict Any Optional "
    "Callable Iterable Iterator Sequence Mapping Exception Error Object Integer Long "
    "Boolean Promise Array Record Partial Self this super"
)
COMMON_NAMES = frozenset(_COMMON.split(" "))


def name_weight(name: str, definers: int) -> float:
    weight = 10.0 if _distinctive(name) else 1.0
    if name in COMMON_NAMES or len(name) <= 2:
        weight *= 0.1
    if name.startswith("_"):
        weight *= 0.1
    # A use of a name defined in several files is shared among them, and trusted less.
    return weight / definers if definers <= 5 else weight * 0.1 / definers


Row = list[tuple[int, str, float]]  # (defining file, name, weight) for one referring file


class ReferenceGraph:
    """Who refers to whom, kept current with ``update(tags)`` as files change."""

    def __init__(self) -> None:
        self.tags: dict[str, FileTags] = {}
        self.paths: list[str] = []
        self.index: dict[str, int] = {}
        self.defines: dict[str, list[int]] = {}
        self.rows: list[Row] = []
        self.incoming: list[dict[int, float]] = []  # file j <- {file i: summed weight}
        self.totals: list[float] = []  # file i's summed outgoing weight
        self.by_definition: dict[tuple[int, str], dict[int, float]] = {}  # (j, name) <- {i: w}
        self._names: list[frozenset[str]] = []
        self._targets: dict[str, tuple[list[int], float]] = {}
        self._last_ranks: list[float] | None = None

    def containers(self) -> list[dict[Any, Any] | list[Any]]:
        """The big containers, for freeing a throwaway graph gradually."""
        return [
            self.by_definition,
            self.incoming,
            self.rows,
            self._targets,
            self.defines,
            self.tags,
            self.index,
            self._names,
        ]

    def update(self, tags: Mapping[str, FileTags]) -> None:
        """Take the index's current tags; re-link only what changed when that is enough."""
        if len(tags) != len(self.index) or any(p not in self.index for p in tags):
            self._rebuild(tags)
            return
        changed = [p for p, t in tags.items() if self.tags[p] is not t]
        for p in changed:
            if _defined_names(tags[p]) != self._names[self.index[p]]:
                self._rebuild(tags)
                return
        for p in changed:
            i = self.index[p]
            self._unlink(i)
            self.tags[p] = tags[p]
            self._link(i)

    def _rebuild(self, tags: Mapping[str, FileTags]) -> None:
        self.tags = dict(tags)
        self.paths = sorted(tags)
        self.index = {p: i for i, p in enumerate(self.paths)}
        defines: dict[str, list[int]] = {}
        self._names = []
        for i, p in enumerate(self.paths):
            names = _defined_names(tags[p])
            self._names.append(names)
            for name in names:
                holders = defines.get(name)
                if holders is None:
                    defines[name] = [i]
                else:
                    holders.append(i)
        self.defines = defines
        n = len(self.paths)
        self.rows = [[] for _ in range(n)]
        self.incoming = [{} for _ in range(n)]
        self.totals = [0.0] * n
        self.by_definition = {}
        self._targets = {}
        for i in range(n):
            self._link(i)
        self._last_ranks = None

    def _link(self, i: int) -> None:
        row: Row = []
        incoming, by_definition, targets = self.incoming, self.by_definition, self._targets
        total = 0.0
        for name, count in self.tags[self.paths[i]].references.items():
            target = targets.get(name)
            if target is None:
                target = targets[name] = self._target(name)
            holders, weight = target
            if not holders:
                continue
            w = weight * math.sqrt(count)
            for j in holders:
                if j == i:
                    continue
                row.append((j, name, w))
                edges = incoming[j]
                edges[i] = edges.get(i, 0.0) + w
                key = (j, name)
                found = by_definition.get(key)
                if found is None:
                    by_definition[key] = {i: w}
                else:
                    found[i] = w
                total += w
        self.rows[i] = row
        self.totals[i] = total

    def _target(self, name: str) -> tuple[list[int], float]:
        """The files a use of ``name`` links to, and the link's base weight."""
        holders = self.defines.get(name)
        if not holders or len(holders) > MAX_DEFINERS:
            return [], 0.0
        return holders, name_weight(name, len(holders))

    def _unlink(self, i: int) -> None:
        for j, name, w in self.rows[i]:
            edges = self.incoming[j]
            left = edges.get(i, 0.0) - w
            if left > 1e-12:
                edges[i] = left
            else:
                edges.pop(i, None)
            key = (j, name)
            sources = self.by_definition.get(key)
            if sources is not None:
                sources.pop(i, None)
                if not sources:
                    del self.by_definition[key]
        self.rows[i] = []
        self.totals[i] = 0.0

    def rank(
        self,
        *,
        chat_files: Iterable[str] = (),
        mentioned_names: Iterable[str] = (),
        mentioned_files: Iterable[str] = (),
        limit: int | None = None,
    ) -> Ranking:
        n = len(self.paths)
        if n == 0:
            return Ranking((), {})
        chat = {self.index[p] for p in chat_files if p in self.index}
        focus = [self.index[p] for p in mentioned_files if p in self.index]
        names = {name for name in mentioned_names if name in self.defines}
        incoming, totals = self.incoming, self.totals
        if names:  # a mentioned name's links weigh more: adjust copies of what they touch
            incoming, totals = list(incoming), list(totals)
            copied: set[int] = set()
            for i, row in enumerate(self.rows):
                for j, nm, w in row:
                    if nm in names:
                        if j not in copied:
                            incoming[j] = dict(incoming[j])
                            copied.add(j)
                        extra = w * (MENTION_BOOST - 1.0)
                        incoming[j][i] = incoming[j].get(i, 0.0) + extra
                        totals[i] += extra

        personal = [1.0] * n
        for i in chat:
            personal[i] += 100.0
        for j in focus:
            personal[j] += 100.0
        for name in names:
            for j in self.defines[name]:
                personal[j] += 20.0
        scale = sum(personal)
        personal = [x / scale for x in personal]
        ranks = _pagerank(incoming, totals, personal, self._last_ranks)
        self._last_ranks = ranks

        # Each file's rank flows out along its links to the definitions it uses.
        share = [r / max(t, MIN_OUT_WEIGHT) for r, t in zip(ranks, totals, strict=True)]
        for i in chat:
            share[i] *= CHAT_BOOST
        get, mul = share.__getitem__, operator.mul
        flow = {
            key: sum(map(mul, map(get, sources), sources.values()))
            for key, sources in self.by_definition.items()
        }
        for j in focus:  # the person pointed here: its own definitions come first
            for name in self._names[j]:
                flow[(j, name)] = flow.get((j, name), 0.0) + FOCUS_BONUS
        for name in names:
            for j in self.defines[name]:
                key = (j, name)
                flow[key] = flow.get(key, 0.0) * MENTION_BOOST + 1.0
        return Ranking(
            self._definitions(flow, ranks, chat, limit), dict(zip(self.paths, ranks, strict=True))
        )

    def _definitions(
        self,
        flow: dict[tuple[int, str], float],
        ranks: list[float],
        chat: set[int],
        limit: int | None,
    ) -> tuple[RankedDefinition, ...]:
        """Best-scored definitions; then the rest, by their file's rank, up to ``limit``."""
        items = [(score, key) for key, score in flow.items() if key[0] not in chat]
        if limit is not None and limit < len(items):
            items = heapq.nlargest(limit, items)
        else:
            items.sort(reverse=True)
        out: list[RankedDefinition] = []
        for score, (j, name) in items:
            path = self.paths[j]
            # One definition per name and file: a class, not also each of its constructors.
            first = next(d for d in self.tags[path].defs if d[0] == name)
            out.append(RankedDefinition(path, Definition._make(first), score))
        if limit is not None and len(out) >= limit:
            return tuple(out[:limit])
        taken = {(r.path, r.definition.name) for r in out}  # also one per name and file below
        order = sorted(range(len(ranks)), key=ranks.__getitem__, reverse=True)
        for j in order:
            if j in chat:
                continue
            path = self.paths[j]
            tie = ranks[j] * 1e-3
            for d in self.tags[path].definitions:
                if (path, d.name) not in taken:
                    taken.add((path, d.name))
                    out.append(RankedDefinition(path, d, tie))
            if limit is not None and len(out) >= limit:
                break
        return tuple(out if limit is None else out[:limit])


def _defined_names(tags: FileTags) -> frozenset[str]:
    return frozenset([d[0] for d in tags.defs])


def rank(
    tags: Mapping[str, FileTags],
    *,
    chat_files: Iterable[str] = (),
    mentioned_names: Iterable[str] = (),
    mentioned_files: Iterable[str] = (),
    limit: int | None = None,
) -> Ranking:
    """Rank once, without keeping the graph (see ReferenceGraph for repeated builds)."""
    graph = ReferenceGraph()
    graph.update(tags)
    return graph.rank(
        chat_files=chat_files,
        mentioned_names=mentioned_names,
        mentioned_files=mentioned_files,
        limit=limit,
    )


def _pagerank(
    incoming: list[dict[int, float]],
    totals: list[float],
    personal: list[float],
    start: list[float] | None,
) -> list[float]:
    """Power iteration (pull form, C-level inner loops); dangling mass follows ``personal``."""
    n = len(incoming)
    scale = [1.0 / max(t, MIN_OUT_WEIGHT) for t in totals]
    sources = [tuple(e) for e in incoming]
    shares = [tuple(w * scale[i] for i, w in e.items()) for e in incoming]
    # What a file does not pass on (no links, or only weak ones) goes back to ``personal``.
    kept = [1.0 - t * k for t, k in zip(totals, scale, strict=True)]
    ranks = start[:] if start is not None and len(start) == n else personal[:]
    mul = operator.mul
    for _ in range(MAX_ITERATIONS):
        get = ranks.__getitem__
        base = (1.0 - DAMPING) + DAMPING * sum(map(mul, ranks, kept))
        new = [
            base * personal[j] + DAMPING * sum(map(mul, map(get, sources[j]), shares[j]))
            for j in range(n)
        ]
        delta = sum(map(abs, map(operator.sub, new, ranks)))
        ranks = new
        if delta < TOLERANCE * n:
            break
    return ranks
