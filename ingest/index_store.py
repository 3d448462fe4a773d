"""Build, persist and load the deck index: FAISS vectors, BM25 tokens, records in SQLite.

Layout of an index folder (no pickle anywhere):
    manifest.json     deck sha256, model id, dimension, counts, schema version, build time
    vectors.faiss     faiss.write_index of an inner-product index over normalised passage vectors
    titles.npy        float32 vectors of the slide titles (numpy .npy, no pickle)
    facts.npy         float32 vectors of the facts' descriptions
    records.sqlite    slides, chunks (+ BM25 tokens), tables, cells, facts
    deck.pdf          the deck the index was built from (to render slide images)

Builds are atomic: everything is written to a temp folder beside the target, then
swapped in with renames, so a failed build leaves the previous index untouched.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sqlite3
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from statistics import mean
from typing import TYPE_CHECKING, Any

import faiss
import numpy as np

from ingest.embedding import (
    BatchEmbedder,
    QueryEmbedder,
    ingest_embedder,
    model_fingerprint,
    prepare_query_embedder,
    resolve_model_path,
)
from ingest.errors import DeckError, StaleIndexError
from ingest.files import OpenedPdf, open_checked, opened_pdf
from ingest.names import document_names
from ingest.ocr import FIGURE_CONFIDENT, OcrReading, ocr_key
from ingest.records import Chunk, Fact, Slide, Table
from ingest.text import passage_sentences, tokenize

if TYPE_CHECKING:
    from ingest.pdf_reader import ParsedDeck

# 8 ligatures; 9 page captions scale tables; 10 "from 2021"; 11-12 year and percent
# columns; 14 token batches; 15-16 titles and headings in the type of the text; 17 the
# sentences of long paragraphs embedded; 19 decrypted, repaired and unread pages.
SCHEMA_VERSION = 19
MANIFEST = "manifest.json"
VECTORS = "vectors.faiss"
TITLE_VECTORS = "titles.npy"
SENTENCE_VECTORS = "sentences.npy"  # the sentences of long paragraphs, in passage order
FACT_VECTORS = "facts.npy"
# PDFs longer than this are refused before any work (`DECKQA_MAX_PAGES`).
DEFAULT_MAX_PAGES = 1000
# Measured ingest cost per page of a long financial document (`python -m qa ingest` on
# the corpus 10-K, 2 cores: 89-98 s for 160 pages), for the estimate shown before a long
# ingest starts.
SECONDS_PER_PAGE = 0.6
# Tokens per embedding call at ingest (texts of similar token count, padded to the
# longest): a small batch's activations stay in the core's cache. Measured on a quarter
# of the corpus 10-K's texts, one session: 512 took 23.6 CPU s, 16 texts a batch 25.4-26.6,
# 1,024 tokens 24.8, 256 23.8.
EMBED_BATCH_TOKENS = 512
# A table cell that is one figure (sign, digits, separators, a percent), and one with decimals.
DIGITS_RE = re.compile(r"[+\-(]?[\d,.]+\)?%?")
DECIMAL_RE = re.compile(r"\d\.\d")
# A whole number this many times the largest decimal figure of its row lost its point.
DROPPED_POINT_RATIO = 5
WORD_RE = re.compile(r"\d|[^\W\d_]{2}")  # a figure, or a word of two letters or more


def cache_folder(cache: Path, deck_path: Path) -> Path:
    """Where the index of `deck_path` lives in the index cache `cache`: one folder per
    file content and ingest code, so a document is read once per machine. The same
    document's folders built by other ingest code are removed (they would be rebuilt)."""
    sha = _sha256(open_checked(deck_path))[:16]
    folder = cache / f"{sha}-{ingest_version()}"
    if cache.is_dir():
        for stale in cache.glob(f"{sha}-*"):
            if stale != folder and stale.is_dir():
                shutil.rmtree(stale, ignore_errors=True)
    return folder


def estimated_ingest_seconds(pages: int) -> int:
    return max(1, round(pages * SECONDS_PER_PAGE))


RECORDS = "records.sqlite"
DECK_COPY = "deck.pdf"
_build_lock = threading.Lock()


