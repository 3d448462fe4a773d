"""`python -m qa ingest`: one PDF into its index, or many, each into its own, with one
progress bar. Errors are one line (`error: ...`) and exit code 2; with many documents a
bad one is reported and the others are still built."""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ingest.errors import DeckQAError
from qa.settings import Settings

if TYPE_CHECKING:
    from ingest.embedding import BatchEmbedder
    from ingest.index_store import BuildResult, Manifest, Progress

EXIT_ERROR = 2
# Above this many pages the CLI says how long the ingest will take before it starts.
LONG_DOCUMENT_PAGES = 60
STAGE_LABELS = {"read": "reading pages", "ocr": "OCR", "embed": "embedding"}


def pdfs_in(paths: Sequence[Path]) -> list[Path]:
    """The PDFs named, a folder standing for the PDFs in it (sorted, not recursive)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(child for child in path.iterdir() if child.suffix.lower() == ".pdf"))
        else:
            found.append(path)
    if paths and not found:
        raise DeckQAError(f"no PDF in {', '.join(str(path) for path in paths)}")
    return found or [Path()]  # [Path()]: the configured deck


def ingest_one(deck: Path, folder: Path, settings: Settings, force: bool, password: str | None) -> int:
    """Build `deck`'s index into `folder`, with a progress bar per stage."""
    from tqdm import tqdm

    from ingest.embedding import ingest_embedder, prepare_query_embedder
    from ingest.files import opened_pdf
    from ingest.index_store import estimated_ingest_seconds
    from ingest.ocr import estimated_ocr_seconds, tesseract_version
    from ingest.pdf_reader import check_page_count, validate_pdf

    started = time.perf_counter()
    # Fail fast on a bad or over-long file, before the model loads.
    with opened_pdf(deck, password) as pdf:
        pages = check_page_count(pdf, settings.index.max_pages)
        validate_pdf(pdf)
    if pages > LONG_DOCUMENT_PAGES:
        print(
            f"{deck.name}: {pages} pages; reading and indexing takes about {estimated_ingest_seconds(pages)} s",
            file=sys.stderr,
        )
    embedder = ingest_embedder(settings.index.embedding_model, settings.index.model_cache)
    bars: dict[str, tqdm] = {}

    def progress(stage: str, done: int, total: int) -> None:
        if stage == "pages":
            return  # said above, before the model loaded
        if stage == "ocr" and done == 0:
            print(
                f"{total} pages have no text layer: reading them with OCR ({tesseract_version()}), "
                f"about {estimated_ocr_seconds(total)} s",
                file=sys.stderr,
            )
        bar = bars.get(stage)
        if bar is None:
            bar = bars[stage] = tqdm(
                total=total,
                desc=STAGE_LABELS.get(stage, stage),
                unit="step",
                file=sys.stderr,
                leave=False,
                disable=None,
            )  # no bars when stderr is not a terminal
        bar.n = done
        bar.refresh()

    try:
        result = _build(deck, folder, embedder, settings, force, progress, password)
        prepare_query_embedder(settings.index.embedding_model, settings.index.model_cache)
    finally:
        for bar in bars.values():
            bar.close()
    manifest = result.manifest
    verb = "built" if result.rebuilt else "already current (use --force to rebuild)"
    ocr = f"; {len(manifest.ocr_pages)} read by OCR ({manifest.ocr['engine']})" if manifest.ocr else ""
    print(
        f"index {verb}: {manifest.slides} pages{ocr}, {manifest.chunks} passages, {manifest.tables} tables "
        f"({manifest.unruled_tables} read from word positions), {manifest.facts} facts "
        f"in {time.perf_counter() - started:.1f} s{stages(result)} -> {folder}"
    )
    for line in notes(manifest):
        print(line, file=sys.stderr)
    return 0


def ingest_many(
    decks: Sequence[Path], index_dir: Path | None, settings: Settings, force: bool, password: str | None
) -> int:
    """Build an index for each of `decks` (in the index cache, or under `index_dir`), with
    one progress bar over all their pages. A document that cannot be used is reported in
    one line and skipped; the exit code is then 2."""
    from tqdm import tqdm

    from ingest.embedding import ingest_embedder, prepare_query_embedder
    from ingest.files import opened_pdf
    from ingest.pdf_reader import check_page_count

    started = time.perf_counter()
    failed: list[str] = []
    sizes: dict[Path, int] = {}
    for deck in decks:
        try:
            with opened_pdf(deck, password) as pdf:
                sizes[deck] = check_page_count(pdf, settings.index.max_pages)
        except DeckQAError as error:
            failed.append(f"error: {error}")
    total = sum(sizes.values())
    print(f"{len(sizes)} documents, {total:,} pages", file=sys.stderr)
    embedder = ingest_embedder(settings.index.embedding_model, settings.index.model_cache)
    results: list[tuple[Path, Path, BuildResult]] = []
    with tqdm(total=total, unit="page", file=sys.stderr, disable=None, dynamic_ncols=True) as bar:
        offset = 0
        for deck, pages in sizes.items():
            bar.set_description(deck.name)

            def progress(stage: str, done: int, count: int, offset: int = offset) -> None:
                if stage == "read":
                    bar.n = offset + done
                    bar.refresh()
                elif stage in STAGE_LABELS:
                    bar.set_postfix_str(f"{STAGE_LABELS[stage]} {done}/{count}")

            folder = index_dir / deck.stem if index_dir else settings.for_document(deck.resolve()).index.dir
            try:
                result = _build(deck, folder, embedder, settings, force, progress, password)
                results.append((deck, folder, result))
            except DeckQAError as error:
                failed.append(f"error: {error}")
            offset += pages
            bar.n = offset
            bar.set_postfix_str("")
    prepare_query_embedder(settings.index.embedding_model, settings.index.model_cache)
    for deck, folder, result in results:
        verb = f"built in {result.seconds:.1f} s{stages(result)}" if result.rebuilt else "already current"
        print(f"{deck.name}: {result.manifest.slides} pages, {verb} -> {folder}")
        for line in notes(result.manifest):
            print(f"  {line}", file=sys.stderr)
    built = sum(result.rebuilt for _, _, result in results)
    print(
        f"{len(results)} of {len(decks)} documents indexed ({built} built, {len(results) - built} already current) "
        f"in {time.perf_counter() - started:.1f} s"
    )
    for line in failed:
        print(line, file=sys.stderr)
    return EXIT_ERROR if failed else 0


def _build(
    deck: Path,
    folder: Path,
    embedder: BatchEmbedder,
    settings: Settings,
    force: bool,
    progress: Progress,
    password: str | None,
) -> BuildResult:
    from ingest.index_store import build_index

    return build_index(
        deck, folder, embedder, force=force, progress=progress, max_pages=settings.index.max_pages, password=password
    )


def stages(result: BuildResult) -> str:
    """Where a rebuild's time went: " (reading 30.2 s, embedding 437,126 tokens 54.1 s)"."""
    if not result.stages:
        return ""
    return (
        f" (reading {result.stages['read']:.1f} s, embedding {result.tokens:,} tokens {result.stages['embed']:.1f} s)"
    )


def notes(manifest: Manifest) -> list[str]:
    """What the CLI says of how the PDF was opened, and what the reading worked around."""
    lines = []
    if manifest.decrypted:
        lines.append("note: the PDF is encrypted: it was read from a decrypted copy (no password is kept)")
    if manifest.repaired:
        lines.append(f"warning: the PDF was damaged and has been repaired ({'; '.join(manifest.repaired)})")
    lines.extend(f"warning: {warning}" for warning in manifest.warnings)
    return lines
