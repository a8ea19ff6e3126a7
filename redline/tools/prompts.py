"""The text that teaches a model redline's edit formats, and which format each model gets.

This is the one place with that text. `system_prompt(fmt)` always contains the line
``Edit format: <search-replace|apply-patch|udiff|whole>`` (the simulator reads it).
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping

EDIT_FORMATS = ("search-replace", "apply-patch", "udiff", "whole")

# Models trained on Codex's apply_patch tool write that grammar best; others do well with Aider's
# SEARCH/REPLACE blocks. Patterns are matched against the model id, case-insensitively, in order.
DEFAULT_FORMATS: tuple[tuple[str, str], ...] = (
    ("*codex*", "apply-patch"),
    ("gpt-5*", "apply-patch"),
    ("gpt-4.1*", "apply-patch"),
    ("o3*", "apply-patch"),
    ("o4*", "apply-patch"),
    ("*", "search-replace"),
)

_INTRO = """You are redline, a coding assistant working in the user's git repository.
Answer briefly. When you change code, write every change as an edit in the format below; files
shown to you appear as their path on a line, then a fenced block with the full content.
Edits are applied all together or not at all, committed to git, and can be undone.
"""

_FORMATS = {
    "search-replace": """Write each change as a SEARCH/REPLACE block: the file's path alone on a line, then
a fence, then the exact lines to find, then their replacement:

path/to/file.py
```python
<<<<<<< SEARCH
exact lines copied from the file, enough to be unique
=======
the new lines
>>>>>>> REPLACE
```

Rules: SEARCH must match the file exactly (including indentation) and only once; keep blocks
small; use several blocks for several places. To create a file, leave SEARCH empty.""",
    "apply-patch": """Write all changes as one apply_patch envelope:

*** Begin Patch
*** Update File: path/to/file.py
@@ def the_function_being_changed():
 context line
-removed line
+added line
*** Add File: path/to/new_file.py
+every line of the new file, each starting with +
*** Delete File: path/to/obsolete.py
*** End Patch

Rules: paths are relative to the repository root; show 3 lines of context around each change;
use an `@@ line` anchor (a class or function line) when the context alone is not unique;
`*** Move to: new/path` right after `*** Update File:` renames a file.""",
    "udiff": """Write changes as a unified diff in a ```diff fence, as `git diff` prints it:

```diff
--- a/path/to/file.py
+++ b/path/to/file.py
@@ -10,7 +10,7 @@ def the_function():
 context line
-removed line
+added line
 context line
```

Rules: paths relative to the repository root with a/ and b/ prefixes; /dev/null for a created
or deleted file; 3 lines of context; every context line starts with a space.""",
    "whole": """Write each changed file in full: the file's path alone on a line, then a fence with
the complete new content of the file:

path/to/file.py
```python
the entire file, every line, not only the changed part
```

Rules: never elide code ("..."), the block replaces the whole file.""",
}


def format_instructions(edit_format: str) -> str:
    """How to write edits in `edit_format` (one of EDIT_FORMATS)."""
    try:
        return _FORMATS[edit_format]
    except KeyError:
        raise ValueError(
            f"unknown edit format {edit_format!r}; choose one of {', '.join(EDIT_FORMATS)}"
        ) from None


def system_prompt(edit_format: str) -> str:
    """The system prompt for a turn, naming and teaching the edit format."""
    return f"{_INTRO}\nEdit format: {edit_format}\n\n{format_instructions(edit_format)}\n"


def default_edit_format(
    model: str,
    configured: str | Mapping[str, str] | None = None,
) -> str:
    """The format to ask of `model`: a configured format wins (one name for every model, or a
    table of model-id glob -> format checked first), then redline's defaults."""
    if isinstance(configured, str):
        format_instructions(configured)
        return configured
    rules: list[tuple[str, str]] = list((configured or {}).items()) + list(DEFAULT_FORMATS)
    name = (model or "").lower()
    for pattern, fmt in rules:
        if fnmatch.fnmatchcase(name, pattern.lower()):
            format_instructions(fmt)
            return fmt
    return "search-replace"
