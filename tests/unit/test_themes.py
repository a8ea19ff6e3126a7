from __future__ import annotations

from pathlib import Path

import pytest

from redline.themes import DEFAULT_THEME, ThemeFileError, load_themes, theme_from_toml


def test_three_shipped_themes_dark_light_contrast():
    themes = {t.name: t for t in load_themes()}
    assert {"redline-dark", "redline-light", "redline-contrast"} <= set(themes)
    assert themes["redline-dark"].dark and not themes["redline-light"].dark
    assert themes["redline-contrast"].background == "#000000"
    assert DEFAULT_THEME in themes


def test_a_theme_file_with_an_unknown_key_names_the_file(tmp_path: Path):
    (tmp_path / "odd.toml").write_text('name = "odd"\nprimary = "#fff"\ncolour = "red"\n')
    with pytest.raises(ThemeFileError, match=r"odd\.toml: unknown key\(s\) colour"):
        load_themes(tmp_path)


def test_broken_toml_is_a_clear_error():
    with pytest.raises(ThemeFileError, match=r"bad\.toml"):
        theme_from_toml("name = ", "bad.toml")
    with pytest.raises(ThemeFileError, match="'primary' must be set"):
        theme_from_toml('name = "x"\n', "x.toml")
