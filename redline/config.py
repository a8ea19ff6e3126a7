"""User configuration: ``$XDG_CONFIG_HOME/redline/config.toml`` then ``.redline.toml`` in the repo.

The repo file wins over the user file; command-line flags win over both (callers apply them).
Unknown keys and bad values are ``ConfigError``s naming the file and line. API keys are never
read from or written to these files: they live in the environment.
"""

from __future__ import annotations

import json
import math
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from redline.backends.options import REASONING_EFFORTS, ModelKnobs
from redline.backends.presets import PRESETS, ProviderPreset, preset_from_table, url_problem
from redline.backends.prices import PriceOverride
from redline.safety.trust import TrustState, TrustStore
from redline.tools.edits.safety import DEFAULT_PROTECTED

EDIT_FORMATS = ("search-replace", "apply-patch", "udiff", "whole")


class ConfigError(Exception):
    """A config problem as one sentence naming the file and line."""


Check = Callable[[object], str | None]  # None when fine, else what is wrong


def _type(kind: type, label: str) -> Check:
    def check(value: object) -> str | None:
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            return None
        if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
            return None
        return f"must be {label}"

    return check


def _choice(*options: str) -> Check:
    def check(value: object) -> str | None:
        return None if value in options else "must be one of " + ", ".join(options)

    return check


def _str_list(value: object) -> str | None:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return None
    return "must be a list of strings"


def _positive(check: Check) -> Check:
    def inner(value: object) -> str | None:
        problem = check(value)
        if problem is None and isinstance(value, float) and not math.isfinite(value):
            return "must be a finite number (not nan or inf)"
        if problem is None and isinstance(value, (int, float)) and value <= 0:
            return "must be greater than 0"
        return problem

    return inner


def _not_negative(check: Check) -> Check:
    def inner(value: object) -> str | None:
        problem = check(value)
        if problem is None and isinstance(value, (int, float)) and value < 0:
            return "must be 0 or more"
        return problem

    return inner


STR, BOOL = _type(str, "a string"), _type(bool, "true or false")
INT, NUM = _positive(_type(int, "a whole number")), _positive(_type(float, "a number"))
PRICE = _not_negative(_type(float, "a number of US dollars per 1M tokens"))

# Top-level keys. Other parts of redline add theirs here (one line each).
TOP_LEVEL: dict[str, Check] = {
    "default_provider": STR,
    "default_model": STR,
    "theme": STR,
    "edit_format": _choice(*EDIT_FORMATS),
    "auto_apply": BOOL,
    "context_budget": INT,
    "max_tokens": INT,
    "connect_timeout_s": NUM,
    "first_token_timeout_s": NUM,
    "stall_timeout_s": NUM,
    "protected_paths": _str_list,  # adds to DEFAULT_PROTECTED; every file's list counts
    # shell: the project's test command, and what the sandbox lets a model's command reach
    # (dangerous from an untrusted .redline.toml: see the safety issue's list)
    "test_command": STR,
    "sandbox_network": BOOL,
    "sandbox_writable": _str_list,
}


def _url(value: object) -> str | None:
    return STR(value) or url_problem(str(value))


PROVIDER_KEYS: dict[str, Check] = {
    "base_url": _url,
    "api_key_env": STR,
    "models": _str_list,
    "wire": _choice("chat", "responses"),
    "default_model": STR,
    "diffusing": BOOL,
    "max_tokens_cap": INT,
    "tokens_field": _choice("max_tokens", "max_completion_tokens"),
    "stream_usage": BOOL,
}
MODEL_KEYS: dict[str, Check] = {
    "diffusing": BOOL,
    "tools": BOOL,
    "edit_format": _choice(*EDIT_FORMATS),
    "max_tokens": INT,
    "context_tokens": INT,
    "reasoning_effort": _choice(*REASONING_EFFORTS),
    "reasoning_summary": BOOL,
    "realtime": BOOL,
    "reasoning": BOOL,
    "price_in": PRICE,
    "price_out": PRICE,
    "price_cached": PRICE,
}
TABLES = {"providers": PROVIDER_KEYS, "models": MODEL_KEYS}

