"""Mercury's apply-edit endpoint: merge an elided edit ("... existing code ...") into a file.

``POST /v1/apply/completions`` (Inception's Mercury Edit model) takes one user message holding
the original file and the update snippet in ``<|original_code|>`` / ``<|update_snippet|>``
tags and answers a non-streamed chat completion whose content is the merged file. The merged
text is only a proposal: callers show it as a diff and send it through the normal applier.
"""

from __future__ import annotations

import json

import httpx

from redline.backends._catalog import ProviderError
from redline.backends._errors import Scrubber, http_error, short, transport_error
from redline.backends.events import StreamError

APPLY_MODEL = "mercury-edit"
MAX_REPLY_BYTES = 4 * 1024 * 1024  # a merged file larger than this is not a file we asked for


def merge_prompt(original: str, update: str) -> str:
    return (
        f"<|original_code|>\n{original}\n<|/original_code|>\n\n"
        f"<|update_snippet|>\n{update}\n<|/update_snippet|>"
    )


def merge_body(original: str, update: str, model: str = APPLY_MODEL) -> dict[str, object]:
    return {
        "model": model,
        "messages": [{"role": "user", "content": merge_prompt(original, update)}],
        "stream": False,
    }


def _unfence(text: str) -> str:
    """The merged code without a Markdown fence around it, if the model added one."""
    lines = text.strip("\n").split("\n")
    if len(lines) >= 2 and lines[0].startswith("```") and lines[-1].strip() == "```":
        return "\n".join(lines[1:-1]) + "\n"
    return text


def merged_text(payload: object) -> str | None:
    """The merged file from the endpoint's reply (a chat completion), or None."""
    if not isinstance(payload, dict):
        return None
    choices = payload.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        return None
    message = choices[0].get("message")
    content = message.get("content") if isinstance(message, dict) else None
    if not isinstance(content, str) or not content.strip():
        return None
    return _unfence(content)


async def apply_edit(
    http: httpx.AsyncClient,
    base_url: str,
    original: str,
    update: str,
    *,
    provider: str,
    key_env: str | None,
    scrub: Scrubber,
    model: str = APPLY_MODEL,
    timeout_s: float = 60.0,
) -> str:
    """The merged file; ``ProviderError`` with one actionable sentence otherwise."""
    url = base_url.rstrip("/") + "/apply/completions"
    try:
        response = await http.post(
            url,
            json=merge_body(original, update, model),
            headers={"accept": "application/json"},
            timeout=timeout_s,
        )
    except httpx.HTTPError as exc:
        error = transport_error(exc, provider=provider, url=base_url)
        raise ProviderError(StreamError(error.kind, scrub(error.message))) from None
    raw = response.content[:MAX_REPLY_BYTES]
    if response.status_code >= 300:
        error = http_error(
            response.status_code,
            response.headers,
            scrub(raw.decode("utf-8", "replace")).encode(),
            provider=provider,
            model=model,
            url=url,
            key_env=key_env,
        )
        raise ProviderError(StreamError(error.kind, scrub(error.message), error.retry_after_s))
    try:
        text = merged_text(json.loads(raw))
    except ValueError:
        text = None
    if text is None:
        raise ProviderError(
            StreamError(
                "protocol",
                f"{provider}'s apply endpoint answered without a merged file "
                f"({short(scrub(raw.decode('utf-8', 'replace')), 100)}); nothing was changed.",
            )
        )
    return text
