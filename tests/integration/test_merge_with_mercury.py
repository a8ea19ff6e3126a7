"""Merge with Mercury: the apply-edit endpoint over loopback (the simulator speaks it)."""

from __future__ import annotations

import dataclasses
import subprocess
from pathlib import Path

import pytest

from redline.agent.merge import elided_blocks, merge_available, merge_elided, rewrite_reply
from redline.backends.client import ProviderError, StreamClient
from redline.backends.presets import PRESETS
from redline.backends.sim import SimServer
from redline.tools.edits import plan_edits
from tests.helpers_client import LoopbackServer, json_reply
from tests.helpers_edits import make_repo

ORIGINAL = (
    "import os\n\ndef a():\n    return 1\n\ndef b():\n    return 2\n\ndef c():\n    return 3\n"
)
REPLY = (
    "Changed b:\n\napp.py\n```python\n# ... existing code ...\ndef b():\n    return 20\n"
    "# ... existing code ...\n```\nDone.\n"
)
MERGED = ORIGINAL.replace("return 2\n", "return 20\n")
FAKE_KEY = "fake-inception-key-for-tests"


def mercury(url: str) -> StreamClient:
    preset = dataclasses.replace(PRESETS["inception"], base_url=url)
    return StreamClient(preset, api_key=FAKE_KEY)


async def test_the_simulator_merges_an_elided_block_into_a_diff_the_applier_accepts(
    tmp_path: Path,
):
    repo = make_repo(tmp_path / "repo", {"app.py": ORIGINAL})
    assert [b.path for b in elided_blocks(REPLY, repo)] == ["app.py"]
    assert plan_edits(repo, REPLY).error  # refused as it stands
    with SimServer(profile="mercury") as sim:
        client = mercury(sim.base_url)
        try:
            merged = await merge_elided(REPLY, repo, client)
        finally:
            await client.aclose()
    assert [m.merged for m in merged] == [MERGED]
    rewritten = rewrite_reply(REPLY, merged)
    assert rewritten.startswith("Changed b:\n\n") and rewritten.endswith("Done.\n")
    preview = plan_edits(repo, rewritten)
    assert preview.error is None
    [card] = preview.files
    assert card.path == "app.py" and card.added == 1 and card.removed == 1
    assert (repo / "app.py").read_text() == ORIGINAL  # nothing written yet


async def test_the_wire_format_of_the_apply_endpoint():
    reply = json_reply(
        200,
        {
            "object": "chat.completion",
            "choices": [{"message": {"role": "assistant", "content": "```python\nx = 1\n```"}}],
        },
    )
    with LoopbackServer({"/v1/apply/completions": reply}) as srv:
        client = mercury(srv.url)
        try:
            merged = await client.apply_edit("x = 0\n", "x = 1\n")
        finally:
            await client.aclose()
        sent = srv.seen[0]
    assert merged == "x = 1\n"  # a fence around the file is taken off
    body = sent.json()
    assert body["model"] == "mercury-edit" and body["stream"] is False
    [message] = body["messages"]  # type: ignore[misc]
    assert message["role"] == "user"
    assert message["content"] == (
        "<|original_code|>\nx = 0\n\n<|/original_code|>\n\n<|update_snippet|>\nx = 1\n\n"
        "<|/update_snippet|>"
    )
    assert sent.headers["authorization"] == f"Bearer {FAKE_KEY}"


async def test_an_apply_endpoint_error_is_one_sentence():
    with LoopbackServer({"/v1/apply/completions": json_reply(200, {"choices": []})}) as srv:
        client = mercury(srv.url)
        try:
            with pytest.raises(ProviderError, match="without a merged file"):
                await client.apply_edit("a", "b")
        finally:
            await client.aclose()


def test_merge_is_offered_only_with_an_inception_key():
    assert merge_available({"INCEPTION_API_KEY": "k"})
    assert not merge_available({"INCEPTION_API_KEY": "  "})
    assert not merge_available({})


def test_redline_apply_merge_shows_the_diff_and_commits(run_redline, tmp_path: Path):
    repo = make_repo(tmp_path / "repo", {"app.py": ORIGINAL})
    with SimServer(profile="mercury") as sim:
        env = {"INCEPTION_API_KEY": FAKE_KEY, "REDLINE_INCEPTION_BASE_URL": sim.base_url}
        checked = run_redline("apply", "--merge", "--check", cwd=repo, input=REPLY, env=env)
        applied = run_redline("apply", "--merge", cwd=repo, input=REPLY, env=env)
    assert checked.returncode == 0, checked.stderr
    assert "merged with Mercury: app.py" in checked.stderr and "+    return 20" in checked.stderr
    assert applied.returncode == 0, applied.stderr
    assert (repo / "app.py").read_text() == MERGED
    log = subprocess.run(
        ["git", "-C", str(repo), "log", "--oneline"], capture_output=True, text=True
    )
    assert len(log.stdout.splitlines()) == 2
    assert FAKE_KEY not in checked.stderr + checked.stdout + applied.stderr + applied.stdout


def test_redline_apply_merge_without_a_key_says_what_to_set(run_redline, tmp_path: Path):
    repo = make_repo(tmp_path / "repo", {"app.py": ORIGINAL})
    result = run_redline("apply", "--merge", cwd=repo, input=REPLY, env={"INCEPTION_API_KEY": ""})
    assert result.returncode == 2
    assert "--merge needs INCEPTION_API_KEY" in result.stderr
    assert (repo / "app.py").read_text() == ORIGINAL
