"""The library in PostgreSQL with pgvector (`DECKQA_DATABASE_URL`): one database shared by
any number of stateless server replicas.

The catalog (documents, collections, keys, grants) is the same as the files backend's.
Each document's index is kept whole in the database, as the files the ingest wrote
(`index_files`), so a replica reading it answers exactly as the machine that built it;
its passages and facts are also rows with their vectors (`passages`, `facts`, pgvector),
so questions across many documents rank them in the database. A replica keeps a local
copy of each index it has opened (`<DECKQA_LIBRARY_DIR>/replica/<id>`), fetched on first
use: disposable, rebuilt from the database when missing.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from ingest.index_store import FACT_VECTORS, MANIFEST, RECORDS, VECTORS, Manifest
from library.store import SCHEMA as CATALOG_SCHEMA
from library.store import Library, LibraryError

# The catalog's tables (the files backend's, in SQL both speak), and the index's rows.
SCHEMA = (
    "CREATE EXTENSION IF NOT EXISTS vector;"
    + CATALOG_SCHEMA
    + """
CREATE TABLE IF NOT EXISTS index_files (
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    name TEXT NOT NULL, data BYTEA NOT NULL, PRIMARY KEY (document_id, name));
CREATE TABLE IF NOT EXISTS passages (
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE, position INTEGER NOT NULL,
    chunk_id TEXT NOT NULL, slide INTEGER NOT NULL, title TEXT NOT NULL, text TEXT NOT NULL,
    embedding vector NOT NULL, PRIMARY KEY (document_id, position));
CREATE TABLE IF NOT EXISTS facts (
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE, position INTEGER NOT NULL,
    fact_id TEXT NOT NULL, slide INTEGER NOT NULL, label TEXT NOT NULL, raw TEXT NOT NULL,
    unit TEXT NOT NULL, period TEXT NOT NULL, embedding vector NOT NULL, PRIMARY KEY (document_id, position));
"""
)


# The document as given, kept beside its index files in the database (in a replica: beside
# its index folder, which a rebuild replaces whole).
SOURCE = "source.pdf"


class _Row(tuple):  # type: ignore[type-arg]
    """A row read by index or by column name, as sqlite3.Row is."""

    names: tuple[str, ...] = ()

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            key = self.names.index(key)
        return tuple.__getitem__(self, key)


def _rows(cursor: Any) -> Callable[[Sequence[Any]], _Row]:
    names = tuple(column.name for column in cursor.description or ())

    def make(values: Sequence[Any]) -> _Row:
        row = _Row(values)
        row.names = names
        return row

    return make


class _Connection:
    """A psycopg connection speaking the catalog's SQL (written for SQLite: `?` marks,
    `BEGIN IMMEDIATE`)."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection

    def execute(self, sql: str, parameters: Sequence[Any] = ()) -> Any:
        sql = sql.replace("BEGIN IMMEDIATE", "BEGIN").replace("?", "%s")
        return self.connection.execute(sql, parameters)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        with self.connection.cursor() as cursor:
            cursor.executemany(sql.replace("?", "%s"), rows)


def _vector(values: np.ndarray) -> str:
    return "[" + ",".join(f"{value:.7g}" for value in values.tolist()) + "]"