# What a repository's .redline.toml may not set until the person runs `redline trust`: keys that
# decide where requests and API keys go, or what happens without asking. Add such keys here
# (the agent's approval and sandbox keys belong here too). A table name covers the whole table.
NEEDS_TRUST: frozenset[str] = frozenset(
    {"providers", "auto_apply", "test_command", "sandbox_network", "sandbox_writable"}
)
# default_provider needs trust only when it names something other than a built-in preset.
# Any key, at the top or in a table (a per-model key, base URL or header), whose name says it
# picks where a request goes or which key it carries needs trust too, even if nobody listed it.
REDIRECTS = frozenset(
    {"url", "urls", "key", "keys", "env", "host", "endpoint", "origin", "header", "headers"}
    | {"provider", "auth", "api", "secret", "proxy", "credentials"}
)


def _redirects(key: str) -> bool:
    return not REDIRECTS.isdisjoint(re.split(r"[_\-.]", key.lower()))


def needs_trust(key: str, value: object = None, table: str | None = None) -> bool:
    """Whether an untrusted repository config may not set ``key`` (in ``[table.NAME]``)."""
    if table is not None:
        return table in NEEDS_TRUST or _redirects(key)
    if key == "default_provider":
        return not _names_preset(value)
    return key in NEEDS_TRUST or _redirects(key)


@dataclass(slots=True, frozen=True)
class ModelOptions:
    diffusing: bool | None = None
    tools: bool | None = None  # False: never offer tools to this model (edit-block turns)
    edit_format: str | None = None
    max_tokens: int | None = None
    context_tokens: int | None = None  # the model's context window, when redline guesses wrong
    reasoning_effort: str | None = None  # instant (Mercury 2), minimal, low, medium, high
    reasoning_summary: bool | None = None  # Mercury 2: stream a summary of its reasoning
    realtime: bool | None = None  # Mercury 2: lower time to first token
    reasoning: bool | None = None  # thinking on/off where a provider switches it per request
    price_in: float | None = None  # US dollars per 1M tokens
    price_out: float | None = None
    price_cached: float | None = None

    def knobs(self) -> ModelKnobs:
        """What the client sends for this model."""
        return ModelKnobs(
            diffusing=self.diffusing,
            max_tokens=self.max_tokens,
            reasoning_effort=self.reasoning_effort,
            reasoning_summary=self.reasoning_summary,
            realtime=self.realtime,
            reasoning=self.reasoning,
        )


@dataclass(slots=True, frozen=True)
class Config:
    default_provider: str | None = None
    default_model: str | None = None
    theme: str | None = None
    edit_format: str | None = None
    auto_apply: bool = False
    context_budget: int | None = None
    max_tokens: int | None = None
    connect_timeout_s: float | None = None
    first_token_timeout_s: float | None = None
    stall_timeout_s: float | None = None
    protected_paths: tuple[str, ...] = ()  # on top of DEFAULT_PROTECTED, never instead
    test_command: str | None = None
    sandbox_network: bool = False
    sandbox_writable: tuple[str, ...] = ()
    providers: Mapping[str, ProviderPreset] = field(default_factory=dict)  # custom/overridden
    models: Mapping[str, ModelOptions] = field(default_factory=dict)
    files: tuple[Path, ...] = ()  # the files that were read
    ignored: tuple[str, ...] = ()  # keys of an untrusted repo config that were not applied
    untrusted_file: Path | None = None  # that repo config, when it is not trusted
    untrusted_state: TrustState | None = None

    def trust_notice(self) -> str | None:
        """One sentence naming what an untrusted repo config asked for and how to allow it."""
        if not self.ignored or self.untrusted_file is None:
            return None
        why = (
            "changed since you trusted it"
            if self.untrusted_state is TrustState.CHANGED
            else "is not trusted yet"
        )
        return (
            f"Ignored {', '.join(self.ignored)} from {self.untrusted_file}: this repository's "
            f"config {why}; run `redline trust` in the repository to apply them."
        )

    def presets(self) -> dict[str, ProviderPreset]:
        """Built-in presets with the config's providers merged in."""
        merged = dict(PRESETS)
        merged.update(self.providers)
        return merged

    def protected(self) -> tuple[str, ...]:
        """The patterns no edit may touch: the defaults plus every config file's list."""
        return tuple(dict.fromkeys((*DEFAULT_PROTECTED, *self.protected_paths)))

    def key_env_names(self) -> tuple[str, ...]:
        """Every preset's key variable and every configured ``api_key_env``: never in a command."""
        return tuple(sorted({p.key_env for p in self.presets().values() if p.key_env}))

    def price_overrides(self) -> dict[str, PriceOverride]:
        """Each model's price keys from ``[models."ID"]`` (only models that set one)."""
        return {
            m: PriceOverride(o.price_in, o.price_out, o.price_cached)
            for m, o in self.models.items()
            if (o.price_in, o.price_out, o.price_cached) != (None, None, None)
        }

    def model_diffusing(self) -> dict[str, bool]:
        return {m: o.diffusing for m, o in self.models.items() if o.diffusing is not None}

    def model_tools(self) -> dict[str, bool]:
        return {m: o.tools for m, o in self.models.items() if o.tools is not None}

    def model_knobs(self) -> dict[str, ModelKnobs]:
        return {m: o.knobs() for m, o in self.models.items()}

    def context_windows(self) -> dict[str, int]:
        """``[models."ID"] context_tokens``: the windows the person set."""
        return {m: o.context_tokens for m, o in self.models.items() if o.context_tokens}


