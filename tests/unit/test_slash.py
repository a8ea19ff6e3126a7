from __future__ import annotations

from redline.tui.slash import ParsedSlash, SlashCommand, SlashRegistry, parse_slash
from redline.tui.slash.builtin import default_registry


def test_parse_slash_splits_name_and_argument():
    assert parse_slash("/model  llama-3 ") == ParsedSlash("model", "llama-3")
    assert parse_slash("/HELP") == ParsedSlash("help", "")


def test_paths_and_plain_text_are_prompts_not_commands():
    assert parse_slash("/usr/bin/env is missing") is None
    assert parse_slash("fix /backend") is None
    assert parse_slash("/") is None
    assert parse_slash("//comment") is None


def test_completion_prefers_prefix_matches():
    registry = default_registry()
    names = [c.name for c in registry.complete("t")]
    assert names[0] == "theme"
    assert [c.name for c in registry.complete("mo")] == ["model"]
    assert registry.complete("zzz") == []


def test_other_work_can_register_commands():
    registry = SlashRegistry()
    registry.register(SlashCommand("undo", "revert the last redline commit", lambda app, arg: None))
    assert "undo" in registry
    assert registry.get("undo") is not None
    assert len(registry) == 1


def test_builtin_commands_are_all_there():
    registry = default_registry()
    for name in ("backend", "model", "clear", "theme", "help", "quit"):
        assert name in registry
