"""What goes on the wire besides the conversation: per-model knobs, headers, compression.

``apply_knobs`` adds a model's configured options to a request body; ``encode`` serialises it
once, gzipping bodies over ``GZIP_MIN_BYTES`` for providers that accept compressed requests
(``benchmarks/client.py`` reports what compression costs per size).
"""

from __future__ import annotations

import gzip
import json

from redline.backends.options import ModelKnobs, thinking_switch
from redline.backends.presets import ProviderPreset, Wire

# Below ~16 KiB a body fits the first TCP flights anyway: compressing saves no round trip.
# Above it, level-1 gzip costs well under a millisecond per 100 KiB here (benchmarks/client.py)
# while a typical uplink needs tens of milliseconds to send the bytes it saves.
GZIP_MIN_BYTES = 16 * 1024
GZIP_LEVEL = 1


def apply_knobs(
    body: dict[str, object], preset: ProviderPreset, knobs: ModelKnobs | None, wire: Wire
) -> None:
    """Add ``knobs`` (a ``[models.NAME]`` table) to ``body`` in the provider's own fields."""
    if knobs is None:
        return
    if knobs.reasoning_effort:
        if wire == "responses":
            body["reasoning"] = {"effort": knobs.reasoning_effort}
        else:
            body["reasoning_effort"] = knobs.reasoning_effort
    if wire != "chat":
        return
    if knobs.realtime is not None:
        body["realtime"] = knobs.realtime
    if knobs.reasoning_summary:
        body["reasoning_summary"] = True
    if knobs.reasoning is not None and preset.thinking_switch:
        switch = thinking_switch(str(body.get("model", "")), knobs.reasoning)
        args = body.get("chat_template_args")
        if isinstance(args, dict):
            args.update(switch["chat_template_args"])  # type: ignore[call-overload]
        else:
            body.update(switch)


def token_limit(preset: ProviderPreset, asked: int | None, knobs: ModelKnobs | None) -> int | None:
    """The answer budget to send: asked for, else the model's, capped by the preset."""
    limit = asked or (knobs.max_tokens if knobs is not None else None)
    cap = preset.max_tokens_cap
    if cap:
        limit = min(limit or cap, cap)
    ceiling = preset.max_tokens_ceiling
    if ceiling and limit:
        limit = min(limit, ceiling)
    return limit


def encode(body: dict[str, object], *, gzip_ok: bool) -> tuple[bytes, dict[str, str]]:
    """The body's bytes and content headers; gzipped when large and the provider takes it."""
    data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    headers = {"content-type": "application/json"}
    if gzip_ok and len(data) >= GZIP_MIN_BYTES:
        data = gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)
        headers["content-encoding"] = "gzip"
    return data, headers
