"""`redline providers`: the presets, whether each key env var is set (never the key), local servers."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path
from typing import Any

from redline.safety.terminal import json_dumps

EXIT_OK, EXIT_USAGE = 0, 2


def run(args: argparse.Namespace) -> int:
    from redline.cli.exec import repo_root_of
    from redline.config import ConfigError, load_config

    try:
        config = load_config(repo_root_of(Path.cwd()))
    except ConfigError as exc:
        print(f"redline providers: {exc}", file=sys.stderr)
        return EXIT_USAGE
    report = asyncio.run(gather(config, os.environ))
    if args.json:
        print(json_dumps(report))
    else:
        print(render(report))
    return EXIT_OK


async def gather(config: Any, env: os._Environ[str] | dict[str, str]) -> dict[str, object]:
    from redline.backends.selection import (
        SelectionError,
        all_presets,
        choose,
        probe_local,
        probe_timeout,
        probing_enabled,
    )

    presets = all_presets(config)
    probe = probing_enabled(env)
    found = await probe_local(presets, probe_timeout(env)) if probe else []
    found_by_name = {name: (url, models) for name, url, models in found}
    rows = []
    for preset in presets.values():
        local = found_by_name.get(preset.name)
        rows.append(
            {
                "name": preset.name,
                "base_url": preset.base_url or None,
                "key_env": preset.key_env,
                "key_set": bool(preset.key_env and env.get(preset.key_env)),
                "wire": preset.wire,
                "default_model": preset.default_model or None,
                "local": preset.local,
                "found": (local is not None) if probe and preset.local else None,
                "models": local[1] if local else list(preset.models),
                "note": preset.note,
            }
        )
    try:
        name, reason = await choose(None, None, config, env, probe=False)
        if name == "sim" and found:
            name, reason = found[0][0], f"found a {found[0][0]} server at {found[0][1]}"
        default: dict[str, object] = {"name": name, "reason": reason}
    except SelectionError as exc:
        default = {"name": None, "reason": str(exc)}
    return {
        "providers": rows,
        "local_servers": [{"name": n, "base_url": u, "models": m} for n, u, m in found],
        "probed": probe,
        "default": default,
    }


def render(report: dict[str, Any]) -> str:
    lines = []
    for row in report["providers"]:
        if row["key_env"]:
            status = f"{row['key_env']} {'set' if row['key_set'] else 'not set'}"
        elif row["local"]:
            status = {True: "running", False: "not running", None: "not probed"}[row["found"]]
        else:
            status = "no key needed"
        url = row["base_url"] or "(started on demand)"
        model = row["default_model"] or "(server's first)"
        lines.append(f"{row['name']:<10} {status:<26} {model:<24} {url}")
    default = report["default"]
    lines.append("")
    lines.append(f"default: {default['name']} ({default['reason']})")
    if not report["probed"]:
        lines.append("local servers were not probed (REDLINE_NO_PROBE is set)")
    return "\n".join(lines)
