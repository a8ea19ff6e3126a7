"""redline: a terminal coding assistant built for fast inference."""

__version__ = "0.1.0"
