"""`python -m qa library ...`: add, list, rename and remove documents, ask across them, and
grant API keys collections. The library lives in DECKQA_LIBRARY_DIR."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path
from typing import Any

from ingest.errors import DeckQAError
from qa.settings import Settings

EXIT_ERROR = 2


def add_library_command(commands: Any) -> None:
    library = commands.add_parser(
        "library",
        help="the document library: add, list, rename, remove, ask, keys",
        description="Documents in collections, each with its own index, in DECKQA_LIBRARY_DIR.",
    )
    actions = library.add_subparsers(dest="action", required=True)

    add = actions.add_parser("add", help="add PDFs (files or folders) to a collection")
    add.add_argument("pdfs", nargs="+", type=Path)
    add.add_argument("--collection", help="collection to add to (default: DECKQA_COLLECTION)")
    add.add_argument("--title", help="the document's title (one PDF only; default: its own)")
    add.add_argument("--password", help="password of an encrypted PDF ('-' to type it unseen); never stored")
    add.set_defaults(handler=_add)

    listing = actions.add_parser("list", help="list documents")
    listing.add_argument("--collection", help="only this collection's documents")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=_list)

    rename = actions.add_parser("rename", help="give a document another title")
    rename.add_argument("document", help="document id")
    rename.add_argument("title")
    rename.set_defaults(handler=_rename)

    remove = actions.add_parser("remove", help="remove a document (from one collection, or entirely)")
    remove.add_argument("document", help="document id")
    remove.add_argument("--collection", help="only from this collection (deleted once in none)")
    remove.set_defaults(handler=_remove)

    ask = actions.add_parser("ask", help="ask a question across documents")
    ask.add_argument("question")
    ask.add_argument("--collection", help="the collection's documents (default: every document)")
    ask.add_argument("--document", action="append", default=[], help="a document id (repeat for several)")
    ask.add_argument("--json", action="store_true", help="print the Answer as JSON")
    ask.set_defaults(handler=_ask)

    keys = actions.add_parser("key", help="API keys and the collections they are granted")
    key_actions = keys.add_subparsers(dest="key_action", required=True)
    key_add = key_actions.add_parser("add", help="create a key (printed once; only its hash is kept)")
    key_add.add_argument("label", help="a name for the key (who holds it)")
    key_add.add_argument("--read", action="append", default=[], help="a collection it may read (repeat)")
    key_add.add_argument("--write", action="append", default=[], help="a collection it may read and change (repeat)")
    key_add.set_defaults(handler=_key_add)
    key_list = key_actions.add_parser("list", help="list keys by label, with their grants")
    key_list.set_defaults(handler=_key_list)
    key_remove = key_actions.add_parser("remove", help="revoke a key")
    key_remove.add_argument("label")
    key_remove.set_defaults(handler=_key_remove)


def _library(settings: Settings) -> Any:
    from library.store import open_library

    return open_library(settings.library)


def _add(args: argparse.Namespace, settings: Settings) -> int:
    from tqdm import tqdm

    from interfaces.cli_ingest import pdfs_in
    from library.ask import LibraryQA

    pdfs = pdfs_in(args.pdfs)
    if args.title and len(pdfs) > 1:
        raise DeckQAError("--title names one document; give one PDF")
    password = getpass.getpass("PDF password: ") if args.password == "-" else args.password
    collection = args.collection or settings.library.collection
    library = LibraryQA(_library(settings), settings)
    failed = 0
    with tqdm(total=len(pdfs), desc="adding", unit="document", file=sys.stderr, disable=None) as bar:
        for pdf in pdfs:
            try:
                document, new = library.add(pdf, collection, title=args.title, password=password)
            except DeckQAError as error:
                bar.write(f"error: {pdf}: {error}", file=sys.stderr)
                failed += 1
            else:
                state = "added" if new else "already in the library; now also"
                bar.write(f"{document.id}  {document.label}: {state} in {collection}", file=sys.stdout)
                for note in document.notes:
                    bar.write(f"note: {pdf.name}: {note}", file=sys.stderr)
            bar.update()
    return EXIT_ERROR if failed else 0


def _list(args: argparse.Namespace, settings: Settings) -> int:
    collections = {args.collection} if args.collection else None
    documents = _library(settings).documents(collections)
    if args.json:
        from dataclasses import asdict

        print(json.dumps([asdict(document) for document in documents], indent=2))
        return 0
    if not documents:
        print("no documents" + (f" in {args.collection}" if args.collection else ""), file=sys.stderr)
    for document in documents:
        where = ", ".join(document.collections)
        print(f"{document.id}  {document.pages:>4} pages  {document.kind:<16} {document.title}  [{where}]")
    return 0


def _rename(args: argparse.Namespace, settings: Settings) -> int:
    document = _library(settings).rename(args.document, args.title)
    print(f"{document.id}  {document.title}")
    return 0


def _remove(args: argparse.Namespace, settings: Settings) -> int:
    collections = [args.collection] if args.collection else None
    deleted = _library(settings).remove(args.document, collections)
    print(f"{args.document}: " + ("deleted" if deleted else f"removed from {args.collection}"))
    return 0


def _ask(args: argparse.Namespace, settings: Settings) -> int:
    from library.ask import LibraryQA
    from understand.question import validate_question

    question = validate_question(args.question)
    library = _library(settings)
    documents = library.documents({args.collection} if args.collection else None)
    if args.document:
        unknown = sorted(set(args.document) - {document.id for document in documents})
        if unknown:
            raise DeckQAError(
                f"no document {', '.join(unknown)}" + (f" in {args.collection}" if args.collection else "")
            )
        documents = [document for document in documents if document.id in args.document]
    answer = LibraryQA(library, settings).ask(question, documents)
    if args.json:
        print(answer.model_dump_json(indent=2))
        return 0
    print(answer.answer)
    for citation in answer.citations:
        print(f"  [{citation.document_title}, p. {citation.slide}] {citation.title}: {citation.text[:140]}")
    return 0


def _key_add(args: argparse.Namespace, settings: Settings) -> int:
    grants = {collection: "read" for collection in args.read}
    grants.update({collection: "write" for collection in args.write})
    key = _library(settings).add_key(args.label, grants)
    print(key)
    print("keep this key: it is not shown again", file=sys.stderr)
    return 0


def _key_list(args: argparse.Namespace, settings: Settings) -> int:
    for label, grants in _library(settings).api_keys():
        print(f"{label}: " + ", ".join(f"{collection} ({access})" for collection, access in sorted(grants.items())))
    return 0


def _key_remove(args: argparse.Namespace, settings: Settings) -> int:
    _library(settings).remove_key(args.label)
    print(f"revoked {args.label}")
    return 0
