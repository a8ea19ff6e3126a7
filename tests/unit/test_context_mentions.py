"""Mentions: fuzzy paths, symbols, path:line scopes; the ContextSet the turn loop holds."""

from __future__ import annotations

from pathlib import Path

import pytest

from redline.tools.context import ContextSet, build_context, complete_paths, parse_mentions
from redline.tools.context.mentions import PathCompleter, split_line_ref
from redline.tools.context.tokens import estimate_tokens
from tests.helpers_context import SAMPLES, commit_all, write_files

PATHS = [
    "README.md",
    "redline/tui/app.py",
    "redline/tui/cli.py",
    "redline/tools/context/builder.py",
    "redline/tools/context/mentions.py",
    "tests/unit/test_cli.py",
    "docs/apple.md",
]


def test_complete_paths_orders_exact_basename_prefix_substring_subsequence() -> None:
    assert complete_paths(PATHS, "redline/tui/cli.py")[0] == "redline/tui/cli.py"
    assert complete_paths(PATHS, "cli.py")[0] == "redline/tui/cli.py"
    assert complete_paths(PATHS, "redline/tu")[:2] == ["redline/tui/app.py", "redline/tui/cli.py"]
    assert complete_paths(PATHS, "build")[0] == "redline/tools/context/builder.py"
    assert complete_paths(PATHS, "rtcb") == ["redline/tools/context/builder.py"]
    assert complete_paths(PATHS, "APP")[:2] == ["redline/tui/app.py", "docs/apple.md"]
    assert complete_paths(PATHS, "zzz") == []
    assert len(complete_paths(PATHS, "", limit=3)) == 3


def test_resolve_is_strict_about_ambiguity() -> None:
    completer = PathCompleter(PATHS)
    assert completer.resolve("tui/cli.py") == "redline/tui/cli.py"
    assert completer.resolve("mentions.py") == "redline/tools/context/mentions.py"
    assert completer.resolve("mention") is None  # a prefix is a suggestion, not a choice
    assert PathCompleter(["a/x.py", "b/x.py"]).resolve("x.py") is None
    assert PathCompleter(["a/x.py", "b/x.py"]).resolve("b/x.py") == "b/x.py"


def test_completion_is_fast_enough_for_keystrokes_on_ten_thousand_files() -> None:
    # Not a timing assertion: checks it ranks correctly at that size (timings are benchmarked).
    paths = [f"pkg{i % 100}/mod{i}/file{i}.py" for i in range(10_000)]
    assert complete_paths(paths, "file9999.py")[0] == "pkg99/mod9999/file9999.py"


def test_parse_mentions() -> None:
    prompt = "fix @src/app.py:12, then @Widget.draw and @app.py. mail me@example.com @app.py"
    assert parse_mentions(prompt) == ["src/app.py:12", "Widget.draw", "app.py"]
    assert split_line_ref("src/app.py:12-30") == ("src/app.py", 12, 30)
    assert split_line_ref("src/app.py") is None


@pytest.fixture
def sample_repo(git_repo: Path) -> Path:
    write_files(git_repo, {s.path: s.source for s in SAMPLES})
    commit_all(git_repo)
    return git_repo


def test_mentioned_file_is_included_whole_in_the_sim_contract_format(
    sample_repo: Path, tmp_path: Path
) -> None:
    bundle = build_context(sample_repo, budget=2000, mentions=["@shapes.py"], cache_dir=tmp_path)
    source = (sample_repo / "pkg/shapes.py").read_text()
    assert f"pkg/shapes.py\n```python\n{source}```\n" in bundle.text
    assert bundle.files == ("pkg/shapes.py",)
    assert bundle.mentions[0].kind == "file"


def test_symbol_mention_includes_the_definition_text(sample_repo: Path, tmp_path: Path) -> None:
    bundle = build_context(sample_repo, budget=2000, mentions=["make_node"], cache_dir=tmp_path)
    assert "static node_t *make_node(int value) {\n    node_t *n = malloc" in bundle.text
    assert any(s.name == "make_node" and s.path == "csrc/list.c" for s in bundle.symbols)
    qualified = build_context(
        sample_repo, budget=2000, mentions=["Circle.area"], cache_dir=tmp_path
    )
    assert "def area(self) -> float:\n        return math.pi" in qualified.text


