"""Which backend is chosen, and why; models from /v1/models."""

from __future__ import annotations

from pathlib import Path

import pytest

from redline.backends.request import ChatRequest
from redline.backends.selection import SelectionError, choose, open_backend, probe_local
from redline.config import load_config, user_config_path
from tests.helpers_client import LoopbackServer, json_reply

MODELS = json_reply(200, {"object": "list", "data": [{"id": "first"}, {"id": "second"}]})


async def test_flag_wins_over_everything(tmp_path: Path):
    (tmp_path / ".redline.toml").write_text('default_provider = "baseten"\n')
    config = load_config(tmp_path)
    env = {"CEREBRAS_API_KEY": "test-key-not-real"}
    assert await choose("openai", None, config, env, probe=False) == ("openai", "--provider openai")
    name, reason = await choose(None, None, config, env, probe=False)
    assert (
        name == "baseten"
        and reason.startswith("default_provider in ")
        and ".redline.toml" in reason
    )
    assert await choose(None, None, None, env, probe=False) == (
        "cerebras",
        "CEREBRAS_API_KEY is set",
    )


async def test_first_keyed_preset_in_order():
    env = {"OPENAI_API_KEY": "x", "INCEPTION_API_KEY": "y"}
    assert await choose(None, None, None, env, probe=False) == (
        "inception",
        "INCEPTION_API_KEY is set",
    )


async def test_nothing_set_falls_back_to_sim():
    name, reason = await choose(None, None, None, {}, probe=False)
    assert name == "sim" and "simulator" in reason


async def test_unknown_names_are_clear():
    with pytest.raises(SelectionError, match="Unknown provider 'nope'"):
        await choose("nope", None, None, {}, probe=False)
    with pytest.raises(SelectionError, match="Unknown simulator profile 'fast'"):
        await choose("sim:fast", None, None, {}, probe=False)


async def test_detects_a_local_server(tmp_path: Path):
    with LoopbackServer({"/v1/models": MODELS}) as srv:
        # The standard local ports may be in use on this machine: point those presets elsewhere.
        closed = "".join(
            f'[providers.{name}]\nbase_url = "http://127.0.0.1:9/v1"\n'
            for name in ("ollama", "lmstudio", "llamacpp", "vllm")
        )
        _user_config().write_text(closed + f'[providers.here]\nbase_url = "{srv.url}"\n')
        config = load_config(tmp_path)
        found = await probe_local(config.presets(), 5.0)  # generous: a busy test machine
        name, reason = await choose(None, None, config, {}, probe=True, probe_timeout_s=5.0)
        backend = await open_backend(
            None, None, None, config, env={}, probe=True, probe_timeout_s=5.0
        )
        await backend.aclose()
    assert ("here", srv.url, ["first", "second"]) in found
    assert name == "here" and reason == f"found a here server at {srv.url}"
    assert backend.name == "here" and backend.model == "first"  # no default: the server's first


async def test_open_backend_warms_and_reuses_one_connection(tmp_path: Path):
    from redline.backends.request import Message
    from tests.helpers_client import sse_reply, stream_fixture

    routes = {
        "/v1/models": MODELS,
        "/v1/chat/completions": sse_reply(stream_fixture("openrouter_comments.sse")),
    }
    with LoopbackServer(routes) as srv:
        backend = await open_backend("llamacpp", None, srv.url, None, env={})
        assert [s.path for s in srv.seen] == ["/v1/models"]
        request = ChatRequest(backend.model, (Message("user", "hi"),))
        events = [e async for e in backend.client.stream(request)]
        await backend.aclose()
        assert srv.connections == 1
    assert backend.reason == "--provider llamacpp" and events


async def test_key_read_from_env_and_model_from_config(tmp_path: Path):
    _user_config().write_text(
        'default_provider = "team"\ndefault_model = "big"\n'
        '[providers.team]\nbase_url = "http://127.0.0.1:9/v1"\napi_key_env = "TEAM_KEY"\n'
    )
    config = load_config(tmp_path)
    backend = await open_backend(
        None, None, None, config, env={"TEAM_KEY": "test-key-not-real"}, warm=False
    )
    await backend.aclose()
    assert backend.name == "team" and backend.model == "big"
    assert backend.client.build_body(ChatRequest("big", ()))["model"] == "big"


async def test_models_are_cached_briefly():
    from redline.backends.client import StreamClient
    from redline.backends.presets import ProviderPreset

    now = [0.0]
    with LoopbackServer({"/v1/models": MODELS}) as srv:
        client = StreamClient(ProviderPreset("t", srv.url, None), clock=lambda: now[0])
        assert await client.list_models() == ["first", "second"]
        assert await client.list_models() == ["first", "second"]
        now[0] = 120.0
        await client.list_models()
        await client.aclose()
        assert srv.attempts("/v1/models") == 2


async def test_key_with_stray_whitespace_is_trimmed():
    from redline.backends.request import Message
    from tests.helpers_client import sse_reply, stream_fixture

    routes = {"/v1/chat/completions": sse_reply(stream_fixture("openrouter_comments.sse"))}
    with LoopbackServer(routes) as srv:
        env = {"CEREBRAS_API_KEY": "test-key-not-real\n"}
        backend = await open_backend("cerebras", None, srv.url, None, env=env, warm=False)
        events = [
            e async for e in backend.client.stream(ChatRequest("m", (Message("user", "hi"),)))
        ]
        await backend.aclose()
        assert srv.seen[0].headers["authorization"] == "Bearer test-key-not-real"
    assert events


def _user_config() -> Path:
    """The user's own config file (trusted, unlike a repository's .redline.toml)."""
    path = user_config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    return path