def user_config_path() -> Path:
    return Path(platformdirs.user_config_dir("redline", appauthor=False)) / "config.toml"


def repo_config_path(repo_root: Path) -> Path:
    return repo_root / ".redline.toml"


def load_config(
    repo_root: Path | None = None,
    *,
    user_path: Path | None = None,
    trust: TrustStore | None = None,
) -> Config:
    """Read the user config, then the repo's ``.redline.toml`` on top (only its harmless keys
    unless the person trusted this exact file). Raises ``ConfigError``."""
    paths = [user_path or user_config_path()]
    if repo_root is not None:
        paths.append(repo_config_path(repo_root))
    top: dict[str, object] = {}
    providers: dict[str, dict[str, object]] = {}
    models: dict[str, dict[str, object]] = {}
    read: list[Path] = []
    ignored: list[str] = []
    untrusted: tuple[Path, TrustState] | None = None
    for index, path in enumerate(paths):
        if not path.is_file():
            continue
        data, raw = read_config_file(path)
        read.append(path)
        if index > 0:
            state = (trust or TrustStore.default()).state(path, raw)
            if state is not TrustState.TRUSTED:
                data, ignored = untrusted_part(data)
                untrusted = (path, state) if ignored else None
        for key, value in data.items():
            if key in TABLES:
                target = providers if key == "providers" else models
                for name, table in value.items():  # type: ignore[attr-defined]
                    target.setdefault(name, {}).update(table)
            elif key == "protected_paths":  # a list can only grow: a repo cannot unprotect
                top[key] = (*top.get(key, ()), *value)  # type: ignore[misc]
            else:
                top[key] = value
    presets: dict[str, ProviderPreset] = {}
    for name, table in providers.items():
        if name not in PRESETS and "base_url" not in table:
            where = _where_table(read, ("providers", name))
            raise ConfigError(
                f"{where}: custom provider [providers.{name}] needs base_url "
                '(e.g. base_url = "http://127.0.0.1:8080/v1").'
            )
        presets[name] = preset_from_table(name, table)
    if "sandbox_writable" in top:
        top["sandbox_writable"] = tuple(top["sandbox_writable"])  # type: ignore[arg-type]
    return Config(
        **top,  # type: ignore[arg-type]
        providers=presets,
        models={m: ModelOptions(**t) for m, t in models.items()},  # type: ignore[arg-type]
        files=tuple(read),
        ignored=tuple(ignored),
        untrusted_file=untrusted[0] if untrusted else None,
        untrusted_state=untrusted[1] if untrusted else None,
    )


def untrusted_part(data: dict[str, object]) -> tuple[dict[str, object], list[str]]:
    """(the keys an untrusted repo config may set, the names of those it may not)."""
    kept: dict[str, object] = {}
    ignored: list[str] = []
    for key, value in data.items():
        if needs_trust(key, value):
            if isinstance(value, dict):
                ignored.extend(f"[{key}.{name}]" for name in value)
            else:
                ignored.append(key)
        elif isinstance(value, dict) and key in TABLES:  # [models.ID]: only its harmless keys
            tables: dict[str, dict[str, object]] = {}
            for name, table in value.items():
                tables[name] = {}
                for sub, sub_value in table.items():
                    if needs_trust(sub, sub_value, table=key):
                        ignored.append(f"[{key}.{name}] {sub}")
                    else:
                        tables[name][sub] = sub_value
            kept[key] = tables
        else:
            kept[key] = value
    return kept, ignored


def _names_preset(value: object) -> bool:
    return isinstance(value, str) and value.split(":", 1)[0] in PRESETS


