"""With the real bubblewrap, a model's command cannot read what the read tools refuse (protected files,
secret names, links to them) nor the person's secrets outside the repository, and gets no key."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from redline.agent import Session
from redline.backends.sim import SimServer
from redline.tools.agent.protect import ReadGuard
from redline.tools.shell import RememberedPrefixes, ShellArgs, ShellSettings, ShellTool, hide
from redline.tools.shell.hide import hidden_paths
from tests.helpers_edits import commit_all, git, make_repo
from tests.integration.test_agent_loop import opener

SECRET = "fake-secret-7f3a9c"  # never a real value: test output may show it on a failure
FAKE_KEY = "sk-fake-hidden-test-424242"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A home folder with secrets and one ordinary file. It lives under /tmp, which the sandbox
    replaces with its own tmpfs, so the tests bind it back (a writable path) to be able to see it."""
    home = tmp_path / "home"
    for rel in (".ssh/id_rsa", ".aws/config", ".config/gh/hosts.yml", ".netrc", "run/bus"):
        (home / rel).parent.mkdir(parents=True, exist_ok=True)
        (home / rel).write_text(f"{SECRET} {rel}\n")
    (home / ".gitconfig").write_text("[user]\n\tname = ordinary\n")
    return home


@pytest.fixture
def repo(tmp_path: Path, home: Path) -> Path:
    repo = make_repo(
        tmp_path / "repo",
        {
            ".gitignore": ".env\n",
            ".env": f"API_KEY={SECRET}\n",
            "app/.env.local": f"OTHER={SECRET}\n",
            "config/credentials.json": f'{{"token": "{SECRET}"}}\n',
            "deploy/prod.cfg": f"token={SECRET}\n",
            ".redline.toml": f"# {SECRET}\n",
            "a.txt": "ordinary\n",
        },
    )
    os.symlink(".env", repo / "notes.txt")
    os.symlink(home / ".ssh" / "id_rsa", repo / "key.txt")
    os.symlink(home / ".netrc", repo / "hosts")
    commit_all(repo, "start")
    return repo


def _tool(repo: Path, tmp_path: Path, home: Path) -> ShellTool:
    env = dict(os.environ) | {
        "HOME": str(home),
        "XDG_RUNTIME_DIR": str(home / "run"),
        "OPENAI_API_KEY": FAKE_KEY,
        "ANTHROPIC_API_KEY": FAKE_KEY + "a",
        "GITHUB_TOKEN": FAKE_KEY + "g",
    }
    return ShellTool(
        repo,
        ShellSettings(writable=(home,)),
        remembered=RememberedPrefixes(repo, tmp_path / "state" / "approvals.json"),
        environ=env,
    )


def _guard(*prompts: str) -> ReadGuard:
    return ReadGuard.for_prompts(["deploy/"], prompts)


CAT_ALL = (
    "cat a.txt .env app/.env.local config/credentials.json deploy/prod.cfg .redline.toml "
    "notes.txt key.txt hosts; ls deploy; cat ~/.gitconfig ~/.ssh/id_rsa ~/.aws/config "
    "~/.config/gh/hosts.yml ~/.netrc $XDG_RUNTIME_DIR/bus; true"
)


async def test_a_command_reads_no_protected_file_no_link_to_one_and_no_home_secret(
    repo: Path, tmp_path: Path, home: Path
) -> None:
    tool = _tool(repo, tmp_path, home)
    # Unsandboxed (the person's own command) everything is readable: the check below means something.
    plain = await tool.run_own(CAT_ALL)
    assert plain.output.count(SECRET) == 13
    result = await tool.run(ShellArgs(CAT_ALL), why=_guard().why)
    assert result.sandbox == "bwrap"
    assert SECRET not in result.output, "a protected file was readable in the sandbox"
    assert "ordinary" in result.output and "name = ordinary" in result.output


