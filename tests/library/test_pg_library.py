"""The library in a real PostgreSQL with pgvector (`pgserver`, started and stopped here):
two replicas sharing one database, a document added through one answered by the other,
removal, a failed add that changes nothing, keys, pgvector ranking documents, and the
same answers as the files backend on the bundled deck's gold."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ingest.errors import DeckError
from library.ask import LibraryQA
from library.pg import PgLibrary
from library.store import Library
from qa import DeckQA
from qa.settings import REPO_ROOT, Settings

CORPUS = REPO_ROOT / "data" / "corpus"
COSTCO = CORPUS / "COSTCO_2023Q1_EARNINGS.pdf"
BESTBUY = CORPUS / "BESTBUY_2023Q4_EARNINGS.pdf"


def _id(pdf: Path) -> str:
    return hashlib.sha256(pdf.read_bytes()).hexdigest()[:16]


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A PostgreSQL server with pgvector, for this module only."""
    import pgserver

    server = pgserver.get_server(tmp_path_factory.mktemp("postgres"), cleanup_mode="stop")
    try:
        yield server.get_uri()
    finally:
        server.cleanup()


@pytest.fixture(scope="module")
def replicas(
    database: str, settings: Settings, corpus_deck: Callable[[str], DeckQA], tmp_path_factory: pytest.TempPathFactory
) -> tuple[LibraryQA, LibraryQA]:
    for pdf in (COSTCO, BESTBUY):
        corpus_deck(pdf.stem)  # in the index cache: the add copies it
    first = LibraryQA(PgLibrary(database, tmp_path_factory.mktemp("replica-1")), settings)
    second = LibraryQA(PgLibrary(database, tmp_path_factory.mktemp("replica-2")), settings)
    return first, second


def test_a_document_added_through_one_replica_is_answered_by_another(replicas) -> None:
    first, second = replicas
    first.add(COSTCO, "retail")
    first.add(BESTBUY, "retail")
    assert [d.id for d in second.library.documents({"retail"})] == [_id(COSTCO), _id(BESTBUY)]
    assert not (second.library.root / "replica" / _id(COSTCO)).exists()  # nothing local yet
    answer = second.ask("What was Costco's net income?", second.library.documents())
    assert answer.value is not None and answer.value.number == 1364
    assert [citation.document for citation in answer.citations] == [_id(COSTCO)]
    assert (second.library.root / "replica" / _id(COSTCO) / "manifest.json").exists()  # fetched once
    across = second.ask("Which company had the highest net sales?", second.library.documents())
    assert {citation.document for citation in across.citations} == {_id(COSTCO), _id(BESTBUY)}


def test_passages_and_facts_are_rows_with_vectors_and_rank_documents(replicas, database: str) -> None:
    import psycopg

    first, _ = replicas
    with psycopg.connect(database) as connection:
        passages = connection.execute("SELECT COUNT(*) FROM passages WHERE document_id = %s", (_id(COSTCO),))
        facts = connection.execute("SELECT COUNT(*) FROM facts WHERE document_id = %s", (_id(COSTCO),))
        assert passages.fetchone()[0] == first.deck(first.library.get(_id(COSTCO))).index.vectors.ntotal
        assert facts.fetchone()[0] == len(first.deck(first.library.get(_id(COSTCO))).index.facts)
    deck = first.deck(first.library.get(_id(BESTBUY)))  # type: ignore[arg-type]
    vector = deck.search.question_vector("Domestic segment comparable sales and revenue")
    scores = first.library.relevance(vector, [_id(COSTCO), _id(BESTBUY)])
    assert scores is not None and scores[_id(BESTBUY)] > scores[_id(COSTCO)]
    best, _ = deck.index.vectors.search(vector.reshape(1, -1), 1)
    assert scores[_id(BESTBUY)] == pytest.approx(float(best[0][0]), abs=1e-5)  # the same as FAISS


def test_keys_and_removal(replicas, database: str, tmp_path: Path) -> None:
    first, second = replicas
    key = first.library.add_key("pg-team", {"retail": "read"})
    assert second.library.grants(hashlib.sha256(key.encode()).hexdigest()) == {"retail": "read"}
    first.library.remove_key("pg-team")
    not_pdf = tmp_path / "notes.pdf"
    not_pdf.write_text("not a pdf")
    with pytest.raises(DeckError):
        first.add(not_pdf, "retail")
    assert len(second.library.documents()) == 2
    assert second.remove(_id(BESTBUY)) is True
    import psycopg

    with psycopg.connect(database) as connection:
        for table in ("documents", "index_files", "passages", "facts", "memberships"):
            column = "id" if table == "documents" else "document_id"
            count = connection.execute(f"SELECT COUNT(*) FROM {table} WHERE {column} = %s", (_id(BESTBUY),))
            assert count.fetchone()[0] == 0, table
    reopened = PgLibrary(database, first.library.root)  # the replica's stale copy is swept
    assert not (reopened.root / "replica" / _id(BESTBUY)).exists()


def test_both_backends_give_the_same_answers_on_the_bundled_deck(
    database: str, settings: Settings, deck: DeckQA, tmp_path: Path, gold: list[dict]
) -> None:
    files = LibraryQA(Library(tmp_path / "files"), settings)
    postgres = LibraryQA(PgLibrary(database, tmp_path / "postgres"), settings)
    # The bundled deck's index, built once for the session, is what both add.
    cached = settings.for_document(REPO_ROOT / "data" / "deck.pdf").index.dir
    if not cached.exists():
        import shutil

        shutil.copytree(deck.index.folder, cached)
    on_files, _ = files.add(REPO_ROOT / "data" / "deck.pdf", "decks")
    on_postgres, _ = postgres.add(REPO_ROOT / "data" / "deck.pdf", "decks")
    fresh = LibraryQA(PgLibrary(database, tmp_path / "fresh-replica"), settings)  # reads it from the database
    questions = [item["question"] for item in gold if not item.get("history")]
    assert len(questions) > 50
    for question in questions:
        expected = files.ask(question, [on_files]).model_dump(exclude={"debug"})
        assert postgres.ask(question, [on_postgres]).model_dump(exclude={"debug"}) == expected, question
        assert fresh.ask(question, [on_postgres]).model_dump(exclude={"debug"}) == expected, question
    assert json.loads((tmp_path / "fresh-replica" / "replica" / on_postgres.id / "manifest.json").read_text())


def test_a_protected_filing_opens_on_another_replica_without_being_read_again(
    database: str, settings: Settings, tmp_path: Path, index_embedder
) -> None:
    from ingest.index_store import build_index, cache_folder
    from tests.small_deck import protected_small_deck

    locked = protected_small_deck(tmp_path)
    cache = tmp_path / "cache"
    local = settings.with_index(cache_dir=cache)
    built = build_index(locked, cache_folder(cache, locked), index_embedder).manifest
    document, _ = LibraryQA(PgLibrary(database, tmp_path / "adding"), local).add(locked, "protected")
    other = LibraryQA(PgLibrary(database, tmp_path / "answering"), local)
    assert other.library.pdf_path(document.id).read_bytes() == locked.read_bytes()
    deck = other.deck(document)
    assert deck.index.manifest.built_at == built.built_at  # fetched, not read again
    assert not deck.ask("What does Acme build?").refused
