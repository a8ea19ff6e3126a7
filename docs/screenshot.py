"""Make docs/screenshot.svg: the real app, mid-stream on the simulator, as an SVG.

Usage: python docs/screenshot.py [--out docs/screenshot.svg] [--after 1.2]

The simulator streams at 2,000 tok/s (Cerebras' pace); edits are approved automatically
(``auto-edit``), so the picture shows a finished agent turn (its tool cards, its diff card, its
meter) and the second turn streaming with the live meter.
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from redline.backends.sim import SimServer  # noqa: E402
from redline.config import load_config  # noqa: E402
from redline.tui.app import AppOptions, RedlineApp  # noqa: E402

FILES = {
    "stats.py": (
        "def mean(values: list[float]) -> float:\n"
        '    """Arithmetic mean."""\n'
        "    return sum(values) / len(values)\n"
    ),
}


def make_repo() -> Path:
    repo = Path(tempfile.mkdtemp(prefix="redline-shot-")) / "demo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    for name, text in FILES.items():
        (repo / name).write_text(text)
    subprocess.run(["git", "-C", str(repo), "add", "."], check=True)
    who = ["-c", "user.name=demo", "-c", "user.email=demo@example.com"]
    subprocess.run(["git", "-C", str(repo), *who, "commit", "-q", "-m", "initial"], check=True)
    return repo


async def shoot(out: Path, after: float) -> None:
    server = SimServer(profile="cerebras", rate=2000, ttft_ms=150)
    url = await server.start()
    repo = make_repo()
    try:
        options = AppOptions(provider="sim", base_url=url, repo_root=repo, approval="auto-edit")
        app = RedlineApp(options, config=load_config(repo), cursor_blink=False)
        async with app.run_test(size=(110, 38)) as pilot:
            session = app.session
            while session.backend is None:
                await pilot.pause(0.05)
            app.handle_prompt("Explain what mean() in @stats.py does")
            while session.turn_running or not session.conversation.turns:
                await pilot.pause(0.05)
            if session.turn_loop is not None:
                session.turn_loop.max_tokens = 2000  # long enough to be caught mid-way
            app.handle_prompt("Add a moving average helper to stats.py")
            await pilot.pause(after)
            app.save_screenshot(filename=out.name, path=str(out.parent))
    finally:
        await server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshot.svg")
    parser.add_argument("--after", type=float, default=0.6, help="seconds into the 2nd turn")
    args = parser.parse_args()
    asyncio.run(shoot(args.out, args.after))
    print(args.out)


if __name__ == "__main__":
    main()
