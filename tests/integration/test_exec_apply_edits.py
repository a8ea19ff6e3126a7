"""`redline exec --apply` with an answer that has no edit: nothing to do, not a failure."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.helpers_client import LoopbackServer, chat_chunk, sse_reply


def test_exec_apply_with_a_prose_answer_exits_0(run_redline, git_repo: Path):
    head = subprocess.run(
        ["git", "-C", str(git_repo), "rev-parse", "HEAD"], capture_output=True, text=True
    ).stdout
    body = (
        chat_chunk("The code looks fine; nothing to change.")
        + b'data: {"choices":[{"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n'
    )
    with LoopbackServer({"/v1/chat/completions": sse_reply(body)}) as srv:
        result = run_redline(
            "exec", "review it", "--provider", "llamacpp", "--base-url", srv.url,
            "--json", "--apply", "--no-context", cwd=git_repo,
        )  # fmt: skip
    assert result.returncode == 0, result.stderr
    obj = json.loads(result.stdout)
    assert obj["edits"] == [] and obj["commit"] is None and obj["error"] is None
    after = subprocess.run(
        ["git", "-C", str(git_repo), "rev-parse", "HEAD"], capture_output=True, text=True
    ).stdout
    assert after == head
