"""The document library on files: one folder per document, a SQLite catalog beside them.

    <root>/catalog.sqlite        documents, their collections, API keys and their grants
    <root>/files/<id>.pdf        the document as given (as read, when it needed a password)
    <root>/documents/<id>/       its index (what `ingest.index_store` builds)

A document's id is the start of its content's SHA-256, so the same file added twice is
one document (in the collections of both adds). An add builds into a staging folder and
moves it in before the catalog names it: a failed add leaves the library as it was.
Several processes (server replicas, the CLI) may share a root: the catalog is SQLite in
WAL mode and an add takes a lock per document.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Collection, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ingest.errors import DeckQAError
from library.describe import Description, describe_front

if TYPE_CHECKING:
    from ingest.files import OpenedPdf
    from ingest.index_store import Manifest
    from qa.settings import LibrarySettings

# `build(pdf, folder)`: writes the index of the PDF into the folder, returns its manifest.
BuildFunction = Callable[[Path, Path], "Manifest"]

ID_LENGTH = 16
# A collection name: a letter or digit, then letters, digits, '.', '_' or '-'.
COLLECTION_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
DEFAULT_COLLECTION = "default"
MAX_TITLE_CHARS = 200
SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY, title TEXT NOT NULL, file_name TEXT NOT NULL, kind TEXT NOT NULL,
    company TEXT NOT NULL, period TEXT NOT NULL, year TEXT NOT NULL, pages INTEGER NOT NULL,
    added_at TEXT NOT NULL, notes TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS memberships (
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    collection TEXT NOT NULL, PRIMARY KEY (document_id, collection));
CREATE TABLE IF NOT EXISTS api_keys (
    digest TEXT PRIMARY KEY, label TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS grants (
    digest TEXT NOT NULL REFERENCES api_keys(digest) ON DELETE CASCADE, collection TEXT NOT NULL,
    access TEXT NOT NULL CHECK (access IN ('read', 'write')), PRIMARY KEY (digest, collection));
"""


class LibraryError(DeckQAError):
    """A library request that cannot be done (an unknown document, a bad name)."""


@dataclass(frozen=True)
class Document:
    id: str
    title: str
    file_name: str
    kind: str
    company: str
    period: str
    year: str
    pages: int
    added_at: str
    collections: tuple[str, ...]
    notes: tuple[str, ...] = ()  # decrypted, repaired, pages left out: as the ingest said

    @property
    def label(self) -> str:
        """How an answer names the document: "Acme Corp annual report 2018", else its title."""
        return (self.kind != "deck" and _label(self.company, self.kind, self.year)) or self.title


def checked_collection(name: str) -> str:
    if not COLLECTION_RE.fullmatch(name or ""):
        raise LibraryError(f"invalid collection name {name[:80]!r}: use letters, digits, '.', '_' or '-' (at most 64)")
    return name


def checked_title(title: str) -> str:
    title = " ".join(title.split())
    if not title or len(title) > MAX_TITLE_CHARS:
        raise LibraryError(f"a title has 1 to {MAX_TITLE_CHARS} characters")
    return title


