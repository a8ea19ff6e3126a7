"""Re-indenting a replacement that matched only once leading whitespace was ignored.

When a block's lines are found in the file only after ignoring their indentation, the file's
lines sit deeper (or shallower) than the block wrote them. The replacement is shifted by the same
offset, as Aider and Roo Code do, so unchanged and new lines keep one indentation. An offset that
differs from line to line cannot be applied consistently: the edit is refused.
"""

from __future__ import annotations

from collections.abc import Sequence


class IndentMismatch(ValueError):
    """The block's indentation differs from the file's by different amounts on different lines."""


def _lead(s: str) -> str:
    return s[: len(s) - len(s.lstrip(" \t"))]


def indent_offset(actual: Sequence[str], old: Sequence[str]) -> tuple[str, str]:
    """(prefix to add, prefix to remove) that turns `old`'s indentation into the file's.

    At most one of the two is non-empty; both empty when the indentation already agrees."""
    found: tuple[str, str] | None = None
    for got, wrote in zip(actual, old, strict=True):
        if not got.strip() or not wrote.strip():
            continue
        a, o = _lead(got), _lead(wrote)
        if a.endswith(o):
            pair = (a[: len(a) - len(o)], "")
        elif o.endswith(a):
            pair = ("", o[: len(o) - len(a)])
        else:
            raise IndentMismatch(_MESSAGE)
        if found is None:
            found = pair
        elif pair != found:
            raise IndentMismatch(_MESSAGE)
    return found or ("", "")


def reindent(lines: Sequence[str], add: str, remove: str) -> list[str]:
    """`lines` shifted by the offset `indent_offset` measured (blank lines stay blank)."""
    out: list[str] = []
    for s in lines:
        if not s.strip():
            out.append(s)
        elif remove:
            if not s.startswith(remove):
                raise IndentMismatch(_MESSAGE)
            out.append(s[len(remove) :])
        else:
            out.append(add + s)
    return out


_MESSAGE = (
    "the lines match the file only when indentation is ignored, and their indentation differs "
    "from the file's by different amounts; copy the lines with the file's exact indentation"
)
