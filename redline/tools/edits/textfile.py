"""A text file as lines, keeping what must survive an edit: CRLF and the final-newline state."""

from __future__ import annotations

from dataclasses import dataclass


class BinaryFile(ValueError):
    """The file is not UTF-8 text (or holds NUL bytes): redline does not edit it."""


@dataclass(slots=True)
class TextFile:
    """Lines without "\\n" (a CRLF line keeps its "\\r"), and whether the last one ends in "\\n"."""

    lines: list[str]
    final_newline: bool = True

    @classmethod
    def from_bytes(cls, data: bytes) -> TextFile:
        if b"\0" in data[:8192]:
            raise BinaryFile("binary file")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BinaryFile("not UTF-8 text") from exc
        if text.startswith("\ufeff"):
            pass  # a BOM stays part of the first line, so it survives untouched
        if not text:
            return cls([], True)
        lines = text.split("\n")
        if lines[-1] == "":
            lines.pop()
            return cls(lines, True)
        return cls(lines, False)

    def to_bytes(self) -> bytes:
        if not self.lines:
            return b""
        text = "\n".join(self.lines)
        if self.final_newline:
            text += "\n"
        return text.encode("utf-8")

    def crlf(self) -> bool:
        """Most line ends are CRLF: new lines get one too. (The last line of a file without a
        final newline has no line end, so it does not vote.)"""
        ended = self.lines if self.final_newline else self.lines[:-1]
        if not ended:
            return False
        with_cr = sum(1 for s in ended if s.endswith("\r"))
        return with_cr * 2 > len(ended)


def conform(new_lines: tuple[str, ...] | list[str], *, crlf: bool, written_cr: str) -> list[str]:
    """An edit's lines in the file's line-ending style.

    `written_cr` says how the block itself wrote line ends: "all" (every line had a CR: the reply
    was CRLF, normalise), "none" (plain model text) or "mixed" (a real diff of a mixed file:
    keep each line as written).
    """
    if written_cr == "mixed":
        return list(new_lines)
    out = (
        [s[:-1] if s.endswith("\r") else s for s in new_lines]
        if written_cr == "all"
        else list(new_lines)
    )
    if crlf:
        out = [s + "\r" for s in out]
    return out


def cr_style(lines: tuple[str, ...] | list[str]) -> str:
    """ "all", "none" or "mixed": how many of these lines carry a CR."""
    if not lines:
        return "none"
    n = sum(1 for s in lines if s.endswith("\r"))
    if n == 0:
        return "none"
    return "all" if n == len(lines) else "mixed"