def ingest_version() -> str:
    """A hash of the ingest code: an index built by other extraction code is rebuilt."""
    digest = hashlib.sha256()
    for source in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Manifest:
    deck_sha256: str
    deck_title: str
    deck_name: str
    model_id: str
    dimension: int
    slides: int
    chunks: int
    tables: int
    facts: int
    schema_version: int
    ingest_version: str
    built_at: str
    build_seconds: float
    unruled_tables: int = 0
    warnings: tuple[str, ...] = ()
    names: tuple[str, ...] = ()  # the company's own names, as the document writes them (`ingest.names`)
    # Pages read by OCR: engine, page numbers, retried pages, seconds, and the facts
    # whose figure, row or column OCR read with low confidence (`unsure_facts`).
    ocr: dict[str, Any] | None = None
    decrypted: bool = False  # encrypted, opened with an empty user password or the one given
    repaired: tuple[str, ...] = ()  # damage qpdf repaired before reading, in its words
    unread_pages: tuple[int, ...] = ()  # damaged pages left out

    @property
    def ocr_pages(self) -> frozenset[int]:
        return frozenset(self.ocr["pages"]) if self.ocr else frozenset()

    @property
    def unsure_facts(self) -> frozenset[str]:
        return frozenset(self.ocr.get("unsure_facts", ())) if self.ocr else frozenset()

    @classmethod
    def read(cls, folder: Path) -> Manifest | None:
        path = folder / MANIFEST
        if not path.exists():
            return None
        try:
            data = json.loads(path.read_text())
            values = {name: data[name] for name in cls.__dataclass_fields__ if name != "ocr"}
            values["ocr"] = data.get("ocr")
            tuples = {name: tuple(values[name]) for name in ("warnings", "names", "repaired", "unread_pages")}
            return cls(**{**values, **tuples})
        except (ValueError, KeyError, TypeError):
            return None


@dataclass
class DeckIndex:
    """Everything retrieval needs, loaded in memory (read-only after load)."""

    folder: Path
    manifest: Manifest
    slides: list[Slide]
    chunks: list[Chunk]
    tables: list[Table]
    facts: list[Fact]
    chunk_tokens: list[list[str]]
    vectors: Any  # faiss.Index over the passages
    title_vectors: np.ndarray  # one row per slide, in slide order
    fact_vectors: np.ndarray  # one row per fact, in fact order
    embedder: QueryEmbedder  # embeds questions (ONNX; no torch)
    # A long paragraph's sentences, one row each (`ingest.text.passage_sentences`).
    sentence_vectors: dict[str, np.ndarray] = field(default_factory=dict)
    _slides_by_number: dict[int, Slide] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._slides_by_number = {slide.number: slide for slide in self.slides}

    @property
    def pdf_path(self) -> Path:
        return self.folder / DECK_COPY

    def slide(self, number: int) -> Slide:
        return self._slides_by_number[number]

    def has_slide(self, number: int) -> bool:
        return number in self._slides_by_number

    def table(self, table_id: str) -> Table | None:
        return next((table for table in self.tables if table.table_id == table_id), None)


@dataclass(frozen=True)
class BuildResult:
    manifest: Manifest
    rebuilt: bool
    seconds: float
    # A rebuild's seconds per stage ("read", "prepare": facts and texts, "embed", "write")
    # and how many tokens it embedded: where a long document's ingest time goes.
    stages: dict[str, float] = field(default_factory=dict)
    tokens: int = 0


def needs_rebuild(folder: Path, deck_sha256: str, model_id: str) -> str:
    """Why the index in `folder` cannot serve this deck and model ("" if it can)."""
    manifest = Manifest.read(folder)
    if manifest is None:
        return "no index yet"
    if manifest.schema_version != SCHEMA_VERSION:
        return f"index schema {manifest.schema_version} != {SCHEMA_VERSION}"
    if manifest.ingest_version != ingest_version():
        return "the ingest code changed"
    if manifest.deck_sha256 != deck_sha256:
        return "the deck changed"
    if manifest.model_id != model_id:
        return f"the embedding model changed ({manifest.model_id} -> {model_id})"
    for name in (VECTORS, TITLE_VECTORS, FACT_VECTORS, SENTENCE_VECTORS, RECORDS, DECK_COPY):
        if not (folder / name).exists():
            return f"{name} is missing"
    return ""


