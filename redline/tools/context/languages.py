"""Which grammar parses which file, loaded from the per-language wheels (no download)."""

from __future__ import annotations

import importlib
import threading
from dataclasses import dataclass
from importlib import resources
from pathlib import PurePosixPath
from typing import Any

from tree_sitter import Language, Query


@dataclass(frozen=True, slots=True)
class LanguageSpec:
    """A grammar: its name, the wheel module and the function that returns it."""

    name: str
    module: str
    function: str = "language"
    fence: str = ""


SPECS: dict[str, LanguageSpec] = {
    spec.name: spec
    for spec in (
        LanguageSpec("python", "tree_sitter_python", fence="python"),
        LanguageSpec("javascript", "tree_sitter_javascript", fence="javascript"),
        LanguageSpec("typescript", "tree_sitter_typescript", "language_typescript", "typescript"),
        LanguageSpec("tsx", "tree_sitter_typescript", "language_tsx", "tsx"),
        LanguageSpec("go", "tree_sitter_go", fence="go"),
        LanguageSpec("rust", "tree_sitter_rust", fence="rust"),
        LanguageSpec("java", "tree_sitter_java", fence="java"),
        LanguageSpec("c", "tree_sitter_c", fence="c"),
        LanguageSpec("cpp", "tree_sitter_cpp", fence="cpp"),
        LanguageSpec("ruby", "tree_sitter_ruby", fence="ruby"),
        LanguageSpec("bash", "tree_sitter_bash", fence="bash"),
    )
}

EXTENSIONS: dict[str, str] = {
    ".py": "python",
    ".pyi": "python",
    ".js": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".jsx": "javascript",
    ".ts": "typescript",
    ".mts": "typescript",
    ".cts": "typescript",
    ".tsx": "tsx",
    ".go": "go",
    ".rs": "rust",
    ".java": "java",
    ".c": "c",
    ".h": "c",
    ".cc": "cpp",
    ".cpp": "cpp",
    ".cxx": "cpp",
    ".c++": "cpp",
    ".hh": "cpp",
    ".hpp": "cpp",
    ".hxx": "cpp",
    ".ipp": "cpp",
    ".rb": "ruby",
    ".rake": "ruby",
    ".gemspec": "ruby",
    ".sh": "bash",
    ".bash": "bash",
}

FILENAMES: dict[str, str] = {
    "Rakefile": "ruby",
    "Gemfile": "ruby",
    ".bashrc": "bash",
    ".bash_profile": "bash",
}

# Fence names for files we include whole but do not parse.
_PLAIN_FENCES: dict[str, str] = {
    ".md": "markdown",
    ".toml": "toml",
    ".json": "json",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".html": "html",
    ".css": "css",
    ".sql": "sql",
    ".txt": "",
}


def language_for(path: str) -> str | None:
    """The grammar name for a repo-relative path, or None when no grammar parses it."""
    name = path.rpartition("/")[2]
    by_name = FILENAMES.get(name)
    if by_name:
        return by_name
    dot = name.rfind(".")
    return EXTENSIONS.get(name[dot:].lower()) if dot > 0 else None


def fence_for(path: str) -> str:
    """The info string of a Markdown fence holding this file."""
    lang = language_for(path)
    if lang:
        return SPECS[lang].fence
    return _PLAIN_FENCES.get(PurePosixPath(path).suffix.lower(), "")


class Grammars:
    """Languages and compiled tags queries, loaded once per process on first use."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._languages: dict[str, Language] = {}
        self._queries: dict[str, Query] = {}

    def language(self, name: str) -> Language:
        with self._lock:
            lang = self._languages.get(name)
            if lang is None:
                spec = SPECS[name]
                module: Any = importlib.import_module(spec.module)
                lang = Language(getattr(module, spec.function)())
                self._languages[name] = lang
            return lang

    def query(self, name: str) -> Query:
        lang = self.language(name)
        with self._lock:
            query = self._queries.get(name)
            if query is None:
                query = Query(lang, query_source(name))
                self._queries[name] = query
            return query


def query_source(name: str) -> str:
    """The project's tags query for a grammar (TSX shares TypeScript's, plus JSX)."""
    folder = resources.files("redline.tools.context").joinpath("queries")
    if name == "tsx":
        return folder.joinpath("typescript.scm").read_text("utf-8") + folder.joinpath(
            "tsx_extra.scm"
        ).read_text("utf-8")
    return folder.joinpath(f"{name}.scm").read_text("utf-8")


GRAMMARS = Grammars()
