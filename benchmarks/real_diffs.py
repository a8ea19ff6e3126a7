"""Edits on real diffs: released versions of projects, the change written in every format.

For each pair of consecutive releases of a project (wheels or sdists in a directory, fetched
beforehand with e.g. `pip download --no-deps pkg==X`; nothing is downloaded here), the text
files of both versions go into a temp git repository and `git diff` between them is converted
to: a unified diff (git's own output), Codex apply_patch with `@@ <function line>` anchors taken
from git's hunk headers and without anchors, and Aider SEARCH/REPLACE blocks (each hunk's
3 lines of context as they are). Each is parsed and applied by redline's planner to the old
version, with the current rule (first match at or after the cursor) and with the earlier strict
rule (every tie refused). Each result is classed `exact` (the new version, byte for byte),
`refused` (redline declined: exit 4) or `wrong` (applied, but differs from the new version).

apply_patch cannot express a final-newline change and SEARCH/REPLACE cannot delete a file: the
expected tree for those formats is adjusted accordingly (nothing else is forgiven).

Prints one JSON object. Usage: python benchmarks/real_diffs.py DIR [--unified-context 3]
"""

from __future__ import annotations

import argparse
import itertools
import json
import platform
import re
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from redline.tools.edits import parse_edits  # noqa: E402
from redline.tools.edits.plan import plan_blocks  # noqa: E402

Tree = dict[str, bytes]
_ARCHIVE = re.compile(
    r"^(?P<name>[A-Za-z0-9_.]+?)-(?P<ver>\d[^-]*?)(?:-py.*\.whl|\.tar\.gz|\.zip)$"
)


def _version_key(v: str) -> tuple[int, ...]:
    return tuple(int(p) if p.isdigit() else -1 for p in re.split(r"[.]", v))


def _is_text(data: bytes) -> bool:
    if b"\0" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def read_archive(path: Path) -> Tree:
    """The text files of a wheel or sdist, with the top-level `name-ver/` of an sdist dropped."""
    files: Tree = {}
    if path.suffix in (".whl", ".zip"):
        with zipfile.ZipFile(path) as z:
            for info in z.infolist():
                if not info.is_dir():
                    files[info.filename] = z.read(info)
    else:
        with tarfile.open(path) as t:
            for member in t.getmembers():
                f = t.extractfile(member) if member.isfile() else None
                if f is not None:
                    files[member.name.split("/", 1)[-1]] = f.read()
    return {
        k: v
        for k, v in files.items()
        if _is_text(v) and ".dist-info/" not in k and not k.endswith("PKG-INFO")
    }


def pairs(directory: Path) -> list[tuple[str, Path, Path]]:
    by_name: dict[str, list[tuple[str, Path]]] = {}
    for p in sorted(directory.iterdir()):
        m = _ARCHIVE.match(p.name)
        if m:
            by_name.setdefault(m["name"].lower(), []).append((m["ver"], p))
    out = []
    for name, versions in sorted(by_name.items()):
        versions.sort(key=lambda vp: _version_key(vp[0]))
        for (va, pa), (vb, pb) in itertools.pairwise(versions):
            out.append((f"{name} {va}->{vb}", pa, pb))
    return out


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=repo, capture_output=True, check=True)
    return done.stdout.decode("utf-8", "replace")


def _write(root: Path, files: Tree) -> None:
    for name, data in files.items():
        full = root / name
        full.parent.mkdir(parents=True, exist_ok=True)
        full.write_bytes(data)


def git_diff(work: Path, a: Tree, b: Tree, context: int) -> str:
    repo = work / "diff"
    repo.mkdir()
    _git(repo, "init", "-q")
    _write(repo, a)
    _git(repo, "add", "-A")
    _git(repo, "-c", "user.name=T", "-c", "user.email=t@e", "commit", "-qm", "a", "--allow-empty")
    for name in a:
        (repo / name).unlink()
    _write(repo, b)
    _git(repo, "add", "-A")
    return _git(repo, "diff", "--cached", "--no-renames", f"-U{context}", "HEAD")


# A file of a git diff: (path, status "M"|"A"|"D", [(header function line, [diff lines])]).
FileDiff = tuple[str, str, list[tuple[str, list[str]]]]