def build_index(
    deck_path: Path,
    folder: Path,
    embedder: BatchEmbedder,
    *,
    force: bool = False,
    progress: Progress | None = None,
    max_pages: int = DEFAULT_MAX_PAGES,
    password: str | None = None,
) -> BuildResult:
    """Build the index for `deck_path` into `folder` unless it is already current.

    Raises `DeckError` for an unusable deck (or one over `max_pages` pages, before any
    work); the old index is then left as it was. An encrypted deck opens with an empty
    user password, or `password` (used for this build only; never stored).
    """
    from ingest.pdf_reader import check_page_count, read_deck

    started = time.perf_counter()
    deck_sha256 = _sha256(open_checked(deck_path))
    with _build_lock:
        if not force and not needs_rebuild(folder, deck_sha256, embedder.model_id):
            manifest = Manifest.read(folder)
            assert manifest is not None
            return BuildResult(manifest, rebuilt=False, seconds=time.perf_counter() - started)
        with opened_pdf(deck_path, password) as pdf:
            pages = check_page_count(pdf, max_pages)
            if progress:
                progress("pages", pages, pages)  # before the work: lets a UI say how long it will take
            parsed = read_deck(
                pdf.path,
                progress=(lambda done, total: progress("read", done, total)) if progress else None,
                ocr_progress=(lambda done, total: progress("ocr", done, total)) if progress else None,
                name=deck_path,
            )
            parsed = replace(parsed, sha256=pdf.sha256)
            stages = {"read": time.perf_counter() - started}
            folder.parent.mkdir(parents=True, exist_ok=True)
            temp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.build-", dir=folder.parent))
            try:
                manifest, tokens = _write_index(parsed, pdf, temp, embedder, progress, started, stages)
                _swap_in(temp, folder)
            except BaseException:
                shutil.rmtree(temp, ignore_errors=True)
                raise
    return BuildResult(manifest, rebuilt=True, seconds=time.perf_counter() - started, stages=stages, tokens=tokens)


def load_index(folder: Path, embedder: QueryEmbedder) -> DeckIndex:
    """Load a built index. Raises `StaleIndexError` if it is missing or its manifest
    does not match this code's schema or the embedder."""
    manifest = Manifest.read(folder)
    if manifest is None:
        raise StaleIndexError(f"no index in {folder}: run `python -m qa ingest`")
    if manifest.schema_version != SCHEMA_VERSION or manifest.model_id != embedder.model_id:
        raise StaleIndexError(f"index in {folder} was built by another schema or model")
    vectors = faiss.read_index(str(folder / VECTORS))
    title_vectors = np.load(folder / TITLE_VECTORS, allow_pickle=False)
    fact_vectors = np.load(folder / FACT_VECTORS, allow_pickle=False)
    with closing(sqlite3.connect(f"file:{folder / RECORDS}?mode=ro", uri=True)) as db:
        slides = [
            Slide(number, title, text, tuple(json.loads(periods)))
            for number, title, text, periods in db.execute(
                "SELECT number, title, text, periods FROM slides ORDER BY number"
            )
        ]
        chunk_rows = db.execute(
            "SELECT chunk_id, slide, title, text, heading, kind, level, parent, tokens FROM chunks ORDER BY position"
        ).fetchall()
        tables = [
            Table(table_id, slide, title, unit, tuple(json.loads(header)), tuple(tuple(r) for r in json.loads(rows)))
            for table_id, slide, title, unit, header, rows in db.execute(
                "SELECT table_id, slide, title, unit, header, rows FROM deck_tables ORDER BY position"
            )
        ]
        facts = [
            Fact(
                fact_id=row[0],
                slide=row[1],
                label=row[2],
                value=row[3],
                unit=row[4],
                period=row[5],
                raw=row[6],
                context=row[7],
                table_id=row[8],
                row=row[9],
                column=row[10],
                qualifier=row[11],
                tags=tuple(json.loads(row[12])),
                heading=row[13],
                period_end=row[14],
            )
            for row in db.execute(
                "SELECT fact_id, slide, label, value, unit, period, raw, context, table_id, row_label,"
                " column_label, qualifier, tags, heading, period_end FROM facts ORDER BY position"
            )
        ]
    chunks = [Chunk(*row[:8]) for row in chunk_rows]
    tokens = [json.loads(row[8]) for row in chunk_rows]
    sentence_matrix = np.load(folder / SENTENCE_VECTORS, allow_pickle=False)
    sentence_vectors, start = {}, 0
    for chunk in chunks:
        count = len(passage_sentences(chunk))
        if count:
            sentence_vectors[chunk.chunk_id] = sentence_matrix[start : start + count]
            start += count
    if start != len(sentence_matrix):
        raise StaleIndexError(f"index in {folder} splits its paragraphs otherwise: run `python -m qa ingest --force`")
    return DeckIndex(
        folder,
        manifest,
        slides,
        chunks,
        tables,
        facts,
        tokens,
        vectors,
        title_vectors,
        fact_vectors,
        embedder,
        sentence_vectors,
    )


