"""Shared, session-scoped fixtures: the real deck, the real model, the real index."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.embedding import shared_embedder
from qa.deckqa import DeckQA
from qa.settings import DEFAULT_DECK, Settings

REPO_ROOT = Path(__file__).resolve().parent.parent
GOLD_PATH = REPO_ROOT / "eval" / "gold.jsonl"
ARTIFACTS = REPO_ROOT / "test-artifacts"


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings.from_env()


@pytest.fixture(scope="session")
def embedder():
    return shared_embedder(None)


@pytest.fixture(scope="session")
def deck(settings: Settings) -> DeckQA:
    """The bundled deck with its index (built on first use)."""
    return DeckQA.load(settings)


@pytest.fixture(scope="session")
def deck_pdf() -> Path:
    return DEFAULT_DECK


@pytest.fixture(scope="session")
def gold() -> list[dict]:
    return [json.loads(line) for line in GOLD_PATH.read_text().splitlines() if line.strip()]


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
