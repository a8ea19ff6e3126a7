"""Which theme the app starts with, what it says about a theme it does not know, and where the
palette's Screenshot goes."""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path

from redline.themes import DEFAULT_THEME


def ordered_themes(names: Iterable[str]) -> list[str]:
    """redline's own themes first, then Textual's, each group by name."""
    return sorted(names, key=lambda name: (not name.startswith("redline-"), name))


def unknown_theme(name: str, available: Iterable[str], where: str) -> str:
    """One sentence for a theme that does not exist, naming every valid one."""
    names = ", ".join(ordered_themes(available))
    return f"No theme {name!r}{where}. Using {DEFAULT_THEME}; the themes are: {names}."


def starting_theme(wanted: str | None, available: Iterable[str]) -> tuple[str, str | None]:
    """The theme to start with, and what to say once when the config names an unknown one."""
    names = list(available)
    if wanted is None or wanted in names:
        return wanted or DEFAULT_THEME, None
    return DEFAULT_THEME, unknown_theme(wanted, names, " (theme in config.toml)")


def screenshot_path(state_dir: Path, title: str = "redline") -> Path:
    """Where the palette's Screenshot is written: the state directory, never the repository."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    return state_dir / "screenshots" / f"{title}-{stamp}.svg"
