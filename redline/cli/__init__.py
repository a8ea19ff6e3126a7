"""The command line: ``redline`` and its headless subcommands, one module each (``run(args)``).

Drives ``redline.agent``; the ``tui`` subcommand only starts the Textual app.
"""

from redline.cli.main import main

__all__ = ["main"]
