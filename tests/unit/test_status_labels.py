"""Status bar labels: path-like model ids show their file name; long labels keep ctx in view."""

from __future__ import annotations

from types import SimpleNamespace

from redline.agent.backend import backend_label, short_model
from redline.tui.git_state import GitState
from redline.tui.widgets.status_bar import BACKEND_MAX, StatusBar, StatusInfo, ellipsize


def test_a_path_model_id_shows_its_file_name() -> None:
    assert short_model("/root/.cache/x/gemma-3-270m-q4_k_m.gguf") == "gemma-3-270m-q4_k_m.gguf"
    assert short_model("models/qwen.gguf") == "qwen.gguf"
    assert short_model("C:\\models\\qwen.gguf") == "qwen.gguf"


def test_a_hub_style_id_is_kept_whole() -> None:
    assert short_model("meta-llama/Llama-3.3-70B-Instruct") == "meta-llama/Llama-3.3-70B-Instruct"
    assert short_model("gpt-oss-120b") == "gpt-oss-120b"


def test_backend_label_uses_the_file_name() -> None:
    backend = SimpleNamespace(name="llama-cpp", model="/root/.cache/x/gemma-3-270m-q4_k_m.gguf")
    assert backend_label(backend) == "llama-cpp · gemma-3-270m-q4_k_m.gguf"


def test_ellipsize_keeps_both_ends() -> None:
    label = "local · " + "a" * 60 + "-Q4_K_M"
    cut = ellipsize(label, 20)
    assert len(cut) == 20 and "…" in cut
    assert cut.startswith("local · ") and cut.endswith("Q4_K_M")
    assert ellipsize("short", 20) == "short"


def test_ctx_figure_fits_in_120_columns_with_a_long_model_id() -> None:
    bar = StatusBar()
    bar.info = StatusInfo(
        backend="llama-cpp · " + "very-long-model-name-" * 8 + ".gguf",
        reason="--provider llama-cpp",
        git=GitState("feature/" + "a-very-long-branch-name-" * 4, dirty=True, changed=3),
        context_tokens=12_345,
    )
    plain = bar.render_text().plain
    assert plain.index("ctx ~12k tok") + len("ctx ~12k tok") <= 118  # 120 less padding
    assert len(plain.split("  │  ")[0]) == BACKEND_MAX