def open_index(
    deck_path: Path,
    folder: Path,
    model_path: Path | None = None,
    *,
    model_cache: Path,
    rebuild: bool = True,
    progress: Progress | None = None,
    max_pages: int = DEFAULT_MAX_PAGES,
    password: str | None = None,
) -> DeckIndex:
    """The index for `deck_path`, building it first when missing or stale (or raising
    `StaleIndexError` when `rebuild` is off). Only a build, or the first ONNX export of
    the model into `model_cache`, loads torch; a current index is read, not embedded."""
    deck_sha256 = _sha256(open_checked(deck_path))
    model_dir = resolve_model_path(model_path)
    reason = needs_rebuild(folder, deck_sha256, model_fingerprint(model_dir))
    if reason:
        if not rebuild:
            raise StaleIndexError(
                f"index in {folder} is stale ({reason}); run `python -m qa ingest` "
                "or allow rebuilding (DECKQA_AUTO_REBUILD=1)"
            )
        build_index(
            deck_path,
            folder,
            ingest_embedder(model_dir, model_cache),
            progress=progress,
            max_pages=max_pages,
            password=password,
        )
    return load_index(folder, prepare_query_embedder(model_dir, model_cache))


def embedding_text(chunk: Chunk) -> str:
    """What gets embedded for a chunk: the slide title and heading give it context."""
    parts = [chunk.title, chunk.heading, chunk.parent, chunk.text]
    return ". ".join(part for part in parts if part)


def _write_index(
    parsed: ParsedDeck,
    pdf: OpenedPdf,
    temp: Path,
    embedder: BatchEmbedder,
    progress: Progress | None,
    started: float,
    stages: dict[str, float],
) -> tuple[Manifest, int]:
    """Write the index into `temp`; returns its manifest and how many tokens were embedded,
    and adds the seconds of preparing, embedding and writing to `stages`."""
    prepared = time.perf_counter()
    if not parsed.chunks:
        raise DeckError(f"no text passages found in {pdf.source}")
    from ingest.facts import all_facts, fact_description

    facts = all_facts(parsed.tables, parsed.chunks, parsed.statements, parsed.slides)
    table_titles = {table.table_id: table.title for table in parsed.tables}
    # Everything answering compares a question with is embedded here, once.
    texts = [embedding_text(chunk) for chunk in parsed.chunks]
    texts += [slide.title for slide in parsed.slides]
    texts += [fact_description(fact, table_titles.get(fact.table_id, "")) for fact in facts]
    sentences = [sentence for chunk in parsed.chunks for sentence in passage_sentences(chunk)]
    texts += sentences
    embedding = time.perf_counter()
    stages["prepare"] = embedding - prepared
    matrix, tokens = _embed_in_batches(embedder, texts, progress)
    writing = time.perf_counter()
    stages["embed"] = writing - embedding
    passages, titles, described = len(parsed.chunks), len(parsed.slides), len(facts)
    index = faiss.IndexFlatIP(embedder.dimension)
    index.add(matrix[:passages])
    faiss.write_index(index, str(temp / VECTORS))
    np.save(temp / TITLE_VECTORS, matrix[passages : passages + titles], allow_pickle=False)
    np.save(temp / FACT_VECTORS, matrix[passages + titles : passages + titles + described], allow_pickle=False)
    np.save(temp / SENTENCE_VECTORS, matrix[passages + titles + described :], allow_pickle=False)
    _write_records(temp / RECORDS, parsed, facts)
    shutil.copyfile(pdf.path, temp / DECK_COPY)  # decrypted and repaired, if it had to be
    manifest = Manifest(
        deck_sha256=parsed.sha256,
        deck_title=parsed.title,
        deck_name=pdf.source.name,
        model_id=embedder.model_id,
        dimension=embedder.dimension,
        slides=len(parsed.slides),
        chunks=len(parsed.chunks),
        tables=len(parsed.tables),
        facts=len(facts),
        schema_version=SCHEMA_VERSION,
        ingest_version=ingest_version(),
        built_at=datetime.now(UTC).isoformat(timespec="seconds"),
        build_seconds=round(time.perf_counter() - started, 2),
        unruled_tables=len(parsed.statements),
        warnings=parsed.warnings,
        names=document_names([slide.text for slide in parsed.slides]),
        ocr={**parsed.ocr.summary(), "unsure_facts": _unsure_facts(facts, parsed.tables, parsed.ocr)}
        if parsed.ocr
        else None,
        decrypted=pdf.decrypted,
        repaired=pdf.repaired,
        unread_pages=parsed.unread_pages,
    )
    (temp / MANIFEST).write_text(json.dumps(asdict(manifest), indent=2) + "\n")
    stages["write"] = time.perf_counter() - writing
    return manifest, tokens


