"""The agent's tools and the per-step request build: what one step costs redline itself.

On a copy of this repository's tracked files (a real git repo in a tmp dir), measured side by
side in the same run, medians over many runs:

- ``read_file`` (numbered, capped) against a plain ``open().read()`` of the same file;
- ``list_files`` against ``git ls-files -co --exclude-standard`` run directly;
- ``search`` (Python regex over git's files) against ``git grep -n -E`` for the same pattern;
- ``apply_patch`` plan (parse, match, ``git apply --check``) for a one-line edit;
- the request body of step N of a 10-step conversation (tool calls and results rendered per
  wire, then JSON-encoded) against ``json.dumps`` of an already-built body.

Prints one JSON object. Usage: python benchmarks/tools.py [--runs 30]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from redline.backends.client import StreamClient  # noqa: E402
from redline.backends.events import ToolCall  # noqa: E402
from redline.backends.presets import PRESETS  # noqa: E402
from redline.backends.request import ChatRequest, Message, ToolSpec  # noqa: E402
from redline.tools.agent import TOOLS, TurnEdits, Workspace, run_tool  # noqa: E402


def median_ms(fn: object, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append((time.perf_counter() - t) * 1000)
    return round(statistics.median(times), 3)


def copy_repo(dest: Path) -> Path:
    files = (
        subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z"], capture_output=True, check=True)
        .stdout.decode()
        .split("\0")
    )
    for rel in filter(None, files):
        src = ROOT / rel
        if src.is_file() and not src.is_symlink():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dest / rel)
    subprocess.run(["git", "init", "-q", "-b", "main", str(dest)], check=True)
    subprocess.run(["git", "-C", str(dest), "add", "-A"], check=True)
    subprocess.run(
        ["git", "-C", str(dest), "-c", "user.name=b", "-c", "user.email=b@b", "commit", "-qm", "x"],
        check=True,
    )
    return dest


def conversation(steps: int) -> tuple[Message, ...]:
    text = (ROOT / "redline" / "backends" / "client.py").read_text()
    numbered = "".join(f"{n:>6}\t{line}\n" for n, line in enumerate(text.splitlines()[:400], 1))
    messages = [Message("system", "You are a coding agent. " * 200), Message("user", "Fix it")]
    for k in range(steps):
        call = ToolCall(
            f"call_{k}", "read_file", json.dumps({"path": "redline/backends/client.py"})
        )
        messages.append(Message("assistant", "", (call,)))
        messages.append(Message("tool", numbered, call_id=call.call_id))
    return tuple(messages)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as tmp:
        root = copy_repo(Path(tmp) / "repo")
        ws = Workspace.open(root)
        target = "redline/backends/client.py"
        nfiles = len(
            subprocess.run(
                ["git", "-C", str(root), "ls-files"], capture_output=True, text=True
            ).stdout.splitlines()
        )
        out: dict[str, object] = {"repo_files": nfiles, "runs": runs}
        out["read_file_ms"] = median_ms(
            lambda: run_tool(ws, "read_file", json.dumps({"path": target})), runs
        )
        out["read_file_baseline_open_read_ms"] = median_ms(
            lambda: (root / target).read_text(), runs
        )
        out["list_files_ms"] = median_ms(lambda: run_tool(ws, "list_files", "{}"), runs)
        git_ls = ["git", "-C", str(root), "ls-files", "-z", "-co", "--exclude-standard"]
        out["list_files_baseline_git_ls_files_ms"] = median_ms(
            lambda: subprocess.run(git_ls, capture_output=True), runs
        )
        pattern = r"def \w+_tokens"
        out["search_ms"] = median_ms(
            lambda: run_tool(ws, "search", json.dumps({"pattern": pattern})), runs
        )
        grep = ["git", "-C", str(root), "grep", "-n", "-E", r"def [[:alnum:]_]+_tokens"]
        out["search_baseline_git_grep_ms"] = median_ms(
            lambda: subprocess.run(grep, capture_output=True), runs
        )
        first = (root / target).read_text().splitlines()[0]
        patch = (
            f"*** Begin Patch\n*** Update File: {target}\n@@\n-{first}\n+{first}  \n*** End Patch\n"
        )
        out["apply_patch_plan_ms"] = median_ms(
            lambda: TurnEdits(root).plan(patch), max(5, runs // 3)
        )
        specs = tuple(ToolSpec(t.name, t.description, t.parameters) for t in TOOLS.values())
        for wire, preset in (("chat", PRESETS["cerebras"]), ("responses", PRESETS["openai"])):
            client = StreamClient(preset, api_key="sk-bench")
            request = ChatRequest("m", conversation(10), tools=specs)
            body = client.build_body(request)
            out[f"step10_body_{wire}_ms"] = median_ms(
                lambda c=client, r=request: json.dumps(c.build_body(r)), runs
            )
            out[f"step10_body_{wire}_baseline_dumps_ms"] = median_ms(
                lambda b=body: json.dumps(b), runs
            )
            out[f"step10_body_{wire}_bytes"] = len(json.dumps(body))
            prev = json.dumps(client.build_body(ChatRequest("m", conversation(9), tools=specs)))
            now = json.dumps(body)
            same = 0
            while same < len(prev) and prev[same] == now[same]:
                same += 1
            out[f"step10_body_{wire}_prefix_shared"] = round(same / len(prev), 4)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
