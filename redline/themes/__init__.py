"""Themes as data: each ``*.toml`` file beside this module is one Textual theme.

Add a theme by dropping a TOML file here (keys are ``textual.theme.Theme`` fields, plus an
optional ``[variables]`` table); ``load_themes`` finds it.
"""

from __future__ import annotations

import tomllib
from dataclasses import fields
from pathlib import Path

from textual.theme import Theme

DEFAULT_THEME = "redline-dark"

_FIELDS = {f.name for f in fields(Theme)}


class ThemeFileError(ValueError):
    """A theme file that cannot be turned into a theme; the message names the file."""


def theme_from_toml(text: str, source: str) -> Theme:
    """Build one theme from the text of a theme file (``source`` names it in errors)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ThemeFileError(f"{source}: {exc}") from None
    unknown = sorted(set(data) - _FIELDS)
    if unknown:
        raise ThemeFileError(f"{source}: unknown key(s) {', '.join(unknown)}")
    for required in ("name", "primary"):
        if not isinstance(data.get(required), str):
            raise ThemeFileError(f"{source}: '{required}' must be set to a string")
    try:
        return Theme(**data)
    except (TypeError, ValueError) as exc:
        raise ThemeFileError(f"{source}: {exc}") from None


def load_themes(directory: Path | None = None) -> list[Theme]:
    """Every theme shipped with redline (or found in ``directory``), sorted by name."""
    themes: list[Theme] = []
    if directory is None:  # beside this file (importlib.resources costs ~10 ms at start-up)
        for path in Path(__file__).parent.glob("*.toml"):
            themes.append(theme_from_toml(path.read_text("utf-8"), path.name))
    else:
        for path in directory.glob("*.toml"):
            themes.append(theme_from_toml(path.read_text("utf-8"), str(path)))
    return sorted(themes, key=lambda theme: theme.name)


__all__ = ["DEFAULT_THEME", "ThemeFileError", "load_themes", "theme_from_toml"]
