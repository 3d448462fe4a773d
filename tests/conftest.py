"""Shared, session-scoped fixtures: the real deck, the real model, the real index."""

from __future__ import annotations

import ipaddress
import json
import socket
from collections.abc import Callable
from pathlib import Path

import pytest

from ingest.embedding import ingest_embedder, shared_embedder
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
    """The torch model (what the ONNX export is checked against, and the baseline's)."""
    return shared_embedder(None)


@pytest.fixture(scope="session")
def index_embedder(settings: Settings):
    """What a build embeds with: the ONNX export on every core."""
    return ingest_embedder(None, settings.index.model_cache)


@pytest.fixture(scope="session")
def deck(settings: Settings) -> DeckQA:
    """The bundled deck with its index (built on first use)."""
    return DeckQA.load(settings)


@pytest.fixture(scope="session")
def corpus_deck(settings: Settings) -> Callable[[str], DeckQA]:
    """A corpus PDF's deck by its file stem, indexed where the evaluation indexes it (the
    index is built once, by whichever test or evaluation needs it first)."""
    decks: dict[str, DeckQA] = {}

    def load(stem: str) -> DeckQA:
        if stem not in decks:
            pdf = REPO_ROOT / "data" / "corpus" / f"{stem}.pdf"
            decks[stem] = DeckQA.load(settings.for_document(pdf))
        return decks[stem]

    return load


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


def _is_local(host: object) -> bool:
    if not isinstance(host, str) or host.startswith("/") or host == "localhost":
        return True  # a Unix socket path, or this machine by name
    try:
        address = ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return False  # a name to resolve elsewhere: outbound
    return address.is_loopback or address.is_unspecified


@pytest.fixture(autouse=True)
def no_outbound_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test runs offline: a connection to anything but this machine fails at once,
    so nothing can silently depend on the network."""
    connect, connect_ex = socket.socket.connect, socket.socket.connect_ex

    def guard(address: object) -> None:
        host = address[0] if isinstance(address, tuple) else address
        if not _is_local(host):
            raise ConnectionRefusedError(f"outbound network is blocked in tests: {address!r}")

    def guarded_connect(self: socket.socket, address: object) -> None:
        guard(address)
        return connect(self, address)

    def guarded_connect_ex(self: socket.socket, address: object) -> int:
        guard(address)
        return connect_ex(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded_connect_ex)