def split_diff(text: str) -> list[FileDiff]:
    files: list[FileDiff] = []
    hunk: list[str] | None = None
    for line in text.split("\n"):
        if line.startswith("diff --git "):
            files.append(("", "M", []))
            hunk = None
        elif hunk is None and line.startswith("--- ") and files:
            if line == "--- /dev/null":
                files[-1] = (files[-1][0], "A", files[-1][2])
            else:
                files[-1] = (line[6:], files[-1][1], files[-1][2])
        elif hunk is None and line.startswith("+++ ") and files:
            path, status, hunks = files[-1]
            if line == "+++ /dev/null":
                status = "D"
            else:
                path = line[6:]
            files[-1] = (path, status, hunks)
        elif line.startswith("@@ ") and files:
            header = line.split("@@", 2)[2]
            hunk = []
            files[-1][2].append((header[1:] if header.startswith(" ") else header, hunk))
        elif hunk is not None and line[:1] in (" ", "-", "+", "\\"):
            hunk.append(line)
        elif hunk is not None and line == "":
            continue
    return files


def to_apply_patch(files: list[FileDiff], a: Tree, anchors: bool) -> str:
    out = ["*** Begin Patch"]
    for path, status, hunks in files:
        if status == "D":
            out.append(f"*** Delete File: {path}")
            continue
        if status == "A":
            out.append(f"*** Add File: {path}")
            out.extend(s for _, h in hunks for s in h if s[:1] == "+")
            continue
        out.append(f"*** Update File: {path}")
        for func, lines in hunks:
            out.append(f"@@ {func}" if anchors and func.strip() else "@@")
            out.extend(s for s in lines if s[:1] != "\\")
    out.append("*** End Patch")
    return "\n".join(out) + "\n"


def to_search_replace(files: list[FileDiff]) -> str:
    out = ["Here are the changes.", ""]
    for path, status, hunks in files:
        if status == "D":
            continue
        for _, lines in hunks:
            old = [s[1:] for s in lines if s[:1] in (" ", "-")]
            new = [s[1:] for s in lines if s[:1] in (" ", "+")]
            fence = "````" if any(s.startswith("```") for s in old + new) else "```"
            out += [path, fence, "<<<<<<< SEARCH", *old, "=======", *new, ">>>>>>> REPLACE"]
            out += [fence, ""]
    return "\n".join(out) + "\n"


def classify(
    root: Path, a: Tree, expected: Tree, reply: str, first: bool, loose_eol: bool
) -> tuple[str, str]:
    blocks = parse_edits(reply)
    plan = plan_blocks(root, blocks, first_after_cursor=first)
    if not plan.ok:
        return "refused", plan.error or ""
    got = dict(a)
    for change in plan.changes:
        if change.after is None:
            got.pop(change.path, None)
        else:
            got[change.path] = change.after
    if loose_eol:
        got = {k: v.rstrip(b"\n") for k, v in got.items()}
        expected = {k: v.rstrip(b"\n") for k, v in expected.items()}
    if got == expected:
        return "exact", ""
    bad = sorted(k for k in set(got) | set(expected) if got.get(k) != expected.get(k))
    return "wrong", ", ".join(bad[:3])


def run(directory: Path, context: int) -> dict[str, object]:
    formats: dict[str, Callable[[list[FileDiff], Tree, str], str]] = {
        "udiff": lambda f, a, d: d,
        "apply-patch+anchors": lambda f, a, d: to_apply_patch(f, a, True),
        "apply-patch": lambda f, a, d: to_apply_patch(f, a, False),
        "search-replace": lambda f, a, d: to_search_replace(f),
    }
    policies = {"first-after-cursor": True, "strict": False}
    counts = {p: {f: {"exact": 0, "refused": 0, "wrong": 0} for f in formats} for p in policies}
    details: list[dict[str, str]] = []
    found = pairs(directory)
    for label, pa, pb in found:
        a, b = read_archive(pa), read_archive(pb)
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            diff = git_diff(work, a, b, context)
            files = split_diff(diff)
            root = work / "old"
            _write(root, a)
            for fmt, convert in formats.items():
                reply = convert(files, a, diff)
                expected = dict(b)
                if fmt == "search-replace":
                    expected.update({p: a[p] for p, s, _ in files if s == "D"})
                for policy, first in policies.items():
                    loose = fmt != "udiff"
                    verdict, why = classify(root, a, expected, reply, first, loose)
                    counts[policy][fmt][verdict] += 1
                    if verdict != "exact":
                        details.append(
                            {"pair": label, "format": fmt, "policy": policy, verdict: why[:300]}
                        )
    return {
        "benchmark": "edits-real-diffs",
        "machine": f"{platform.machine()}, Python {platform.python_version()}",
        "pairs": [p[0] for p in found],
        "context_lines": context,
        "counts": counts,
        "not_exact": details,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("directory", type=Path, help="wheels/sdists of several releases per project")
    ap.add_argument("--unified-context", type=int, default=3)
    args = ap.parse_args()
    print(json.dumps(run(args.directory, args.unified_context), indent=1))


if __name__ == "__main__":
    main()
