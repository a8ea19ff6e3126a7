"""The simulator's answer to a request for a summary (what `/compact` sends): deterministic,
short, naming the person's earlier prompts, so compaction runs offline end to end."""

from __future__ import annotations

from redline.backends.sim.replies import Reply, ReplyRequest
from redline.backends.tokens import split_tokens

# The opening of redline's summarising system prompt (redline.agent.compaction.SUMMARY_SYSTEM).
SUMMARY_MARK = "You are summarising a coding conversation"
PROMPT_LINE = "[person] "
MAX_PROMPTS = 12


def summary_reply(request: ReplyRequest) -> Reply | None:
    """A summary when ``request`` asks for one, else None."""
    if not request.system.lstrip().startswith(SUMMARY_MARK):
        return None
    prompts = [
        line[len(PROMPT_LINE) :].strip()[:120]
        for line in request.prompt.splitlines()
        if line.startswith(PROMPT_LINE)
    ]
    listed = "\n".join(f"- {p}" for p in prompts[-MAX_PROMPTS:]) or "- (no earlier prompts)"
    text = (
        "*Simulated summary from redline's built-in simulator; no model was called.*\n\n"
        f"So far the person asked for {len(prompts)} change(s):\n{listed}\n\n"
        "Each was answered with one small edit; nothing is left open."
    )
    tokens = split_tokens(text)[: request.max_tokens]
    return Reply(tokens, 0, "stop")
