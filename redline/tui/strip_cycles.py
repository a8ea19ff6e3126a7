"""No reference cycle per screen line: Textual's ``Strip.divide`` without its self-cycle.

Textual's compositor divides every line a widget draws at the cuts between widgets; a line
that spans one cut comes back as ``[self]``, and Textual caches that list in the strip itself,
so every screen line drawn becomes a reference cycle that only the cyclic collector frees.
While text streams collection is paused (a full pass stalls a frame), so four race lanes piled
up ~100,000 such objects in two seconds and freed them in one 200 ms pass, just before the
race's last frame. Here that one case returns ``[self]`` without caching it (the same result);
every other division goes through Textual's own code and cache.

``install`` runs when ``redline.tui.render_lines`` is imported; ``uninstall`` puts Textual's
method back (the benchmarks' plain-Textual baselines run without the fix).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from textual.strip import Strip

_textual_divide = Strip.divide


def _divide(self: Strip, cuts: Iterable[int]) -> Sequence[Strip]:
    cuts = list(cuts)
    length = self.cell_length
    if [cut for cut in cuts if cut <= length] == [length]:
        return [self]  # what Textual returns here, without caching the strip in itself
    return _textual_divide(self, cuts)


def install() -> None:
    Strip.divide = _divide  # type: ignore[method-assign]


def uninstall() -> None:
    Strip.divide = _textual_divide  # type: ignore[method-assign]


def installed() -> bool:
    return Strip.divide is _divide