def _embed_in_batches(embedder: BatchEmbedder, texts: list[str], progress: Progress | None) -> tuple[np.ndarray, int]:
    """One matrix of normalised float32 vectors, and how many tokens were embedded, a
    batch at a time so memory stays bounded and the progress bar moves. Each distinct text
    is embedded once (the facts of one table row share their description), in order of
    token count, so a batch pads little (ordered by characters instead, the bundled deck's
    batches held 59,216 tokens for 37,130 real ones; by tokens, 38,576)."""
    distinct = list(dict.fromkeys(texts))
    counted = sorted(zip(embedder.token_counts(distinct), distinct, strict=True))
    unique = [text for _, text in counted]
    vectors = np.zeros((len(unique), embedder.dimension), dtype=np.float32)
    batches = _token_batches(counted, EMBED_BATCH_TOKENS)
    start = 0
    for done, batch_vectors in enumerate(embedder.encode_batches(batches), start=1):
        vectors[start : start + len(batch_vectors)] = batch_vectors
        start += len(batch_vectors)
        if progress:
            progress("embed", done, len(batches))
    row = {text: index for index, text in enumerate(unique)}
    return vectors[[row[text] for text in texts]], sum(count for count, _ in counted)


def _token_batches(counted: list[tuple[int, str]], budget: int) -> list[list[str]]:
    """Texts sorted by token count, in batches of at most `budget` tokens once padded to
    the batch's longest (a text longer than that on its own)."""
    batches: list[list[str]] = []
    batch: list[str] = []
    for count, text in counted:
        if batch and count * (len(batch) + 1) > budget:
            batches.append(batch)
            batch = []
        batch.append(text)
    return [*batches, batch] if batch else batches


def _unsure_facts(facts: list[Fact], tables: tuple[Table, ...], reading: OcrReading) -> list[str]:
    """Facts on OCR'd pages whose figure OCR read with low confidence, or its row label
    and column on average (one garbled word does not void a label; a word not found as
    read, e.g. joined differently, does not count), or whose figure lacks the decimal places every other figure of its table row has (OCR
    drops a small decimal point confidently: '18.5' read as '185')."""
    confidence = reading.word_confidence()
    rows = {table.table_id: table.rows for table in tables}
    unsure = []
    for fact in facts:
        words = confidence.get(fact.slide)
        if words is None:
            continue
        figure, label = _read_confidence(fact.raw, words), _read_confidence(f"{fact.row} {fact.column}", words)
        row = next((row for row in rows.get(fact.table_id, ()) if fact.raw in row), ())
        doubtful = (figure and min(figure) < FIGURE_CONFIDENT) or (label and mean(label) < FIGURE_CONFIDENT)
        if doubtful or _decimals_missing(fact.raw, row):
            unsure.append(fact.fact_id)
    return unsure


def _read_confidence(text: str, words: dict[str, float]) -> list[float]:
    keys = [ocr_key(word) for word in text.split()]
    return [words[key] for key in keys if key in words and WORD_RE.search(key)]


