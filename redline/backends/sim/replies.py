"""Deterministic simulated replies: a header saying so, one real edit, then padding.

A reply is a list of tokens (the pieces of ``redline.backends.tokens``), so the simulator can
pace them one by one and report an exact count. Padding is tokenised once and reused, so a
100,000-token reply costs a list copy, not a tokeniser run.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

from redline.backends.sim.edits import (
    choose_file,
    find_context_files,
    find_edit_format,
    make_edit,
)
from redline.backends.tokens import split_tokens

DEFAULT_MAX_TOKENS = 400  # the shortest default reply (and what the tests ask for)
ANSWER_SECONDS = 4.0  # a request that names no length streams about this long: the meter shows
LONGEST_DEFAULT = 20_000  # a very fast --rate gets a shorter watch, not a 100,000-token reply
TOKENS_ENV = "REDLINE_SIM_TOKENS"  # the default length in tokens, instead of ANSWER_SECONDS


def default_reply_tokens(rate: float, env: Mapping[str, str] | None = None) -> int:
    """The reply length when a request names none: ``REDLINE_SIM_TOKENS`` if set, else about
    ``ANSWER_SECONDS`` at ``rate`` (8,000 tokens at 2,000 tok/s), never under 400."""
    text = (env if env is not None else os.environ).get(TOKENS_ENV, "").strip()
    if text:
        if not text.isdigit() or int(text) < 1:
            raise ValueError(f"{TOKENS_ENV} must be a whole number of tokens, 1 or more")
        return int(text)
    return min(LONGEST_DEFAULT, max(DEFAULT_MAX_TOKENS, round(rate * ANSWER_SECONDS)))


_PADDING_BLOCKS = (
    "The simulator paces every token against the wall clock, so the meter above can be checked "
    "against a known truth. Each reply is deterministic: the same request gets the same answer, "
    "which keeps snapshot tests and benchmarks honest.\n\n",
    "Here is a small example of the kind of code a real model might add:\n\n"
    "```python\n"
    "def moving_average(values: list[float], window: int) -> list[float]:\n"
    '    """Average of each run of `window` values."""\n'
    "    if window <= 0:\n"
    '        raise ValueError("window must be positive")\n'
    "    out: list[float] = []\n"
    "    total = 0.0\n"
    "    for i, value in enumerate(values):\n"
    "        total += value\n"
    "        if i >= window:\n"
    "            total -= values[i - window]\n"
    "        if i >= window - 1:\n"
    "            out.append(total / window)\n"
    "    return out\n"
    "```\n\n",
    "Things worth checking after a change like this one:\n\n"
    "- the tests still pass, including the slow ones;\n"
    "- the diff touches only the files you expected;\n"
    "- the commit message says why, not only what.\n\n",
    "Chunks are not tokens. A fast server may pack several tokens into one event, and a slow "
    "one may send an event with nothing in it but a role. Counting events would tell you how "
    "chatty the wire is, not how quickly the model writes.\n\n",
    "A second sketch, this time in TypeScript, shows the same idea with a generator:\n\n"
    "```typescript\n"
    "export function* chunks<T>(items: T[], size: number): Generator<T[]> {\n"
    "  for (let i = 0; i < items.length; i += size) {\n"
    "    yield items.slice(i, i + size);\n"
    "  }\n"
    "}\n"
    "```\n\n",
    "When the answer is long, the interesting numbers are the time to the first token and the "
    "steady decode rate after it; the end-to-end rate mixes the two and favours long replies.\n\n",
)

_FILLER_CYCLE = (
    " simulated",
    " text",
    " follows",
    " to",
    " reach",
    " the",
    " requested",
    " length",
    ",",
    " one",
    " token",
    " at",
    " a",
    " time",
    ",",
    " and",
    " more",
)


@dataclass(slots=True, frozen=True)
class Reply:
    """What the simulator will stream: ``tokens[:reasoning]`` are reasoning, the rest answer."""

    tokens: list[str]
    reasoning: int
    finish_reason: str
    edit_path: str | None = None

    @property
    def answer_text(self) -> str:
        return "".join(self.tokens[self.reasoning :])

    @property
    def reasoning_text(self) -> str:
        return "".join(self.tokens[: self.reasoning])


@dataclass(slots=True, frozen=True)
class ReplyRequest:
    """The parts of a request body a reply depends on."""

    system: str
    conversation: str
    prompt: str
    max_tokens: int
    reasoning: bool
    seed: int = 0


def request_from_body(
    body: Mapping[str, object],
    *,
    reasoning: bool,
    seed: int,
    default_tokens: int = DEFAULT_MAX_TOKENS,
) -> ReplyRequest:
    """Read a Chat Completions or Responses request body (``default_tokens``: the reply's
    length when the body names none)."""
    system_parts: list[str] = []
    other_parts: list[str] = []
    prompt = ""
    instructions = body.get("instructions")
    if isinstance(instructions, str):
        system_parts.append(instructions)
    items = body.get("messages")
    if items is None:
        items = body.get("input")
    if isinstance(items, str):
        items = [{"role": "user", "content": items}]
    if isinstance(items, list):
        for item in items:
            if not isinstance(item, dict):
                continue
            text = _content_text(item.get("content"))
            role = item.get("role")
            (system_parts if role in ("system", "developer") else other_parts).append(text)
            if role == "user":
                prompt = text
    limit = _max_tokens(body) or default_tokens
    if reasoning:
        reasoning = not _reasoning_disabled(body)
    return ReplyRequest(
        system="\n".join(system_parts),
        conversation="\n".join(other_parts),
        prompt=prompt,
        max_tokens=limit,
        reasoning=reasoning,
        seed=seed,
    )


def _content_text(content: object) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = [p.get("text") for p in content if isinstance(p, dict)]
        return "\n".join(p for p in parts if isinstance(p, str))
    return ""


def _max_tokens(body: Mapping[str, object]) -> int | None:
    for key in ("max_completion_tokens", "max_tokens", "max_output_tokens"):
        value = body.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return value
    return None


def _reasoning_disabled(body: Mapping[str, object]) -> bool:
    if body.get("reasoning_effort") in ("none", "minimal"):
        return True
    args = body.get("chat_template_args") or body.get("chat_template_kwargs")
    if isinstance(args, dict):
        for key in ("enable_thinking", "thinking"):
            if args.get(key) is False:
                return True
    return False


def build_reply(request: ReplyRequest, *, profile: str, model: str) -> Reply:
    """The deterministic reply to ``request``: exactly ``max_tokens`` tokens unless cut short."""
    files = find_context_files(request.system + "\n" + request.conversation)
    target = choose_file(files, request.prompt, request.seed)
    edit = make_edit(target, find_edit_format(request.system + "\n" + request.conversation))
    budget = request.max_tokens

    reasoning_tokens: list[str] = []
    if request.reasoning:
        thought = (
            f"The user wants a change in {edit.path}. I am a simulator, so I add one marker "
            "comment that applies cleanly, then pad the answer to the requested length."
            if not edit.creates
            else "There is no file in the context, so I propose a small new file, then pad "
            "the answer to the requested length."
        )
        reasoning_tokens = split_tokens(thought)[: budget // 3]

    verb = "propose a new file" if edit.creates else "add a marker comment to"
    head = (
        f"*Simulated reply from redline's built-in simulator (profile {profile}, model {model});"
        " no model was called.*\n\n"
        f"I {verb} `{edit.path}` as a {edit.edit_format} edit, so you can watch an edit "
        "land:\n\n" + edit.text + "\n\n"
    )
    answer = split_tokens(head)
    room = budget - len(reasoning_tokens)
    tokens = reasoning_tokens + answer[:room]
    if len(answer) > room:
        return Reply(tokens, len(reasoning_tokens), "length", edit.path)
    tokens.extend(_padding(room - len(answer), request.seed))
    return Reply(tokens, len(reasoning_tokens), "stop", edit.path)


def padded_reply(text: str, budget: int, seed: int = 0) -> Reply:
    """``text`` (the scripted agent's last answer) padded with prose to ``budget`` tokens, so
    it streams as long as a plain reply does; a longer text is sent whole."""
    tokens = split_tokens(text)
    if len(tokens) < budget:
        tokens.extend(_padding(budget - len(tokens), seed))
    return Reply(tokens, 0, "stop")


@cache
def _padding_tokens() -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(split_tokens(block)) for block in _PADDING_BLOCKS)


def _padding(count: int, seed: int) -> Iterable[str]:
    """Exactly ``count`` tokens of Markdown prose and code, ending at a sentence."""
    out: list[str] = []
    blocks = _padding_tokens()
    n = seed
    while True:
        heading = split_tokens(f"### Simulated note {n + 1}\n\n")
        block = blocks[n % len(blocks)]
        if len(out) + len(heading) + len(block) > count:
            break
        out.extend(heading)
        out.extend(block)
        n += 1
    rest = count - len(out)
    if rest > 0:
        if rest == 1:
            out.append("Done")
        else:
            out.append("More")
            out.extend(_FILLER_CYCLE[i % len(_FILLER_CYCLE)] for i in range(rest - 2))
            out.append(".")
    return out
