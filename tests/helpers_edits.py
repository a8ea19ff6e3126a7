"""Shared helpers for the edits tests: fixtures path, temp repos, tree fingerprints."""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def fixtures_dir() -> Path:
    """`tests/fixtures` in this checkout: the suite needs nothing outside the repository."""
    return ROOT / "tests" / "fixtures"


def scenarios_dir() -> Path:
    return fixtures_dir() / "apply_patch_scenarios"


def git(repo: Path, *args: str) -> str:
    out = subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True
    )
    return out.stdout


def commit_all(repo: Path, message: str = "work") -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", message)
    return git(repo, "rev-parse", "HEAD").strip()


def make_repo(path: Path, files: dict[str, str | bytes] | None = None) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    for name, content in (files or {}).items():
        full = path / name
        full.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            full.write_bytes(content)
        else:
            full.write_bytes(content.encode())
    commit_all(path, "initial")
    return path


def fingerprint(repo: Path) -> dict[str, str]:
    """Every file (outside .git) and symlink with a hash of its bytes, plus HEAD and the index."""
    out: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(repo):
        if ".git" in dirnames:
            dirnames.remove(".git")
        for name in filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]:
            full = os.path.join(dirpath, name)
            rel = os.path.relpath(full, repo)
            if os.path.islink(full):
                out[rel] = "link:" + os.readlink(full)
            else:
                out[rel] = hashlib.sha256(Path(full).read_bytes()).hexdigest()
        for d in dirnames:
            out.setdefault(os.path.relpath(os.path.join(dirpath, d), repo) + "/", "dir")
    head = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "-q", "--verify", "HEAD"],
        capture_output=True,
        text=True,
    )
    out["<HEAD>"] = head.stdout.strip()
    index = repo / ".git" / "index"
    out["<index>"] = hashlib.sha256(index.read_bytes()).hexdigest() if index.exists() else ""
    return out


def tree_files(root: Path) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    for p in sorted(root.rglob("*")):
        if ".git" in p.relative_to(root).parts or not p.is_file():
            continue
        out[p.relative_to(root).as_posix()] = p.read_bytes()
    return out


# -- real-world-style diffs: two versions of a project, and the same change in every format ------


def mutate(files: dict[str, bytes], seed: int = 7) -> tuple[dict[str, bytes], dict[str, str]]:
    """Version B of a project: edited, grown and shrunk files, a rename (returned as old -> new),
    a new and a removed file, an edited CRLF file. Deterministic for a seed."""
    import random

    rng = random.Random(seed)
    out = dict(files)
    names = sorted(n for n, d in files.items() if d and b"\0" not in d)
    for n, name in enumerate(names):
        lines = out[name].split(b"\n")
        if n % 5 == 4 or len(lines) < 8:
            continue
        for _ in range(1 + n % 3):
            i = rng.randrange(0, max(1, len(lines) - 2))
            op = rng.choice(("change", "insert", "delete"))
            if op == "change":
                lines[i] = lines[i] + b"  # changed"
            elif op == "insert":
                lines[i:i] = [b"# inserted line", b"x = 1"]
            else:
                del lines[i : i + 2]
        out[name] = b"\n".join(lines)
    renames: dict[str, str] = {}
    if len(names) > 3:
        old = names[1]
        head, _, tail = old.rpartition("/")
        new = f"{head}/renamed_{tail}" if head else f"renamed_{tail}"
        out[new] = out.pop(old) + b"# tail\n"
        renames[old] = new
        out.pop(names[2])
    out["docs/NEW FILE.md"] = b"# New\n\nA new file, with a space in its name.\n"
    if "win.txt" in out:
        out["win.txt"] = out["win.txt"].replace(b"line 2", b"line two")
    return out, renames


def _split(data: bytes) -> list[str]:
    text = data.decode()
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def _groups(a: bytes, b: bytes) -> list[tuple[list[str], list[str]]]:
    import difflib

    old, new = _split(a), _split(b)
    out = []
    sm = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for group in sm.get_grouped_opcodes(3):
        i1, i2 = group[0][1], group[-1][2]
        j1, j2 = group[0][3], group[-1][4]
        out.append((old[i1:i2], new[j1:j2]))
    return out


def _funcname(lines: list[str], before: int) -> str | None:
    """Git's default hunk-header context: the last line above starting with a letter, _ or $."""
    for i in range(before - 1, -1, -1):
        s = lines[i]
        if s and (s[0].isalpha() or s[0] in "_$"):
            return s
    return None


