"""`python -m qa ingest|slides|ask|serve`: the command line. Errors are one line on
stderr and exit code 2."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ingest.errors import DeckQAError
from qa.settings import Settings

if TYPE_CHECKING:
    from ingest.index_store import BuildResult

EXIT_USAGE = 2
# Above this many pages the CLI says how long the ingest will take before it starts.
LONG_DOCUMENT_PAGES = 60


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
        return int(args.handler(args, settings) or 0)
    except DeckQAError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m qa", description="Question answering over a slide deck.")
    commands = parser.add_subparsers(dest="command", required=True)

    ingest = commands.add_parser("ingest", help="build the index for a deck PDF")
    ingest.add_argument("deck", nargs="?", type=Path, help="deck PDF (default: the bundled deck)")
    ingest.add_argument("--force", action="store_true", help="rebuild even if the index is current")
    ingest.add_argument("--index-dir", type=Path, help="index folder (default: DECKQA_INDEX_DIR)")
    ingest.set_defaults(handler=_ingest)

    slides = commands.add_parser("slides", help="list slide numbers and titles")
    slides.set_defaults(handler=_slides)

    from interfaces.cli_ask import add_ask_command, add_serve_command

    add_ask_command(commands)
    add_serve_command(commands)
    return parser


def _ingest(args: argparse.Namespace, settings: Settings) -> int:
    from tqdm import tqdm

    from ingest.embedding import ingest_embedder, prepare_query_embedder
    from ingest.index_store import build_index, estimated_ingest_seconds
    from ingest.ocr import estimated_ocr_seconds, tesseract_version
    from ingest.pdf_reader import check_page_count, validate_pdf

    deck = args.deck or settings.index.deck
    folder = args.index_dir or settings.index.dir
    started = time.perf_counter()
    # Fail fast on a bad or over-long file, before the model loads.
    pages = check_page_count(deck, settings.index.max_pages)
    validate_pdf(deck)
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
        label = {"read": "reading slides", "ocr": "OCR", "embed": "embedding"}.get(stage, stage)
        bar = bars.get(stage)
        if bar is None:
            bar = bars[stage] = tqdm(
                total=total, desc=label, unit="step", file=sys.stderr, leave=False, disable=None
            )  # no bars when stderr is not a terminal
        bar.n = done
        bar.refresh()

    try:
        result = build_index(
            deck, folder, embedder, force=args.force, progress=progress, max_pages=settings.index.max_pages
        )
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
        f"in {time.perf_counter() - started:.1f} s{_stages(result)} -> {folder}"
    )
    for warning in manifest.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return 0


def _stages(result: BuildResult) -> str:
    """Where a rebuild's time went: " (reading 30.2 s, embedding 437,126 tokens 54.1 s)"."""
    if not result.stages:
        return ""
    return (
        f" (reading {result.stages['read']:.1f} s, embedding {result.tokens:,} tokens {result.stages['embed']:.1f} s)"
    )


def _slides(args: argparse.Namespace, settings: Settings) -> int:
    from qa.deckqa import open_deck_index

    index = open_deck_index(settings)
    width = len(str(len(index.slides)))
    for slide in index.slides:
        print(f"{slide.number:>{width}}  {slide.title}")
    return 0