def read_config_file(path: Path) -> tuple[dict[str, object], bytes]:
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8", errors="replace")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read it ({exc.strerror or exc}).") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        line = f" line {match.group(1)}" if match else ""
        reason = re.sub(r"\s*\(at line.*\)", "", str(exc)) or "invalid TOML"
        raise ConfigError(f"{path}{line}: {reason}; fix the TOML syntax there.") from None
    _validate(path, text, data)
    return data, raw


def _validate(path: Path, text: str, data: dict[str, object]) -> None:
    for key, value in data.items():
        if key in TABLES:
            if not isinstance(value, dict):
                _fail(path, text, (), key, f"{key} must be a table like [{key}.NAME]")
            schema = TABLES[key]
            for name, table in value.items():  # type: ignore[attr-defined]
                if not isinstance(table, dict):
                    _fail(path, text, (key,), name, f"[{key}.{name}] must be a table")
                for sub, sub_value in table.items():
                    _check(path, text, (key, name), sub, sub_value, schema)
        else:
            _check(path, text, (), key, value, TOP_LEVEL)


def _check(
    path: Path,
    text: str,
    table: tuple[str, ...],
    key: str,
    value: object,
    schema: Mapping[str, Check],
) -> None:
    if key not in schema:
        if "key" in key.lower() and "env" not in key.lower():
            hint = "API keys are read only from the environment; name the variable with api_key_env"
        else:
            hint = "known keys: " + ", ".join(sorted(schema))
        _fail(path, text, table, key, f"unknown key {key!r} ({hint})")
    problem = schema[key](value)
    if problem:
        _fail(path, text, table, key, f"{key} {problem}")


def _fail(path: Path, text: str, table: tuple[str, ...], key: str, what: str) -> None:
    line = find_line(text, table, key)
    where = f"{path} line {line}" if line else str(path)
    raise ConfigError(f"{where}: {what}.")


def _where_table(paths: list[Path], table: tuple[str, ...]) -> str:
    for path in reversed(paths):
        line = find_line(path.read_text(encoding="utf-8", errors="replace"), table[:-1], table[-1])
        if line:
            return f"{path} line {line}"
    return str(paths[-1]) if paths else "config"


_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_PART = re.compile(r'"([^"]*)"|\'([^\']*)\'|([^.\s]+)')


def _parts(dotted: str) -> tuple[str, ...]:
    return tuple(a or b or c for a, b, c in _PART.findall(dotted))


def find_line(text: str, table: tuple[str, ...], key: str) -> int | None:
    """1-based line where ``key`` is set inside ``[table]`` (or where that table is headed)."""
    current: tuple[str, ...] = ()
    for number, line in enumerate(text.splitlines(), 1):
        header = _HEADER.match(line)
        if header:
            current = _parts(header.group(1))
            if current == (*table, key):
                return number
            continue
        if "=" not in line or line.lstrip().startswith("#"):
            continue
        lhs = _parts(line.split("=", 1)[0].strip())
        full = current + lhs
        if full[: len(table) + 1] == (*table, key):
            return number
    return None


# writing -------------------------------------------------------------------------------
def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    raise ConfigError(f"cannot save {type(value).__name__} values in the config")


def save_user_setting(key: str, value: object, *, path: Path | None = None) -> Path:
    """Set a top-level scalar key in the user config, keeping everything else as it was."""
    if key not in TOP_LEVEL:
        raise ConfigError(f"unknown setting {key!r}; known: {', '.join(sorted(TOP_LEVEL))}.")
    problem = TOP_LEVEL[key](value)
    if problem:
        raise ConfigError(f"{key} {problem}.")
    path = path or user_config_path()
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    lines = text.splitlines()
    new_line = f"{key} = {_toml_value(value)}"
    first_table = next((i for i, ln in enumerate(lines) if _HEADER.match(ln)), len(lines))
    pattern = re.compile(rf"^\s*(?:{re.escape(key)}|\"{re.escape(key)}\")\s*=")
    for i in range(first_table):
        if pattern.match(lines[i]):
            lines[i] = new_line
            break
    else:
        insert_at = first_table
        while insert_at > 0 and not lines[insert_at - 1].strip():
            insert_at -= 1  # keep the blank line before the first table
        lines.insert(insert_at, new_line)
    out = "\n".join(lines) + "\n"
    tomllib.loads(out)  # never write a file we could not read back
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".toml.tmp")
    tmp.write_text(out, encoding="utf-8")
    os.replace(tmp, path)
    return path
