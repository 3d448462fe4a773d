"""Cheap checks of a deck file before any PDF library is loaded."""

from __future__ import annotations

from pathlib import Path

from ingest.errors import DeckError


def open_checked(path: Path) -> bytes:
    """The deck's bytes, or a `DeckError` that says in one line what is wrong."""
    if not path.exists():
        raise DeckError(f"deck not found: {path}")
    if not path.is_file():
        raise DeckError(f"not a file: {path}")
    data = path.read_bytes()
    if not data.lstrip()[:5] == b"%PDF-":
        raise DeckError(f"not a PDF (no %PDF header): {path}")
    if b"%%EOF" not in data[-2048:]:
        raise DeckError(f"truncated PDF (no end-of-file marker): {path}")
    return data
