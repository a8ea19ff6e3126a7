"""Tags extraction: every grammar finds its definitions and references."""

from __future__ import annotations

import pytest

from redline.tools.context.languages import SPECS, language_for
from redline.tools.context.tags import extract_tags
from tests.helpers_context import SAMPLES


def test_every_language_has_a_sample() -> None:
    assert {s.language for s in SAMPLES} == set(SPECS)


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: s.language)
def test_definitions_and_references_found(sample) -> None:
    assert language_for(sample.path) == sample.language
    tags = extract_tags(sample.path, sample.source.encode(), sample.language)
    found = {(d.name, d.kind) for d in tags.definitions}
    missing = [d for d in sample.definitions if d not in found]
    assert not missing, f"missing definitions {missing}; found {sorted(found)}"
    missing_refs = [r for r in sample.references if r not in tags.references]
    assert not missing_refs, f"missing references {missing_refs}; found {sorted(tags.references)}"


def test_definition_extent_and_signature() -> None:
    source = (
        b"def outer(a,\n          b) -> int:\n    x = 1\n    return x\n\n\nclass K:\n    pass\n"
    )
    tags = extract_tags("m.py", source, "python")
    outer = next(d for d in tags.definitions if d.name == "outer")
    assert (outer.line, outer.end_line) == (1, 4)
    assert outer.signature == "def outer(a,\n          b) -> int:"
    k = next(d for d in tags.definitions if d.name == "K")
    assert k.signature == "class K:"


def test_brace_language_signature_is_the_header_line() -> None:
    source = b"int add(int a, int b) {\n    return a + b;\n}\n"
    tags = extract_tags("a.c", source, "c")
    (add,) = tags.definitions
    assert add.signature == "int add(int a, int b) {"
    assert (add.line, add.end_line) == (1, 3)


def test_a_definition_name_is_not_counted_as_its_own_reference() -> None:
    tags = extract_tags("t.ts", b"class Lonely {}\n", "typescript")
    assert "Lonely" not in tags.references


def test_unknown_extensions_have_no_grammar() -> None:
    assert language_for("README.md") is None
    assert language_for("Rakefile") == "ruby"
    assert language_for("x.HPP") == "cpp"


def test_cpp_local_object_is_not_a_function_declaration() -> None:
    source = b"int area(int w);\nnamespace geo { int perimeter(int w); }\nvoid f() {\n    Widget w(3);\n}\n"
    tags = extract_tags("a.cpp", source, "cpp")
    names = [d.name for d in tags.definitions]
    assert names == ["area", "geo", "perimeter", "f"]


def test_signature_drops_trailing_blank_lines() -> None:
    tags = extract_tags("k.py", b"class K:\n\n    x = 1\n", "python")
    assert tags.definitions[0].signature == "class K:"