class Library:
    """The library under `root` (created on first use)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        for folder in (root, root / "files", root / "documents", root / "staging", root / "locks"):
            folder.mkdir(parents=True, exist_ok=True)
        with self._db() as db:
            db.executescript(SCHEMA)
        self._sweep()

    # ------------------------------------------------------------ paths

    def index_folder(self, document_id: str) -> Path:
        return self.root / "documents" / document_id

    def pdf_path(self, document_id: str) -> Path:
        return self.root / "files" / f"{document_id}.pdf"

    def manifest(self, document_id: str) -> Manifest | None:
        """The document's index manifest (its counts, names, how it was read)."""
        from ingest.index_store import Manifest

        return Manifest.read(self.index_folder(document_id))

    # ------------------------------------------------------------ reading

    def documents(self, collections: Collection[str] | None = None) -> list[Document]:
        """Every document (in any of `collections`, when given), oldest first; each lists
        only the collections asked about."""
        with self._db() as db:
            rows = db.execute("SELECT * FROM documents ORDER BY added_at, id").fetchall()
            members: dict[str, list[str]] = {}
            for document_id, collection in db.execute(
                "SELECT document_id, collection FROM memberships ORDER BY collection"
            ):
                if collections is None or collection in collections:
                    members.setdefault(document_id, []).append(collection)
        return [_document(row, members[row["id"]]) for row in rows if row["id"] in members]

    def get(self, document_id: str, collections: Collection[str] | None = None) -> Document | None:
        return next((doc for doc in self.documents(collections) if doc.id == document_id), None)

    # ------------------------------------------------------------ changing

    def add(
        self,
        path: Path,
        collection: str,
        build: BuildFunction,
        *,
        title: str | None = None,
        password: str | None = None,
        max_pages: int,
        file_name: str | None = None,
    ) -> tuple[Document, bool]:
        """Add the PDF at `path` to `collection`: (the document, whether it is new). A file
        already in the library is only added to `collection`. `build(pdf, folder)` writes
        the index of `pdf` into `folder`. Raises `DeckError` for an unusable PDF and
        `LibraryError` for a bad name; the library is then as it was."""
        from ingest.files import opened_pdf
        from ingest.pdf_reader import check_page_count, validate_pdf

        checked_collection(collection)
        if title is not None:
            title = checked_title(title)
        with opened_pdf(path, password) as pdf:
            document_id = pdf.sha256[:ID_LENGTH]
            with self._locked(document_id):
                if self._known(document_id):
                    self._join(document_id, collection)
                    document = self.get(document_id)
                    assert document is not None
                    return document, False
                pages = check_page_count(pdf, max_pages)
                validate_pdf(pdf)
                staging = Path(tempfile.mkdtemp(prefix=f"{document_id}-", dir=self.root / "staging"))
                try:
                    # The file as given, which the index cache knows it by; a file that needed
                    # a password is kept as read (the password is not kept, so it could not
                    # be read again).
                    copy = staging / "document.pdf"
                    shutil.copyfile(pdf.path if password else path, copy)
                    manifest = build(copy, staging / "index")
                    notes = [note for note in _notes(pdf, manifest) if note]
                    description = describe_front(staging / "index", manifest)
                    index = self._place(document_id, copy, staging / "index")
                    try:
                        name = file_name or path.name
                        self._insert(document_id, title, name, description, pages, collection, notes, index)
                    except BaseException:
                        self._delete_files(document_id)
                        raise
                    self._placed(document_id, index)
                finally:
                    shutil.rmtree(staging, ignore_errors=True)
        document = self.get(document_id)
        assert document is not None
        return document, True

    def rename(self, document_id: str, title: str) -> Document:
        title = checked_title(title)
        with self._db() as db:
            if not db.execute("UPDATE documents SET title = ? WHERE id = ?", (title, document_id)).rowcount:
                raise LibraryError(f"no document {document_id}")
        document = self.get(document_id)
        assert document is not None
        return document

    def remove(self, document_id: str, collections: Collection[str] | None = None) -> bool:
        """Take the document out of `collections` (all, when None); once it is in none,
        its index and file are deleted. True when it was deleted."""
        with self._db() as db:
            db.execute("BEGIN IMMEDIATE")
            if not db.execute("SELECT 1 FROM documents WHERE id = ?", (document_id,)).fetchone():
                db.execute("ROLLBACK")
                raise LibraryError(f"no document {document_id}")
            if collections is None:
                db.execute("DELETE FROM memberships WHERE document_id = ?", (document_id,))
            else:
                taken = sum(
                    db.execute(
                        "DELETE FROM memberships WHERE document_id = ? AND collection = ?", (document_id, name)
                    ).rowcount
                    for name in collections
                )
                if not taken:
                    db.execute("ROLLBACK")
                    raise LibraryError(f"document {document_id} is not in {', '.join(sorted(collections))}")
            left = db.execute("SELECT COUNT(*) FROM memberships WHERE document_id = ?", (document_id,)).fetchone()[0]
            if not left:
                db.execute("DELETE FROM documents WHERE id = ?", (document_id,))
            db.execute("COMMIT")
        if not left:
            self._delete_files(document_id)
        return not left

    # ------------------------------------------------------------ API keys

    def add_key(self, label: str, grants: dict[str, str]) -> str:
        """A new API key granted `grants` (collection -> "read" or "write"); returns the key,
        which is shown once: only its SHA-256 is kept."""
        import hashlib
        import secrets

        if not grants:
            raise LibraryError("a key needs at least one collection")
        for collection, access in grants.items():
            checked_collection(collection)
            if access not in ("read", "write"):
                raise LibraryError(f"access is 'read' or 'write', not {access!r}")
        label = label.strip()
        if not label:
            raise LibraryError("a key needs a label")
        key = "dq_" + secrets.token_urlsafe(24)
        digest = hashlib.sha256(key.encode()).hexdigest()
        with self._db() as db:
            db.execute("BEGIN IMMEDIATE")
            if db.execute("SELECT 1 FROM api_keys WHERE label = ?", (label,)).fetchone():
                db.execute("ROLLBACK")
                raise LibraryError(f"a key labelled {label!r} exists; remove it first")
            db.execute("INSERT INTO api_keys VALUES (?, ?, ?)", (digest, label, _now()))
            db.executemany("INSERT INTO grants VALUES (?, ?, ?)", [(digest, c, a) for c, a in grants.items()])
            db.execute("COMMIT")
        return key

    def api_keys(self) -> list[tuple[str, dict[str, str]]]:
        """(label, grants) of every key."""
        with self._db() as db:
            labels = db.execute("SELECT digest, label FROM api_keys ORDER BY label").fetchall()
            grants = db.execute("SELECT digest, collection, access FROM grants").fetchall()
        return [(label, {c: a for d, c, a in grants if d == digest}) for digest, label in labels]

    def remove_key(self, label: str) -> None:
        with self._db() as db:
            if not db.execute("DELETE FROM api_keys WHERE label = ?", (label,)).rowcount:
                raise LibraryError(f"no key labelled {label!r}")

    def grants(self, digest: str) -> dict[str, str] | None:
        """The collections the key with this SHA-256 (hex) may use, or None: no such key."""
        with self._db() as db:
            if not db.execute("SELECT 1 FROM api_keys WHERE digest = ?", (digest,)).fetchone():
                return None
            return dict(db.execute("SELECT collection, access FROM grants WHERE digest = ?", (digest,)).fetchall())

    def has_keys(self) -> bool:
        with self._db() as db:
            return db.execute("SELECT 1 FROM api_keys LIMIT 1").fetchone() is not None

    # ------------------------------------------------------------ internals

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.root / "catalog.sqlite", timeout=30, isolation_level=None)) as db:
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA foreign_keys = ON")
            db.execute("PRAGMA journal_mode = WAL")
            yield db

    @contextmanager
    def _locked(self, document_id: str) -> Iterator[None]:
        with open(self.root / "locks" / f"{document_id}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def relevance(self, vector: Any, document_ids: Collection[str]) -> dict[str, float] | None:
        """Each document's best passage similarity to `vector`, when the store can rank
        them without opening each (None: the caller opens them)."""
        return None

    def _place(self, document_id: str, pdf: Path, index: Path) -> Path:
        """Put a new document's file and index where they live (before the catalog names
        them); returns where its index is now."""
        os.replace(pdf, self.pdf_path(document_id))
        os.replace(index, self.index_folder(document_id))
        return self.index_folder(document_id)

    def _store_index(self, db: Any, document_id: str, index: Path) -> None:
        """Inside the transaction that adds the document: what else the catalog keeps of it."""

    def _placed(self, document_id: str, index: Path) -> None:
        """After the catalog names the document."""

    def _known(self, document_id: str) -> bool:
        with self._db() as db:
            return db.execute("SELECT 1 FROM documents WHERE id = ?", (document_id,)).fetchone() is not None

    def _join(self, document_id: str, collection: str) -> None:
        with self._db() as db:
            db.execute("INSERT INTO memberships VALUES (?, ?) ON CONFLICT DO NOTHING", (document_id, collection))

    def _insert(
        self,
        document_id: str,
        title: str | None,
        file_name: str,
        description: Description,
        pages: int,
        collection: str,
        notes: list[str],
        index: Path,
    ) -> None:
        with self._db() as db:
            db.execute("BEGIN IMMEDIATE")
            db.execute(
                "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    document_id,
                    title
                    or _readable(description.title)
                    or _label(description.company, description.kind, description.year)
                    or Path(file_name).stem,
                    file_name,
                    description.kind,
                    description.company,
                    description.period,
                    description.year,
                    pages,
                    _now(),
                    json.dumps(notes),
                ),
            )
            db.execute("INSERT INTO memberships VALUES (?, ?)", (document_id, collection))
            self._store_index(db, document_id, index)
            db.execute("COMMIT")

    def _delete_files(self, document_id: str) -> None:
        shutil.rmtree(self.index_folder(document_id), ignore_errors=True)
        self.pdf_path(document_id).unlink(missing_ok=True)

    def _sweep(self) -> None:
        """Files no catalog entry names (an add or a removal cut short) are deleted."""
        with self._db() as db:
            known = {document_id for (document_id,) in db.execute("SELECT id FROM documents")}
        for folder in (self.root / "documents").iterdir():
            if folder.name not in known and not self._busy(folder.name):
                shutil.rmtree(folder, ignore_errors=True)
        for file in (self.root / "files").glob("*.pdf"):
            if file.stem not in known and not self._busy(file.stem):
                file.unlink(missing_ok=True)

    def _busy(self, document_id: str) -> bool:
        """Whether another process is adding this document right now."""
        lock_path = self.root / "locks" / f"{document_id}.lock"
        if not lock_path.exists():
            return False
        with open(lock_path, "w") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(lock, fcntl.LOCK_UN)
            return False