def to_apply_patch(
    a: dict[str, bytes], b: dict[str, bytes], renames: dict[str, str], anchors: bool = True
) -> str:
    import difflib

    out = ["*** Begin Patch"]
    moved_to = set(renames.values())
    for name in sorted(set(a) | set(b)):
        if name in moved_to:
            continue
        if name not in b and name not in renames:
            out.append(f"*** Delete File: {name}")
            continue
        if name not in a:
            out.append(f"*** Add File: {name}")
            out.extend("+" + s for s in _split(b[name]))
            continue
        target = renames.get(name, name)
        if a[name] == b[target] and target == name:
            continue
        out.append(f"*** Update File: {name}")
        if target != name:
            out.append(f"*** Move to: {target}")
        old, new = _split(a[name]), _split(b[target])
        sm = difflib.SequenceMatcher(None, old, new, autojunk=False)
        for group in sm.get_grouped_opcodes(3):
            anchor = _funcname(old, group[0][1]) if anchors else None
            out.append(f"@@ {anchor}" if anchor else "@@")
            for tag, i1, i2, j1, j2 in group:
                if tag == "equal":
                    out.extend(" " + s for s in old[i1:i2])
                    continue
                out.extend("-" + s for s in old[i1:i2])
                out.extend("+" + s for s in new[j1:j2])
    out.append("*** End Patch")
    return "\n".join(out) + "\n"


def to_search_replace(a: dict[str, bytes], b: dict[str, bytes]) -> str:
    out = ["I made these changes:", ""]
    for name in sorted(set(a) & set(b)):
        if a[name] == b[name]:
            continue
        for old, new in _groups(a[name], b[name]):
            out += [
                name,
                "```",
                "<<<<<<< SEARCH",
                *old,
                "=======",
                *new,
                ">>>>>>> REPLACE",
                "```",
                "",
            ]
    for name in sorted(set(b) - set(a)):
        out += [
            name,
            "```",
            "<<<<<<< SEARCH",
            "=======",
            *_split(b[name]),
            ">>>>>>> REPLACE",
            "```",
            "",
        ]
    return "\n".join(out) + "\n"


def sample_project() -> dict[str, bytes]:
    """A small, realistic project: modules with repeated shapes, docs with fences, a Makefile
    with tabs, a CRLF file, a file without a final newline, non-ASCII text, a spaced name."""
    files: dict[str, bytes] = {}
    for m in range(6):
        body = [f'"""Module {m}: shapes and their areas."""', "", "import math", ""]
        for c in range(4):
            body += [
                "",
                f"class Shape{c}:",
                f'    """Shape number {c}."""',
                "",
                "    def __init__(self, size):",
                "        self.size = size",
                "",
                "    def area(self):",
                "        return self.size * self.size",
                "",
                "    def describe(self):",
                f'        return f"shape {c} of size {{self.size}}"',
            ]
        files[f"pkg/mod{m}.py"] = ("\n".join(body) + "\n").encode()
    files["README.md"] = (
        b"# Sample\n\nUse it:\n\n```python\nfrom pkg import mod0\n```\n\n-- not a diff line\n"
        b"--- also not one\n+++ nor this\n"
    )
    files["Makefile"] = b"all:\n\tpython -m pkg\n\ntest:\n\tpytest -q\n"
    files["win.txt"] = b"line one\r\nline 2\r\nline three\r\n"
    files["nofinal.txt"] = b"first\nlast without newline"
    files["unicode.txt"] = "caf\u00e9 \u2014 na\u00efve\n\u201cquoted\u201d\n".encode()
    files["docs/old name.txt"] = b"a doc with a space in its name\n"
    files["schema.sql"] = b"-- the schema\nCREATE TABLE t (id int);\n-- end\n"
    return files


def sample_versions() -> tuple[dict[str, bytes], dict[str, bytes], dict[str, str]]:
    """Versions A and B of the sample project, and B's renames (old -> new)."""
    a = sample_project()
    b, renames = mutate({k: v for k, v in a.items() if k.startswith("pkg/")}, seed=3)
    b.update({k: v for k, v in a.items() if not k.startswith("pkg/")})
    b["win.txt"] = b"line one\r\nline two\r\nline three\r\n"
    b["schema.sql"] = b"CREATE TABLE t (id int, name text);\n-- end\n"
    b["README.md"] = a["README.md"].replace(b"--- also not one\n", b"")
    b["unicode.txt"] = "caf\u00e9 \u2014 tr\u00e8s na\u00efve\n\u201cquoted\u201d\n".encode()
    b["nofinal.txt"] = b"first\nlast, now with a newline\n"
    b["docs/new name.txt"] = b.pop("docs/old name.txt")
    renames["docs/old name.txt"] = "docs/new name.txt"
    b["pkg/empty.py"] = b""
    return a, b, renames