class PgLibrary(Library):
    """The library in the PostgreSQL database at `url`; `local` holds this replica's copies."""

    def __init__(self, url: str, local: Path) -> None:
        import psycopg

        self._psycopg = psycopg
        self.url = url
        self.root = local
        for folder in (local / "replica", local / "staging"):
            folder.mkdir(parents=True, exist_ok=True)
        with self._db() as db:
            db.execute("SELECT pg_advisory_lock(hashtext('deckqa-schema'))")
            for statement in filter(str.strip, SCHEMA.split(";")):
                db.execute(statement)
            db.execute("SELECT pg_advisory_unlock(hashtext('deckqa-schema'))")
        self._sweep()

    # ------------------------------------------------------------ paths

    def index_folder(self, document_id: str) -> Path:
        """This replica's copy of the document's index, fetched from the database first
        when it has none."""
        folder = self.root / "replica" / document_id
        if not (folder / MANIFEST).exists():
            self._fetch(document_id, folder)
        return folder

    def manifest(self, document_id: str) -> Manifest | None:
        """Read from the database alone: this replica need not hold the index."""
        folder = self.root / "replica" / document_id
        if (folder / MANIFEST).exists():
            return Manifest.read(folder)
        with self._db() as db:
            row = db.execute(
                "SELECT data FROM index_files WHERE document_id = ? AND name = ?", (document_id, MANIFEST)
            ).fetchone()
        if row is None:
            return None
        with tempfile.TemporaryDirectory(dir=self.root / "staging") as temp:
            (Path(temp) / MANIFEST).write_bytes(bytes(row[0]))
            return Manifest.read(Path(temp))

    def pdf_path(self, document_id: str) -> Path:
        """The document as given (the index cache and the index's manifest know it so)."""
        path = self.root / "replica" / f"{document_id}.pdf"
        if not path.exists():
            self._fetch(document_id, self.root / "replica" / document_id)
        return path

    # ------------------------------------------------------------ questions across documents

    def relevance(self, vector: np.ndarray, document_ids: Collection[str]) -> dict[str, float]:
        """Each document's best passage similarity to `vector` (pgvector inner product)."""
        with self._db() as db:
            rows = db.execute(
                "SELECT document_id, MAX(-(embedding <#> ?::vector)) FROM passages"
                " WHERE document_id = ANY(?) GROUP BY document_id",
                (_vector(vector), list(document_ids)),
            ).fetchall()
        return {document_id: float(score) for document_id, score in rows}

    # ------------------------------------------------------------ the catalog's hooks

    @contextmanager
    def _db(self) -> Iterator[Any]:
        with self._psycopg.connect(self.url, autocommit=True, row_factory=_rows) as connection:
            yield _Connection(connection)

    @contextmanager
    def _locked(self, document_id: str) -> Iterator[None]:
        with self._db() as db:
            db.execute("SELECT pg_advisory_lock(hashtext(?))", (document_id,))
            try:
                yield
            finally:
                db.execute("SELECT pg_advisory_unlock(hashtext(?))", (document_id,))

    def _place(self, document_id: str, pdf: Path, index: Path) -> Path:
        # Stored with the catalog row, in its transaction: the index, and the file as given.
        shutil.copyfile(pdf, index / SOURCE)
        return index

    def _store_index(self, db: Any, document_id: str, index: Path) -> None:
        files = [(document_id, path.name, path.read_bytes()) for path in sorted(index.iterdir()) if path.is_file()]
        db.executemany("INSERT INTO index_files VALUES (?, ?, ?)", files)
        vectors = faiss.read_index(str(index / VECTORS))
        matrix = vectors.reconstruct_n(0, vectors.ntotal)
        with closing(sqlite3.connect(f"file:{index / RECORDS}?mode=ro", uri=True)) as records:
            chunks = records.execute("SELECT chunk_id, slide, title, text FROM chunks ORDER BY position").fetchall()
            facts = records.execute(
                "SELECT fact_id, slide, label, raw, unit, period FROM facts ORDER BY position"
            ).fetchall()
        db.executemany(
            "INSERT INTO passages VALUES (?, ?, ?, ?, ?, ?, ?::vector)",
            [(document_id, i, *chunk, _vector(matrix[i])) for i, chunk in enumerate(chunks)],
        )
        fact_matrix = np.load(index / FACT_VECTORS, allow_pickle=False)
        db.executemany(
            "INSERT INTO facts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::vector)",
            [(document_id, i, *fact, _vector(fact_matrix[i])) for i, fact in enumerate(facts)],
        )

    def _placed(self, document_id: str, index: Path) -> None:
        folder = self.root / "replica" / document_id
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(index / SOURCE, self.root / "replica" / f"{document_id}.pdf")
        os.replace(index, folder)

    def _delete_files(self, document_id: str) -> None:
        shutil.rmtree(self.root / "replica" / document_id, ignore_errors=True)
        (self.root / "replica" / f"{document_id}.pdf").unlink(missing_ok=True)

    def _sweep(self) -> None:
        """Local copies of documents the database no longer has are deleted."""
        with self._db() as db:
            known = {document_id for (document_id,) in db.execute("SELECT id FROM documents").fetchall()}
        for path in (self.root / "replica").iterdir():
            if path.name.removesuffix(".pdf") not in known:
                shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)

    def _fetch(self, document_id: str, folder: Path) -> None:
        with self._db() as db:
            files = db.execute("SELECT name, data FROM index_files WHERE document_id = ?", (document_id,)).fetchall()
        if not files:
            raise LibraryError(f"no document {document_id}")
        temp = Path(tempfile.mkdtemp(prefix=f"{document_id}-", dir=self.root / "staging"))
        try:
            for name, data in files:
                (temp / name).write_bytes(bytes(data))
            json.loads((temp / MANIFEST).read_text())  # whole, or not at all
            os.replace(temp / SOURCE, self.root / "replica" / f"{document_id}.pdf")
            shutil.rmtree(folder, ignore_errors=True)
            os.replace(temp, folder)
        finally:
            shutil.rmtree(temp, ignore_errors=True)
