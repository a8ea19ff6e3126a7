"""Edits: parser cost per streamed chunk, and applying a 100-file edit.

Parser: a mixed reply (prose, SEARCH/REPLACE, apply_patch, unified diff, whole file) streamed in
~4-character chunks (about one token each). redline's `EditStreamParser.feed` per chunk, beside
the naive baseline that re-parses the whole accumulated reply on every chunk (timed on a sample
of chunk positions spread across the reply, since timing it on every one takes minutes).

Apply: a temp git repository with N files of ~200 lines; one reply edits every file (one
SEARCH/REPLACE block each). Times `apply_reply` end to end (parse, plan, git apply --check, the
journal, atomic file writes, the commit built as objects, HEAD by compare-and-swap, the index
through git's lock), beside the baseline of a bare `git apply` + `git commit` of the same diff.

Prints one JSON object. Usage: python benchmarks/edits.py [--files 100] [--chunk 4] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from redline.tools.edits import EditStreamParser, apply_reply, parse_edits  # noqa: E402


def sample_reply(blocks: int = 30) -> str:
    parts = ["I'll make these changes.\n\n"]
    for i in range(blocks):
        parts.append(
            f"src/module_{i}.py\n```python\n<<<<<<< SEARCH\ndef handler_{i}(request):\n"
            f"    return process(request, retries={i})\n=======\ndef handler_{i}(request):\n"
            f"    log.info('handling %s', request)\n    return process(request, retries={i + 1})\n"
            ">>>>>>> REPLACE\n```\n\nThis keeps the retry count in step.\n\n"
        )
    parts.append("*** Begin Patch\n*** Update File: src/app.py\n@@ def main():\n")
    parts.append("".join(f" line {k}\n" for k in range(3)) + "-    run()\n+    run(fast=True)\n")
    parts.append("*** Add File: src/new.py\n" + "".join(f"+x{k} = {k}\n" for k in range(20)))
    parts.append("*** End Patch\n\n```diff\n--- a/README.md\n+++ b/README.md\n@@ -1,3 +1,3 @@\n")
    parts.append(" # title\n-old\n+new\n text\n```\n\nnotes.txt\n```\n")
    parts.append("".join(f"note {k}\n" for k in range(30)) + "```\nDone.\n")
    return "".join(parts)


def bench_parser(chunk: int) -> dict[str, object]:
    reply = sample_reply()
    chunks = [reply[i : i + chunk] for i in range(0, len(reply), chunk)]
    runs = []
    for _ in range(5):
        parser = EditStreamParser()
        t0 = time.perf_counter()
        found = 0
        for c in chunks:
            found += len(parser.feed(c))
        found += len(parser.finish())
        runs.append((time.perf_counter() - t0) / len(chunks))
    worst = 0.0
    parser = EditStreamParser()
    for c in chunks:
        t = time.perf_counter()
        parser.feed(c)
        worst = max(worst, time.perf_counter() - t)
    assert found == len(parse_edits(reply))
    # Baseline: re-parse everything received so far, at ~60 positions spread over the reply.
    step = max(1, len(chunks) // 60)
    base = []
    for end in range(step, len(chunks) + 1, step):
        text = "".join(chunks[:end])
        t = time.perf_counter()
        parse_edits(text)
        base.append(time.perf_counter() - t)
    per_chunk = min(runs) * 1e6
    baseline = statistics.mean(base) * 1e6
    return {
        "reply_chars": len(reply),
        "chunks": len(chunks),
        "chunk_chars": chunk,
        "blocks": found,
        "redline_us_per_chunk": round(per_chunk, 2),
        "redline_worst_chunk_us": round(worst * 1e6, 1),
        "baseline_reparse_us_per_chunk": round(baseline, 1),
        "speedup": round(baseline / per_chunk, 1) if per_chunk else None,
        "target_us": 20,
    }


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


def _make_repo(root: Path, files: int) -> str:
    root.mkdir()
    _git(root, "init", "-q", "-b", "main")
    reply = []
    for i in range(files):
        lines = [f"# file {i}", "import os", ""]
        for f in range(40):
            lines += [f"def f{i}_{f}(x):", f"    y = x + {f}", f"    return y * {i}", "", ""]
        (root / f"pkg{i % 10}").mkdir(exist_ok=True)
        (root / f"pkg{i % 10}" / f"m{i}.py").write_text("\n".join(lines) + "\n")
        reply.append(
            f"pkg{i % 10}/m{i}.py\n```python\n<<<<<<< SEARCH\ndef f{i}_20(x):\n    y = x + 20\n"
            f"=======\ndef f{i}_20(x):\n    # tuned\n    y = x + 21\n>>>>>>> REPLACE\n```\n"
        )
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "base")
    return "".join(reply)


def bench_apply(files: int, runs: int) -> dict[str, object]:
    env_names = ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL")
    for name in env_names:
        os.environ.setdefault(name, "bench" if "NAME" in name else "bench@example.com")
    ours, base = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(runs):
            repo = Path(tmp) / f"r{r}"
            reply = _make_repo(repo, files)
            t = time.perf_counter()
            result = apply_reply(repo, reply, provider="bench", model="bench")
            ours.append(time.perf_counter() - t)
            assert result.ok and len(result.files) == files, result.error
            patch = result.diff
            _git(repo, "reset", "-q", "--hard", "HEAD~1")
            patch_file = Path(tmp) / f"p{r}.diff"
            patch_file.write_text(patch)
            t = time.perf_counter()
            _git(repo, "apply", str(patch_file))
            _git(repo, "add", "-A")
            _git(repo, "commit", "-q", "-m", "baseline")
            base.append(time.perf_counter() - t)
    return {
        "files": files,
        "redline_apply_ms": round(statistics.median(ours) * 1000, 1),
        "baseline_git_apply_commit_ms": round(statistics.median(base) * 1000, 1),
        "target_ms": 1000,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=100)
    ap.add_argument("--chunk", type=int, default=4)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    out = {
        "benchmark": "edits",
        "machine": f"{platform.machine()} {os.cpu_count()} cpu, Python {platform.python_version()}",
        "parser": bench_parser(args.chunk),
        "apply": bench_apply(args.files, args.runs),
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