async def test_protected_files_cannot_be_overwritten_or_removed(
    repo: Path, tmp_path: Path, home: Path
) -> None:
    tool = _tool(repo, tmp_path, home)
    command = "echo x > .env; rm -f app/.env.local; echo y > ~/.ssh/id_rsa; echo z > a.txt"
    await tool.run(ShellArgs(command), why=_guard().why)
    assert (repo / ".env").read_text() == f"API_KEY={SECRET}\n"
    assert (repo / "app" / ".env.local").exists()
    assert (home / ".ssh" / "id_rsa").read_text() == f"{SECRET} .ssh/id_rsa\n"
    assert (repo / "a.txt").read_text() == "z\n"  # the rest of the repository stays writable


async def test_a_file_the_person_named_with_at_is_readable(
    repo: Path, tmp_path: Path, home: Path
) -> None:
    tool = _tool(repo, tmp_path, home)
    result = await tool.run(ShellArgs("cat .env; cat config/credentials.json"), why=_guard(
        "why does @.env not load?"
    ).why)  # fmt: skip
    assert result.output.count(SECRET) == 1 and "API_KEY=" in result.output


async def test_no_key_in_the_sandboxed_environment(repo: Path, tmp_path: Path, home: Path) -> None:
    result = await _tool(repo, tmp_path, home).run(ShellArgs("env"))
    assert result.exit_code == 0 and "PATH=" in result.output
    assert "_API_KEY" not in result.output and "GITHUB_TOKEN" not in result.output
    assert FAKE_KEY not in result.output


async def test_too_many_protected_files_refuse_the_command_in_a_sentence(
    repo: Path, tmp_path: Path, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hide, "MAX_HIDDEN", 3)
    result = await _tool(repo, tmp_path, home).run(ShellArgs("touch ran"), why=_guard().why)
    assert result.exit_code is None and not (repo / "ran").exists()
    assert result.error and "protected files" in result.error and "!cmd" in result.error


async def test_a_folder_too_big_to_check_refuses_the_command_in_a_sentence(
    repo: Path, tmp_path: Path, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hide, "MAX_WALKED", 5)  # as a home folder with millions of files
    result = await _tool(repo, tmp_path, home).run(ShellArgs("touch ran"), why=_guard().why)
    assert result.exit_code is None and not (repo / "ran").exists()
    assert result.error and "project's own folder" in result.error


def test_hidden_paths_are_real_paths_and_skip_git(repo: Path, home: Path) -> None:
    (repo / ".git" / "id_rsa").write_text("not walked\n")
    (repo / "node_modules" / "pkg").mkdir(parents=True)
    (repo / "node_modules" / "pkg" / ".env").write_text("a package's, not walked\n")
    found = hidden_paths(repo, _guard().why, {"HOME": str(home), "XDG_RUNTIME_DIR": "/nowhere"})
    files = {str(p) for p in found.files}
    dirs = {str(p) for p in found.dirs}
    real = os.path.realpath(repo)
    assert {f"{real}/.env", f"{real}/app/.env.local", f"{real}/config/credentials.json"} <= files
    assert f"{real}/.redline.toml" in files and f"{real}/deploy" in dirs
    assert os.path.realpath(home / ".netrc") in files  # the link's target, and a home secret
    assert {os.path.realpath(home / d) for d in (".ssh", ".aws", ".config/gh")} <= dirs
    assert not any(".git/" in f for f in files)
    assert not any("node_modules" in f for f in files)
    assert not any(f.startswith(os.path.realpath(home / ".ssh") + "/") for f in files)


async def test_through_a_full_auto_turn_cat_env_returns_no_secret(
    repo: Path, tmp_path: Path
) -> None:
    async with SimServer(rate=20000, ttft_ms=0) as sim:
        session = Session(repo_root=repo, open_backend=opener(sim.base_url), approval="full-auto")
        await session.open_backend(None, None, None)
        turn = await session.run_turn("tidy a.txt, then run `cat .env note?.txt a.txt`")
        await session.aclose()
    assert turn is not None
    shell = [s for s in turn.steps if s.tool == "shell"]
    assert shell and "sandboxed (bwrap" in shell[0].output and "ordinary" in shell[0].output
    assert all(SECRET not in s.output for s in turn.steps)
    assert session.turn_loop is not None
    for request in session.turn_loop.last_requests:
        assert all(SECRET not in m.content for m in request.messages)


