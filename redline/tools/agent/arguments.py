"""A tool call's argument JSON checked against the tool's schema: a dict, or one sentence.

Models send broken JSON, JSON inside a JSON string, extra keys, numbers as text; each gets a
sentence telling the model what to send instead, never an exception.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

_TYPES: dict[str, str] = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
}


class ArgumentError(ValueError):
    """The arguments cannot be used; the message is meant for the model."""


def parse_arguments(tool: str, text: str, schema: Mapping[str, object]) -> dict[str, object]:
    """The arguments as a dict with absent (or null) optional keys left out."""
    props = schema.get("properties")
    props = props if isinstance(props, Mapping) else {}
    keys = ", ".join(props) or "no arguments"
    if not text.strip():
        value: object = {}
    else:
        try:
            value = json.loads(text)
        except ValueError as exc:
            raise ArgumentError(
                f"the arguments of {tool} are not valid JSON ({exc}); send one JSON object "
                f"with {keys}"
            ) from None
        if isinstance(value, str):  # JSON sent as a JSON string
            try:
                value = json.loads(value)
            except ValueError:
                pass
    if not isinstance(value, dict):
        raise ArgumentError(f"the arguments of {tool} must be a JSON object with {keys}")
    required = schema.get("required")
    needed = list(required) if isinstance(required, list) else []
    out: dict[str, object] = {}
    for key, item in value.items():
        if key not in props:
            raise ArgumentError(f"{tool} has no argument {key!r}; it takes {keys}")
        if item is None:
            continue
        sub = props[key]
        out[key] = _check(tool, key, item, sub if isinstance(sub, Mapping) else {})
    for key in needed:
        if key not in out:
            raise ArgumentError(f"{tool} needs the argument {key!r} ({keys})")
    return out


def _check(tool: str, key: str, item: object, schema: Mapping[str, object]) -> object:
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    if kind == "string" and isinstance(item, str):
        return item
    if kind == "integer":
        if isinstance(item, int) and not isinstance(item, bool):
            return item
        if isinstance(item, float) and item.is_integer():
            return int(item)
        if isinstance(item, str) and item.strip().lstrip("-").isdigit():
            return int(item)
    if kind == "number":
        if isinstance(item, int | float) and not isinstance(item, bool):
            return float(item)
        if isinstance(item, str):
            try:
                return float(item)
            except ValueError:
                pass
    if kind == "boolean" and isinstance(item, bool):
        return item
    if kind not in _TYPES:
        return item
    raise ArgumentError(f"{tool}: {key!r} must be {_TYPES[str(kind)]}, not {json.dumps(item)[:40]}")