def test_line_mention_gives_the_enclosing_scope(sample_repo: Path, tmp_path: Path) -> None:
    bundle = build_context(sample_repo, budget=2000, mentions=["greeter.rb:12"], cache_dir=tmp_path)
    assert "Enclosing method greet of lib/greeter.rb:12" in bundle.text
    assert "def greet\n      format_message(DEFAULT, name)\n    end" in bundle.text
    assert "def initialize" not in bundle.text.split("Enclosing method greet")[1]


def test_unknown_mention_warns_with_suggestions(sample_repo: Path, tmp_path: Path) -> None:
    bundle = build_context(sample_repo, budget=2000, mentions=["greter"], cache_dir=tmp_path)
    (mention,) = bundle.mentions
    assert mention.kind == "unknown"
    assert "lib/greeter.rb" in mention.suggestions
    assert any("@greter" in w and "lib/greeter.rb" in w for w in bundle.warnings)


def test_whole_bundle_stays_within_budget(sample_repo: Path, tmp_path: Path) -> None:
    for budget in (50, 200, 400, 800):
        bundle = build_context(sample_repo, budget=budget, mentions=["lookup"], cache_dir=tmp_path)
        assert bundle.tokens == estimate_tokens(bundle.text) <= budget


def test_context_set_adds_drops_and_parses_prompts(sample_repo: Path, tmp_path: Path) -> None:
    context = ContextSet(sample_repo, budget=3000, cache_dir=tmp_path)
    assert context.add("handler.go") == "server/handler.go"
    assert context.add("nope.go") is None
    text = context.build("rename @Circle please, see @deploy.sh")
    assert "server/handler.go\n```go\n" in text
    assert "scripts/deploy.sh\n```bash\n" in text
    assert "Definition of Circle (class) in pkg/shapes.py" in text
    assert context.added == ["server/handler.go", "scripts/deploy.sh"]  # file mentions stick
    assert context.drop("deploy.sh") == "scripts/deploy.sh"
    assert context.last is not None and "scripts/deploy.sh" in context.last.files
    assert "scripts/deploy.sh" not in context.bundle("next").files
    names = [c.text for c in context.complete("Cir")]
    assert "Circle" in names
    assert context.complete_paths("hand")[0] == "server/handler.go"


def test_directory_mention_leads_the_map_without_whole_files(
    sample_repo: Path, tmp_path: Path
) -> None:
    bundle = build_context(sample_repo, budget=300, mentions=["@server/"], cache_dir=tmp_path)
    (mention,) = bundle.mentions
    assert mention.kind == "directory" and mention.paths == ("server/handler.go",)
    assert bundle.files == ()
    assert bundle.map_files[0] == "server/handler.go"


def test_typos_get_the_closest_paths_and_names_not_only_prefixes() -> None:
    from redline.tools.context.mentions import SymbolTable

    completer = PathCompleter(["calc/ops.py", "calc/__init__.py", "README.md", ".env"])
    assert completer.suggest("calc/opz.py")[0] == "calc/ops.py"
    assert completer.suggest("opz.py")[0] == "calc/ops.py"
    assert completer.suggest(".emv") == []  # a secrets file is never offered
    symbols = SymbolTable({"calc/ops.py": _tags("evaluate", "evaluation_order", "parse")})
    assert symbols.similar("evalute")[0] == "evaluate"
    assert symbols.similar("prase") == ["parse"]


def _tags(*names: str):
    from redline.tools.context.tags import FileTags

    defs = tuple((n, "function", i + 1, i + 1, "") for i, n in enumerate(names))
    return FileTags(path="calc/ops.py", language="python", defs=defs, references={})


def test_unknown_mentions_of_a_prompt_come_with_suggestions(
    sample_repo: Path, tmp_path: Path
) -> None:
    context = ContextSet(sample_repo, budget=3000, cache_dir=tmp_path)
    context.refresh()
    unknown = context.unknown_mentions("fix @greter and @Circle in @pkg and @greeter.rb:12")
    assert [(u.text, u.suggestions[0]) for u in unknown] == [("greter", "lib/greeter.rb")]
    assert context.unknown_mentions("look at @shapes.py") == []