async def test_a_token_in_the_git_config_is_not_shown_and_git_still_works(
    repo: Path, tmp_path: Path, home: Path
) -> None:
    token = "fake-gh-token-5e6f"  # never a real value
    git(repo, "remote", "add", "origin", f"https://x-access-token:{token}@github.com/o/r.git")
    git(repo, "remote", "add", "mirror", f"https://{token}@example.com/r.git")
    git(repo, "remote", "add", "ssh", "ssh://git@github.com/o/r.git")
    git(repo, "config", "http.https://github.com/.extraheader", f"AUTHORIZATION: basic {token}")
    tool = _tool(repo, tmp_path, home)
    command = "git remote -v; cat .git/config; git config --list; git status --short; true"
    plain = await tool.run_own(command)
    assert token in plain.output  # outside the sandbox it is there: the check below means something
    result = await tool.run(ShellArgs(command), why=_guard().why)
    assert result.sandbox == "bwrap" and token not in result.output
    assert "https://github.com/o/r.git" in result.output and "ssh://git@github.com" in result.output
    assert "fatal" not in result.output
    assert token in (repo / ".git" / "config").read_text()  # the person's file is untouched


def test_a_git_config_without_credentials_is_left_alone(repo: Path) -> None:
    from redline.tools.shell.hide import git_config_without_credentials

    git(repo, "remote", "add", "origin", "git@github.com:o/r.git")
    assert git_config_without_credentials(repo) is None
    git(repo, "config", "github.token", "fake-token-1")
    clean = git_config_without_credentials(repo)
    assert clean is not None and "fake-token-1" not in clean and "git@github.com:o/r.git" in clean


async def test_a_token_in_the_persons_own_git_config_is_not_shown(
    repo: Path, tmp_path: Path, home: Path
) -> None:
    token = "fake-global-token-8a1b"  # never a real value
    (home / ".gitconfig").write_text(
        "[user]\n\tname = ordinary\n"
        f'[url "https://x-access-token:{token}@github.com/"]\n\tinsteadOf = https://github.com/\n'
        f"[http]\n\textraHeader = AUTHORIZATION: bearer {token}\n"
        f'[credential]\n\thelper = "!f() {{ echo password={token}; }}; f"\n'
    )
    (home / ".config" / "git").mkdir(parents=True, exist_ok=True)
    (home / ".config" / "git" / "config").write_text(f"[github]\n\ttoken = {token}\n")
    tool = _tool(repo, tmp_path, home)
    tool.environ = dict(tool.environ) | {"XDG_CONFIG_HOME": str(home / ".config")}
    command = (
        "cat ~/.gitconfig ~/.config/git/config; git config --global --list; git status --short"
    )
    plain = await tool.run_own(command)
    assert token in plain.output  # outside the sandbox it is there: the check below means something
    result = await tool.run(ShellArgs(command), why=_guard().why)
    assert result.sandbox == "bwrap" and token not in result.output
    assert "name = ordinary" in result.output and "https://github.com/" in result.output
    assert "fatal" not in result.output
    assert token in (home / ".gitconfig").read_text()  # the person's file is untouched


async def test_a_linked_worktrees_shared_config_is_cleaned_too(
    repo: Path, tmp_path: Path, home: Path
) -> None:
    token = "fake-shared-token-3c4d"  # never a real value
    git(repo, "remote", "add", "origin", f"https://x-access-token:{token}@github.com/o/r.git")
    linked = tmp_path / "linked"
    git(repo, "worktree", "add", "-q", "-b", "side", str(linked))
    assert [p.name for p in hide.repository_git_configs(linked)] == ["config"]
    tool = ShellTool(
        linked,
        ShellSettings(writable=(home, repo)),  # the main repository lives under /tmp here, too
        remembered=RememberedPrefixes(linked, tmp_path / "state" / "approvals.json"),
        environ=dict(os.environ) | {"HOME": str(home), "XDG_RUNTIME_DIR": str(home / "run")},
    )
    command = "git remote -v; git config --list; git status --short; true"
    plain = await tool.run_own(command)
    assert token in plain.output
    result = await tool.run(ShellArgs(command), why=_guard().why)
    assert result.sandbox == "bwrap" and token not in result.output
    assert "https://github.com/o/r.git" in result.output and "fatal" not in result.output
