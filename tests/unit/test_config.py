from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from redline.config import ConfigError, load_config, save_user_setting, user_config_path
from redline.safety.trust import TrustStore


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_no_files_gives_defaults(tmp_path: Path):
    config = load_config(tmp_path)
    assert config.default_provider is None and config.files == ()
    assert "cerebras" in config.presets()


def test_user_then_repo_file_repo_wins(tmp_path: Path):
    write(user_config_path(), 'default_provider = "cerebras"\ntheme = "dark"\n')
    write(tmp_path / ".redline.toml", 'default_provider = "sim"\n')
    config = load_config(tmp_path)
    assert config.default_provider == "sim" and config.theme == "dark"
    assert len(config.files) == 2


def test_custom_provider_and_override(tmp_path: Path):
    write(
        tmp_path / ".redline.toml",
        """
[providers.together]
base_url = "https://api.together.xyz/v1"
api_key_env = "TOGETHER_API_KEY"
models = ["m1", "m2"]

[providers.llamacpp]
base_url = "http://127.0.0.1:9999/v1"

[models."mercury-coder"]
diffusing = false
""",
    )
    TrustStore.default().trust(tmp_path / ".redline.toml")
    config = load_config(tmp_path)
    presets = config.presets()
    together = presets["together"]
    assert together.key_env == "TOGETHER_API_KEY" and together.default_model == "m1"
    assert together.models == ("m1", "m2") and together.wire == "chat"
    assert presets["llamacpp"].base_url == "http://127.0.0.1:9999/v1"
    assert presets["llamacpp"].local
    assert config.model_diffusing() == {"mercury-coder": False}


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ('theme = "x"\ncolour = "red"\n', 2, "unknown key 'colour'"),
        ('theme = "x"\nauto_apply = "yes"\n', 2, "auto_apply must be true or false"),
        ('edit_format = "diff"\n', 1, "must be one of search-replace"),
        ('[providers.x]\nbase_url = "http://h/v1"\napi_key = "sk-secret"\n', 3, "environment"),
        ('[providers.x]\nbase_url = "http://h/v1"\nwire = "grpc"\n', 3, "wire must be one of"),
        ("[providers.x]\nmodels = []\n", 1, "needs base_url"),
        ('theme = "x"\n\n[models.m]\ndiffusing = 1\n', 4, "diffusing must be true or false"),
        ('theme = "x"\nbroken = \n', 2, "fix the TOML syntax"),
        ("max_tokens = -5\n", 1, "greater than 0"),
        ("stall_timeout_s = nan\n", 1, "finite number"),
        ("connect_timeout_s = inf\n", 1, "finite number"),
        ("first_token_timeout_s = -inf\n", 1, "finite number"),
        ("stall_timeout_s = -1.5\n", 1, "greater than 0"),
    ],
)
def test_errors_name_file_and_line(tmp_path: Path, text: str, line: int, words: str):
    path = write(tmp_path / ".redline.toml", text)
    TrustStore.default().trust(path)  # a trusted repo file gets every check a user file gets
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    message = str(info.value)
    assert f"{path} line {line}" in message
    assert words in message
    assert "sk-secret" not in message


def test_save_user_setting_keeps_other_content(tmp_path: Path):
    path = write(
        user_config_path(),
        '# my settings\ntheme = "old"\n\n[providers.x]\nbase_url = "http://h/v1"\n',
    )
    save_user_setting("theme", 'new "one"')
    save_user_setting("auto_apply", True)
    text = path.read_text()
    assert text.startswith("# my settings\n")
    data = tomllib.loads(text)
    assert data["theme"] == 'new "one"' and data["auto_apply"] is True
    assert data["providers"]["x"]["base_url"] == "http://h/v1"
    assert load_config(tmp_path).theme == 'new "one"'


def test_save_user_setting_creates_file_and_rejects_unknown(tmp_path: Path):
    path = save_user_setting("theme", "dracula")
    assert tomllib.loads(path.read_text()) == {"theme": "dracula"}
    with pytest.raises(ConfigError):
        save_user_setting("api_key", "x")
    with pytest.raises(ConfigError):
        save_user_setting("auto_apply", "yes")


def test_per_model_provider_knobs(tmp_path: Path):
    write(
        tmp_path / ".redline.toml",
        """
[models."mercury-2"]
reasoning_effort = "instant"
reasoning_summary = true
realtime = true
max_tokens = 32000

[models."moonshotai/Kimi-K2.5"]
reasoning = true
""",
    )
    knobs = load_config(tmp_path).model_knobs()
    mercury = knobs["mercury-2"]
    assert mercury.reasoning_effort == "instant" and mercury.reasoning_summary is True
    assert mercury.realtime is True and mercury.max_tokens == 32000
    assert knobs["moonshotai/Kimi-K2.5"].reasoning is True


def test_bad_reasoning_effort_names_the_choices(tmp_path: Path):
    write(tmp_path / ".redline.toml", '[models.m]\nreasoning_effort = "max"\n')
    with pytest.raises(ConfigError, match=r"line 2: reasoning_effort must be one of instant"):
        load_config(tmp_path)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/v1",
        "https://api.cerebras.ai/v1",
        "http://localhost",
        "https://h.example/v1?key=a&b=c#frag",
        "http://h:99999/v1",
        "http://[::1]:8080/v1",
        "http://[zz]/v1",
        "http://[::1:8080/v1",
        "HTTP://h/v1",
        "http://bücher.example/v1",
        "http://user@h/v1",
        "ftp://h/v1",
        "http:///v1",
        "http://h/\x00",
        "http://h/\x1b[31m",
    ],
)
def test_a_base_url_is_judged_as_httpx_parses_it(url: str):
    # Plain URLs are accepted without importing httpx (before the first frame); each verdict
    # must be the one httpx's own parser gives, or the request would fail later.
    import httpx

    from redline.backends.presets import url_problem

    try:
        parsed = httpx.URL(url)
        usable = parsed.scheme in ("http", "https") and bool(parsed.host)
    except (httpx.InvalidURL, TypeError, ValueError):
        usable = False
    problem = url_problem(url)
    assert (problem is None) == usable
    assert problem is None or "\x1b" not in problem  # a sentence for the terminal
