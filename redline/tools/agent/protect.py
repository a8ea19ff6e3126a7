"""What the read tools never show the model: protected files and files that hold secrets.

``protected_paths`` (config; ``.redline.toml``, ``.env``, ``.env.*`` at least) and the names
the context layer treats as secrets (keys, ``credentials.json``...) are refused by ``read_file``
and left out of ``list_files`` and ``search``, through symlinks too, unless the person named
the file with ``@`` in their message. The refusal is a sentence the model can act on.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass

from redline.tools.context.files import is_secret
from redline.tools.context.mentions import parse_mentions, split_line_ref
from redline.tools.edits.safety import DEFAULT_PROTECTED, protected_by


@dataclass(frozen=True, slots=True)
class ReadGuard:
    patterns: tuple[str, ...] = DEFAULT_PROTECTED
    named: frozenset[str] = frozenset()  # repository paths the person named with @

    @classmethod
    def for_prompts(cls, patterns: Iterable[str], prompts: Iterable[str]) -> ReadGuard:
        named: set[str] = set()
        for prompt in prompts:
            for mention in parse_mentions(prompt):
                ref = split_line_ref(mention)
                path = ref[0] if ref else mention
                named.add(os.path.normpath(path.removeprefix("./")).replace(os.sep, "/"))
        return cls(tuple(dict.fromkeys((*DEFAULT_PROTECTED, *patterns))), frozenset(named))

    def why(self, rel: str) -> str | None:
        """The rule that keeps ``rel`` from the model (None: it may be read)."""
        if rel in self.named:
            return None
        pattern = protected_by(rel, self.patterns)
        if pattern is not None:
            return f"protected_paths `{pattern}`"
        return "its name says it holds secrets" if is_secret(rel) else None

    def refusal(self, real_root: str, rel: str) -> str | None:
        """A sentence for the model when ``rel`` (or the file a symlink there points to) is kept
        from it; None when it may be read."""
        target = _target(real_root, rel)
        for candidate in (rel, target):
            if candidate is None or rel in self.named or target in self.named:
                continue
            reason = self.why(candidate)
            if reason is not None:
                shown = rel if candidate == rel else f"{rel} (a link to {candidate})"
                return (
                    f"{shown} is protected ({reason}): redline never shows its contents to the "
                    f"model. Work without it, or ask the person to mention it as @{rel} if "
                    "you really need it."
                )
        return None

    def hidden(
        self, real_root: str, paths: list[str], *, follow: bool = False
    ) -> tuple[list[str], int]:
        """``paths`` without the protected ones, and how many were left out; ``follow``: also
        those whose symlink leads to a protected file (for tools that read contents)."""
        if follow:
            kept = [p for p in paths if self.refusal(real_root, p) is None]
        else:
            kept = [p for p in paths if self.why(p) is None]
        return kept, len(paths) - len(kept)


def _target(real_root: str, rel: str) -> str | None:
    """The repository path a symlink at ``rel`` resolves to (None: not a link, or outside)."""
    full = os.path.join(real_root, rel)
    if not os.path.islink(full):
        return None
    real = os.path.realpath(full)
    if not real.startswith(real_root + os.sep):
        return None
    return os.path.relpath(real, real_root).replace(os.sep, "/")


DEFAULT_GUARD = ReadGuard()  # the default patterns, nothing named
