"""Rendering: the repo map as file headings with signature lines, fitted to a token budget."""

from __future__ import annotations

from collections.abc import Sequence

from redline.tools.context.languages import fence_for
from redline.tools.context.ranking import RankedDefinition
from redline.tools.context.tokens import estimate_tokens

MAP_HEADING = "Repository map (most relevant definitions first; bodies elided):"


def render_map(ranked: Sequence[RankedDefinition]) -> str:
    """File headings, best file first, each with its chosen definitions in line order."""
    if not ranked:
        return ""
    by_file: dict[str, list[RankedDefinition]] = {}
    for item in ranked:
        by_file.setdefault(item.path, []).append(item)
    parts = [MAP_HEADING, ""]
    for path, items in by_file.items():
        parts.append(f"{path}:")
        items.sort(key=lambda r: r.definition.line)
        next_line = 1
        for item in items:
            d = item.definition
            if d.line < next_line:  # nested inside a signature already shown
                continue
            if d.line > next_line:
                parts.append("⋮")
            for text in d.signature.split("\n"):
                parts.append("│" + text)
            next_line = d.line + d.signature.count("\n") + 1
        parts.append("⋮")
        parts.append("")
    return "\n".join(parts)


def fit_map(ranked: Sequence[RankedDefinition], budget: int) -> tuple[str, int]:
    """The longest prefix of the ranking whose rendering fits ``budget`` tokens (binary search)."""
    if budget <= 0 or not ranked:
        return "", 0
    lo, hi = 0, min(len(ranked), budget)
    best = ""
    while lo < hi:
        mid = (lo + hi + 1) // 2
        text = render_map(ranked[:mid])
        if estimate_tokens(text) <= budget:
            lo, best = mid, text
        else:
            hi = mid - 1
    if lo and not best:
        best = render_map(ranked[:lo])
    return best, lo


def render_file(path: str, content: str) -> str:
    """A whole file as the simulator and the models expect: the path alone, then a fence."""
    fence = "```"
    while fence in content:
        fence += "`"
    body = content if content.endswith("\n") or not content else content + "\n"
    return f"{path}\n{fence}{fence_for(path)}\n{body}{fence}\n"


def render_snippet(title: str, path: str, content: str) -> str:
    """Part of a file (a symbol, an enclosing scope), headed so it cannot pass for a whole file."""
    fence = "```"
    while fence in content:
        fence += "`"
    body = content if content.endswith("\n") or not content else content + "\n"
    return f"{title}\n{fence}{fence_for(path)}\n{body}{fence}\n"
