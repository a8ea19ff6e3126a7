"""The one real edit a simulated reply carries, in the edit format the request asked for.

Context files arrive as the path alone on a line followed by a fenced block with the whole file
(the context -> sim contract in BRIEF.md); the system prompt names the format with a line
``Edit format: <search-replace|apply-patch|udiff|whole>``. The edit inserts one marker comment
near the top of a chosen file, so it applies cleanly and is harmless.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

EDIT_FORMATS = ("search-replace", "apply-patch", "udiff", "whole")
DEFAULT_FORMAT = "search-replace"
MARKER = "redline simulator: a simulated edit (no model was called)"
NEW_FILE_PATH = "SIMULATED.md"
NEW_FILE_CONTENT = (
    "# Simulated\n\nThis file was proposed by redline's built-in simulator; no model was called.\n"
)

_FORMAT_LINE = re.compile(r"^\s*Edit format:\s*([a-z-]+)", re.MULTILINE | re.IGNORECASE)
_PATH_LINE = re.compile(r"^`?([\w./@+-][\w./@+ -]*?[\w@+-])`?:?$")
_EDIT_MARKERS = ("<<<<<<< SEARCH", ">>>>>>> REPLACE", "*** Begin Patch", "*** End Patch")
_FENCE = re.compile(r"^(`{3,}|~{3,})(.*)$")

_HASH = "# {}"
_SLASH = "// {}"
_COMMENTS: dict[str, str] = {
    **dict.fromkeys(
        (".py", ".pyi", ".sh", ".bash", ".zsh", ".rb", ".pl", ".r", ".yaml", ".yml", ".toml"),
        _HASH,
    ),
    **dict.fromkeys(
        (".cfg", ".ini", ".conf", ".txt", ".mk", ".cmake", ".nix", ".ex", ".exs"), _HASH
    ),
    **dict.fromkeys(
        (".js", ".mjs", ".cjs", ".jsx", ".ts", ".tsx", ".go", ".rs", ".java", ".kt", ".kts"),
        _SLASH,
    ),
    **dict.fromkeys(
        (".c", ".h", ".cc", ".cpp", ".cxx", ".hpp", ".cs", ".swift", ".scala", ".dart", ".zig"),
        _SLASH,
    ),
    **dict.fromkeys((".php", ".proto", ".groovy", ".gradle", ".sol", ".v"), _SLASH),
    **dict.fromkeys((".sql", ".lua", ".hs", ".elm", ".ada"), "-- {}"),
    **dict.fromkeys(
        (".md", ".markdown", ".html", ".htm", ".xml", ".vue", ".svelte"), "<!-- {} -->"
    ),
    **dict.fromkeys((".css", ".scss", ".less"), "/* {} */"),
    **dict.fromkeys((".clj", ".lisp", ".el", ".scm"), ";; {}"),
    ".tex": "% {}",
    ".erl": "% {}",
    ".vim": '" {}',
}
_COMMENTS_BY_NAME = {"Makefile": _HASH, "Dockerfile": _HASH, "CMakeLists.txt": _HASH}

_LANGUAGES = {
    ".py": "python",
    ".js": "javascript",
    ".ts": "typescript",
    ".tsx": "tsx",
    ".go": "go",
    ".rs": "rust",
    ".java": "java",
    ".c": "c",
    ".cpp": "cpp",
    ".rb": "ruby",
    ".sh": "bash",
    ".md": "markdown",
    ".toml": "toml",
    ".yaml": "yaml",
    ".yml": "yaml",
}


@dataclass(slots=True, frozen=True)
class ContextFile:
    path: str
    content: str


@dataclass(slots=True, frozen=True)
class SimEdit:
    """The edit block as reply text, and what it does (for the reply's prose and tests)."""

    path: str
    edit_format: str
    text: str
    new_content: str
    creates: bool


def find_edit_format(text: str) -> str:
    """The format named by an ``Edit format: X`` line; search-replace when there is none."""
    found = DEFAULT_FORMAT
    for match in _FORMAT_LINE.finditer(text):
        name = match.group(1).lower()
        if name in EDIT_FORMATS:
            found = name
    return found


def find_context_files(text: str) -> list[ContextFile]:
    """Every ``path`` line followed by a fenced block, in order (later copies win)."""
    lines = text.split("\n")
    found: dict[str, ContextFile] = {}
    i = 0
    while i < len(lines) - 1:
        path_match = _PATH_LINE.match(lines[i].strip())
        fence_match = _FENCE.match(lines[i + 1])
        if not path_match or not fence_match or not _looks_like_path(path_match.group(1)):
            i += 1
            continue
        fence = fence_match.group(1)
        body: list[str] = []
        j = i + 2
        while j < len(lines) and lines[j].rstrip() != fence:
            body.append(lines[j])
            j += 1
        if j == len(lines):  # unclosed fence: not a file
            i += 1
            continue
        path = path_match.group(1)
        i = j + 1
        if path.startswith("path/to/") or any(line.startswith(_EDIT_MARKERS) for line in body):
            continue  # an example in the instructions, or an edit: not a file in context
        found.pop(path, None)
        found[path] = ContextFile(path, "\n".join(body) + "\n" if body else "")
    return list(found.values())


def _looks_like_path(candidate: str) -> bool:
    if " " in candidate or candidate.startswith(("<<<", "===", ">>>", "***")):
        return False
    name = PurePosixPath(candidate).name
    return "." in name or "/" in candidate or name in _COMMENTS_BY_NAME


def comment_syntax(path: str) -> str | None:
    """A format string for one comment line in ``path``'s language, or None (JSON, binary...)."""
    name = PurePosixPath(path).name
    if name in _COMMENTS_BY_NAME:
        return _COMMENTS_BY_NAME[name]
    return _COMMENTS.get(PurePosixPath(path).suffix.lower())


def choose_file(files: list[ContextFile], prompt: str, seed: int = 0) -> ContextFile | None:
    """The file to edit: one the prompt names, else the seed's pick; None if none is editable."""
    editable = [f for f in files if f.content.strip() and comment_syntax(f.path) is not None]
    if not editable:
        return None
    for f in editable:
        if f.path in prompt:
            return f
    for f in editable:
        if PurePosixPath(f.path).name in prompt:
            return f
    return editable[seed % len(editable)]


def make_edit(target: ContextFile | None, edit_format: str) -> SimEdit:
    """The edit block for ``target`` (or a new file when there is none) in ``edit_format``."""
    if edit_format not in EDIT_FORMATS:
        edit_format = DEFAULT_FORMAT
    if target is None:
        return _create(edit_format)
    syntax = comment_syntax(target.path) or _HASH
    comment = syntax.format(MARKER)
    lines = target.content.split("\n")
    # After a shebang or XML/PHP opener, which must stay first; else before line one.
    at = 1 if lines[0].startswith(("#!", "<?")) else 0
    new_lines = [*lines[:at], comment, *lines[at:]]
    new_content = "\n".join(new_lines)
    render = {
        "search-replace": _search_replace,
        "apply-patch": _apply_patch,
        "udiff": _udiff,
        "whole": _whole,
    }[edit_format]
    text = render(target, lines, at, comment, new_content)
    return SimEdit(target.path, edit_format, text, new_content, creates=False)


def _unique_prefix(content: str, lines: list[str], at: int) -> int:
    """How many leading lines make a SEARCH block that occurs once in ``content``."""
    k = max(1, at)
    while k < len(lines):
        if content.count("\n".join(lines[:k]) + "\n") == 1:
            return k
        k += 1
    return len(lines)


def _fence_for(content: str, info: str = "") -> tuple[str, str]:
    longest = max((len(m) for m in re.findall(r"`{3,}", content)), default=2)
    fence = "`" * max(3, longest + 1)
    return fence + info, fence


def _language(path: str) -> str:
    return _LANGUAGES.get(PurePosixPath(path).suffix.lower(), "")


def _search_replace(target: ContextFile, lines: list[str], at: int, comment: str, _new: str) -> str:
    k = _unique_prefix(target.content, lines, at)
    search = lines[:k]
    replace = [*lines[:at], comment, *lines[at:k]]
    opening, closing = _fence_for(target.content, _language(target.path))
    return "\n".join(
        [
            target.path,
            opening,
            "<<<<<<< SEARCH",
            *search,
            "=======",
            *replace,
            ">>>>>>> REPLACE",
            closing,
        ]
    )


def _context(lines: list[str], at: int) -> tuple[list[str], list[str]]:
    body = lines[:-1] if lines and lines[-1] == "" else lines
    return body[:at], body[at : at + 3]


def _apply_patch(target: ContextFile, lines: list[str], at: int, comment: str, _new: str) -> str:
    before, after = _context(lines, at)
    hunk = [*(" " + s for s in before), "+" + comment, *(" " + s for s in after)]
    return "\n".join(
        [
            "```",
            "*** Begin Patch",
            f"*** Update File: {target.path}",
            "@@",
            *hunk,
            "*** End Patch",
            "```",
        ]
    )


def _udiff(target: ContextFile, lines: list[str], at: int, comment: str, _new: str) -> str:
    before, after = _context(lines, at)
    old_n = len(before) + len(after)
    hunk = [*(" " + s for s in before), "+" + comment, *(" " + s for s in after)]
    return "\n".join(
        [
            "```diff",
            f"--- a/{target.path}",
            f"+++ b/{target.path}",
            f"@@ -1,{old_n} +1,{old_n + 1} @@",
            *hunk,
            "```",
        ]
    )


def _whole(target: ContextFile, _lines: list[str], _at: int, _comment: str, new: str) -> str:
    opening, closing = _fence_for(new, _language(target.path))
    return "\n".join([target.path, opening, new.rstrip("\n"), closing])


def _create(edit_format: str) -> SimEdit:
    path, content = NEW_FILE_PATH, NEW_FILE_CONTENT
    lines = content.rstrip("\n").split("\n")
    if edit_format == "search-replace":
        body = [path, "```markdown", "<<<<<<< SEARCH", "=======", *lines, ">>>>>>> REPLACE", "```"]
    elif edit_format == "apply-patch":
        adds = ["+" + s for s in lines]
        body = ["```", "*** Begin Patch", f"*** Add File: {path}", *adds, "*** End Patch", "```"]
    elif edit_format == "udiff":
        adds = ["+" + s for s in lines]
        header = f"@@ -0,0 +1,{len(lines)} @@"
        body = ["```diff", "--- /dev/null", f"+++ b/{path}", header, *adds, "```"]
    else:
        body = [path, "```markdown", *lines, "```"]
    return SimEdit(path, edit_format, "\n".join(body), content, creates=True)
