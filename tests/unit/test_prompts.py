from __future__ import annotations

import pytest

from redline.tools.prompts import EDIT_FORMATS, default_edit_format, system_prompt


@pytest.mark.parametrize("fmt", EDIT_FORMATS)
def test_system_prompt_names_the_format_on_its_own_line(fmt):
    assert f"Edit format: {fmt}" in system_prompt(fmt).splitlines()


def test_defaults_per_model_and_configuration():
    assert default_edit_format("gpt-5-codex") == "apply-patch"
    assert default_edit_format("gpt-5") == "apply-patch"
    assert default_edit_format("llama-3.3-70b") == "search-replace"
    assert default_edit_format("llama-3.3-70b", "udiff") == "udiff"
    assert default_edit_format("qwen-3-coder", {"qwen*": "whole"}) == "whole"
    with pytest.raises(ValueError, match="unknown edit format"):
        system_prompt("xml")
