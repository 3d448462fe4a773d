"""`python -m qa ingest|slides|ask|serve|library`: the command line. Errors are one line on
stderr and exit code 2."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Sequence
from pathlib import Path

from ingest.errors import DeckQAError
from qa.settings import Settings

EXIT_USAGE = 2


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

    ingest = commands.add_parser(
        "ingest",
        help="build the index for a deck PDF, or for many (files or folders of PDFs)",
        description="One PDF: its index in --index-dir (default DECKQA_INDEX_DIR). Several, or a folder: "
        "each its own index in the index cache (DECKQA_CACHE_DIR), or under --index-dir.",
    )
    ingest.add_argument("decks", nargs="*", type=Path, help="PDFs or folders of PDFs (default: the bundled deck)")
    ingest.add_argument("--force", action="store_true", help="rebuild even if the index is current")
    ingest.add_argument("--index-dir", type=Path, help="index folder (default: DECKQA_INDEX_DIR)")
    ingest.add_argument(
        "--password",
        help="password of an encrypted PDF that asks for one ('-' to type it unseen); used once, never stored",
    )
    ingest.set_defaults(handler=_ingest)

    slides = commands.add_parser("slides", help="list slide numbers and titles")
    slides.set_defaults(handler=_slides)

    from interfaces.cli_ask import add_ask_command, add_serve_command
    from interfaces.cli_library import add_library_command

    add_ask_command(commands)
    add_serve_command(commands)
    add_library_command(commands)
    return parser


def _ingest(args: argparse.Namespace, settings: Settings) -> int:
    from interfaces.cli_ingest import ingest_many, ingest_one, pdfs_in

    password = getpass.getpass("PDF password: ") if args.password == "-" else args.password
    decks = pdfs_in(args.decks)
    if len(args.decks) <= 1 and len(decks) == 1 and not (args.decks and args.decks[0].is_dir()):
        folder = args.index_dir or settings.index.dir
        return ingest_one(decks[0] if args.decks else settings.index.deck, folder, settings, args.force, password)
    return ingest_many(decks, args.index_dir, settings, args.force, password)


def _slides(args: argparse.Namespace, settings: Settings) -> int:
    from qa.deckqa import open_deck_index

    index = open_deck_index(settings)
    width = len(str(len(index.slides)))
    for slide in index.slides:
        print(f"{slide.number:>{width}}  {slide.title}")
    return 0
