"""The conversation and the turn: session state, the turn engine, speed history (plain asyncio)."""