def open_library(settings: LibrarySettings) -> Library:
    """The configured library: PostgreSQL when `DECKQA_DATABASE_URL` is set (this
    replica's copies in `DECKQA_LIBRARY_DIR`), else files in `DECKQA_LIBRARY_DIR`."""
    if settings.database_url is not None:
        from library.pg import PgLibrary

        return PgLibrary(settings.database_url.get_secret_value(), settings.dir)
    return Library(settings.dir)


def _document(row: sqlite3.Row, collections: list[str]) -> Document:
    return Document(
        id=row["id"],
        title=row["title"],
        file_name=row["file_name"],
        kind=row["kind"],
        company=row["company"],
        period=row["period"],
        year=row["year"],
        pages=row["pages"],
        added_at=row["added_at"],
        collections=tuple(collections),
        notes=tuple(json.loads(row["notes"])),
    )


def _notes(pdf: OpenedPdf, manifest: Manifest) -> list[str]:
    notes = ["decrypted"] if pdf.decrypted else []
    if pdf.repaired:
        notes.append(f"repaired: {pdf.repaired}")
    return [*notes, *manifest.warnings]


def _readable(title: str) -> str:
    """A title worth showing: words, not a filing's accession number ("0001410636-21-000101")."""
    return title if sum(character.isalpha() for character in title) >= 3 else ""


def _label(company: str, kind: str, year: str) -> str:
    """ "Acme Corp annual report 2018"; "" for a document that names no company."""
    return " ".join(part for part in (company, kind, year) if part) if company else ""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")  # orders adds within a second
