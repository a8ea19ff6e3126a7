"""Ranking and fitting the map to a budget."""

from __future__ import annotations

from redline.tools.context.ranking import rank
from redline.tools.context.render import fit_map, render_map
from redline.tools.context.tags import Definition, FileTags
from redline.tools.context.tokens import estimate_tokens


def _file(path: str, defines: list[str], uses: dict[str, int]) -> FileTags:
    defs = tuple(
        Definition(name, "function", i * 10 + 1, i * 10 + 5, f"def {name}(arg):")
        for i, name in enumerate(defines)
    )
    return FileTags(path, "python", defs, uses)


def _repo() -> dict[str, FileTags]:
    tags = {
        "core/popular.py": _file("core/popular.py", ["popular_helper"], {}),
        "core/lonely.py": _file("core/lonely.py", ["lonely_helper"], {}),
        "feature/special.py": _file("feature/special.py", ["special_thing"], {"lonely_helper": 1}),
    }
    for i in range(8):
        path = f"app/user{i}.py"
        tags[path] = _file(path, [f"user{i}"], {"popular_helper": 3})
    return tags


def _order(ranking) -> list[str]:
    return [r.definition.name for r in ranking.definitions]


def test_a_definition_used_by_many_files_ranks_first() -> None:
    ranking = rank(_repo())
    order = _order(ranking)
    assert order[0] == "popular_helper"
    assert order.index("popular_helper") < order.index("lonely_helper")
    assert ranking.file_rank["core/popular.py"] > ranking.file_rank["core/lonely.py"]


def test_chat_files_personalise_the_ranking() -> None:
    plain = _order(rank(_repo()))
    personal = rank(_repo(), chat_files=["feature/special.py"])
    order = _order(personal)
    # What the file in the conversation uses moves to the top; its own definitions leave the map.
    assert order[0] == "lonely_helper"
    assert order.index("lonely_helper") < plain.index("lonely_helper")
    assert "special_thing" not in order


def test_mentioned_names_move_up() -> None:
    order = _order(rank(_repo(), mentioned_names=["user5"]))
    assert order[0] == "user5"


def test_empty_repository_ranks_nothing() -> None:
    ranking = rank({})
    assert ranking.definitions == () and ranking.file_rank == {}


def test_map_never_exceeds_the_budget() -> None:
    ranking = rank(_repo())
    full = render_map(ranking.definitions)
    for budget in (0, 1, 5, 20, 40, 60, 90, estimate_tokens(full), 10_000):
        text, count = fit_map(ranking.definitions, budget)
        assert estimate_tokens(text) <= budget
        if budget >= estimate_tokens(full):
            assert count == len(ranking.definitions)
    text, count = fit_map(ranking.definitions, 60)
    assert 0 < count < len(ranking.definitions)
    # The prefix is maximal: one more definition would not fit.
    assert estimate_tokens(render_map(ranking.definitions[: count + 1])) > 60


def test_map_shows_headings_and_signatures_in_line_order() -> None:
    ranking = rank(_repo())
    text = render_map(ranking.definitions)
    assert "core/popular.py:\n│def popular_helper(arg):\n⋮" in text
    assert text.index("core/popular.py:") < text.index("core/lonely.py:")


def test_incremental_update_matches_a_fresh_graph() -> None:
    from redline.tools.context.ranking import ReferenceGraph

    tags = _repo()
    graph = ReferenceGraph()
    graph.update(tags)
    graph.rank()
    # A body edit: same definitions, different references (only that file re-links).
    edited = dict(tags)
    edited["app/user3.py"] = _file("app/user3.py", ["user3"], {"lonely_helper": 9})
    graph.update(edited)
    fresh = rank(edited)
    assert _order(graph.rank()) == _order(fresh)
    assert graph.rank().definitions[0].definition.name == fresh.definitions[0].definition.name
    # A new definition name forces a rebuild, with the same result as from scratch.
    renamed = dict(edited)
    renamed["core/lonely.py"] = _file("core/lonely.py", ["renamed_helper"], {})
    graph.update(renamed)
    assert _order(graph.rank()) == _order(rank(renamed))
    assert "lonely_helper" not in _order(graph.rank())


def test_limit_keeps_the_best_and_fills_by_file_rank() -> None:
    full = _order(rank(_repo()))
    assert _order(rank(_repo(), limit=3)) == full[:3]
    assert len(_order(rank(_repo(), limit=50))) == len(full)