def _decimals_missing(raw: str, cells: tuple[str, ...]) -> bool:
    """A whole number in a table row whose other figures mostly have decimals and are
    all far smaller: a decimal point OCR dropped ('185' among '19.4 19.5 18.3')."""
    if not DIGITS_RE.fullmatch(raw.strip()) or "." in raw:
        return False
    figures = [cell for cell in cells if cell != raw and DIGITS_RE.fullmatch(cell.strip())]
    decimals = [abs(value) for cell in figures if DECIMAL_RE.search(cell) and (value := _number(cell)) is not None]
    value = _number(raw)
    if value is None or len(decimals) < 2 or 2 * len(decimals) < len(figures):
        return False
    return abs(value) >= DROPPED_POINT_RATIO * max(decimals)


def _number(cell: str) -> float | None:
    try:
        return float(re.sub(r"[^\d.]", "", cell))
    except ValueError:
        return None


def _write_records(path: Path, parsed: ParsedDeck, facts: list[Fact]) -> None:
    with closing(sqlite3.connect(path)) as db, db:
        db.executescript(
            """
            CREATE TABLE slides (number INTEGER PRIMARY KEY, title TEXT, text TEXT, periods TEXT);
            CREATE TABLE chunks (position INTEGER, chunk_id TEXT PRIMARY KEY, slide INTEGER,
                title TEXT, text TEXT, heading TEXT, kind TEXT, level INTEGER, parent TEXT, tokens TEXT);
            CREATE TABLE deck_tables (position INTEGER, table_id TEXT PRIMARY KEY, slide INTEGER,
                title TEXT, unit TEXT, header TEXT, rows TEXT);
            CREATE TABLE cells (table_id TEXT, slide INTEGER, row_index INTEGER,
                column_index INTEGER, row_label TEXT, column_label TEXT, text TEXT);
            CREATE TABLE facts (position INTEGER, fact_id TEXT PRIMARY KEY, slide INTEGER,
                label TEXT, value REAL, unit TEXT, period TEXT, raw TEXT, context TEXT,
                table_id TEXT, row_label TEXT, column_label TEXT, qualifier TEXT, tags TEXT,
                heading TEXT, period_end TEXT);
            CREATE INDEX facts_by_period ON facts(period);
            """
        )
        db.executemany(
            "INSERT INTO slides VALUES (?, ?, ?, ?)",
            [(s.number, s.title, s.text, json.dumps(s.periods)) for s in parsed.slides],
        )
        db.executemany(
            "INSERT INTO chunks VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    i,
                    c.chunk_id,
                    c.slide,
                    c.title,
                    c.text,
                    c.heading,
                    c.kind,
                    c.level,
                    c.parent,
                    json.dumps(tokenize(f"{c.title} {c.heading} {c.parent} {c.text}")),
                )
                for i, c in enumerate(parsed.chunks)
            ],
        )
        db.executemany(
            "INSERT INTO deck_tables VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (i, t.table_id, t.slide, t.title, t.unit, json.dumps(t.header), json.dumps(t.rows))
                for i, t in enumerate(parsed.tables)
            ],
        )
        db.executemany(
            "INSERT INTO cells VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (t.table_id, t.slide, r, c, row[0], t.header[c] if c < len(t.header) else "", cell)
                for t in parsed.tables
                for r, row in enumerate(t.rows)
                for c, cell in enumerate(row)
            ],
        )
        db.executemany(
            "INSERT INTO facts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    i,
                    f.fact_id,
                    f.slide,
                    f.label,
                    f.value,
                    f.unit,
                    f.period,
                    f.raw,
                    f.context,
                    f.table_id,
                    f.row,
                    f.column,
                    f.qualifier,
                    json.dumps(list(f.tags)),
                    f.heading,
                    f.period_end,
                )
                for i, f in enumerate(facts)
            ],
        )


def _swap_in(temp: Path, folder: Path) -> None:
    """Replace `folder` by `temp` with renames; the old index survives until the new one is in place."""
    old = folder.with_name(f".{folder.name}.old-{int(time.time() * 1000)}")
    if folder.exists():
        folder.rename(old)
    try:
        temp.rename(folder)
    except BaseException:
        if old.exists():
            old.rename(folder)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
