"""Ranking: PageRank over the file reference graph, its rank passed on to definitions.

A file that refers to a name defined elsewhere links to each file defining it, weighted by
how often and how distinctive the name is. The walk is personalised towards the files in the
conversation and the names the person mentioned. Pure Python, a few tens of ms per 1,000 files.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from redline.tools.context.tags import Definition, FileTags

DAMPING = 0.85
MAX_ITERATIONS = 60
TOLERANCE = 1e-7
MAX_DEFINERS = 40  # a name defined in more files than this says nothing about any of them


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


def name_weight(name: str, definers: int, mentioned: bool) -> float:
    weight = 1.0
    if mentioned:
        weight *= 10.0
    if _distinctive(name):
        weight *= 10.0
    if name.startswith("_"):
        weight *= 0.1
    # A use of a name defined in several files is shared among them, and trusted less.
    return weight / definers if definers <= 5 else weight * 0.1 / definers


def rank(
    tags: Mapping[str, FileTags],
    *,
    chat_files: Iterable[str] = (),
    mentioned_names: Iterable[str] = (),
    mentioned_files: Iterable[str] = (),
) -> Ranking:
    paths = sorted(tags)
    index = {p: i for i, p in enumerate(paths)}
    n = len(paths)
    if n == 0:
        return Ranking((), {})
    chat = {index[p] for p in chat_files if p in index}
    names = set(mentioned_names)
    defines: dict[str, list[int]] = {}
    for i, p in enumerate(paths):
        for d in tags[p].definitions:
            owners = defines.setdefault(d.name, [])
            if not owners or owners[-1] != i:
                owners.append(i)

    # Edges: src -> dst with the summed weight of every name src uses and dst defines.
    out: list[dict[int, float]] = [{} for _ in range(n)]
    weights: dict[str, float] = {}
    for i, p in enumerate(paths):
        boost = 50.0 if i in chat else 1.0
        edges = out[i]
        for name, count in tags[p].references.items():
            holders = defines.get(name)
            if not holders or len(holders) > MAX_DEFINERS:
                continue
            w = weights.get(name)
            if w is None:
                w = weights[name] = name_weight(name, len(holders), name in names)
            w *= boost * math.sqrt(count)
            for j in holders:
                if j != i:
                    edges[j] = edges.get(j, 0.0) + w

    personal = [1.0] * n
    for i in chat:
        personal[i] += 100.0
    for p in mentioned_files:
        if p in index:
            personal[index[p]] += 100.0
    for name in names:
        for j in defines.get(name, ()):
            personal[j] += 20.0
    total = sum(personal)
    personal = [x / total for x in personal]
    ranks = _pagerank(out, personal)

    # Each file's rank flows out along its edges to the definitions it uses.
    totals = [sum(e.values()) for e in out]
    flow: dict[tuple[int, str], float] = {}
    for i, p in enumerate(paths):
        if not totals[i]:
            continue
        share = ranks[i] / totals[i] * (50.0 if i in chat else 1.0)
        for name, count in tags[p].references.items():
            holders = defines.get(name)
            if not holders or len(holders) > MAX_DEFINERS:
                continue
            w = weights[name] * math.sqrt(count) * share
            for j in holders:
                if j != i:
                    key = (j, name)
                    flow[key] = flow.get(key, 0.0) + w

    ranked: list[RankedDefinition] = []
    for i, p in enumerate(paths):
        if i in chat:  # the conversation already holds these files whole
            continue
        tie = ranks[i] * 1e-3
        for d in tags[p].definitions:
            score = flow.get((i, d.name), 0.0) + tie
            if d.name in names:
                score += 1.0
            ranked.append(RankedDefinition(p, d, score))
    ranked.sort(key=lambda r: (-r.score, r.path, r.definition.line))
    return Ranking(tuple(ranked), {p: ranks[i] for i, p in enumerate(paths)})


def _pagerank(out: list[dict[int, float]], personal: list[float]) -> list[float]:
    """Power iteration with dangling mass returned along the personalisation vector."""
    n = len(out)
    normalised: list[list[tuple[int, float]]] = []
    for edges in out:
        total = sum(edges.values())
        normalised.append([(j, w / total) for j, w in edges.items()] if total else [])
    ranks = personal[:]
    for _ in range(MAX_ITERATIONS):
        dangling = sum(ranks[i] for i in range(n) if not normalised[i])
        base = (1.0 - DAMPING) + DAMPING * dangling
        new = [base * p for p in personal]
        for i, targets in enumerate(normalised):
            if targets:
                r = DAMPING * ranks[i]
                for j, share in targets:
                    new[j] += r * share
        delta = sum(abs(a - b) for a, b in zip(new, ranks, strict=True))
        ranks = new
        if delta < TOLERANCE:
            break
    return ranks
