"""What keeps redline safe with hostile answers and untrusted repositories: terminal text
sanitising (``terminal``) and repository config trust (``trust``). Pure code, importable from
every layer."""
