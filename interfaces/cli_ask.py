"""`ask` and `serve` subcommands."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from qa.settings import Settings
from understand.question import QuestionError, validate_question


def add_ask_command(commands: Any) -> None:
    ask = commands.add_parser("ask", help="answer a question (or a batch of them)")
    ask.add_argument("question", nargs="?", help="the question; '-' reads questions from stdin, one per line")
    ask.add_argument("--json", action="store_true", help="print the Answer as JSON")
    ask.add_argument("--batch", type=Path, help="file with one question per line ('-' for stdin); writes JSON Lines")
    ask.add_argument("--out", type=Path, help="with --batch: write JSON Lines here instead of stdout")
    ask.set_defaults(handler=_ask)


def add_serve_command(commands: Any) -> None:
    serve = commands.add_parser("serve", help="run the HTTP API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--insecure", action="store_true", help="allow a non-loopback host without API keys")
    serve.add_argument(
        "--workers", type=_positive, default=1, help="worker processes sharing the read-only index (default 1)"
    )
    serve.set_defaults(handler=_serve)


def _ask(args: argparse.Namespace, settings: Settings) -> int:
    if args.batch is not None or args.question == "-":
        source = args.batch if args.batch is not None else Path("-")
        return _ask_batch(source, args.out, settings)
    if args.question is None:
        print("error: give a question, '-' for stdin, or --batch FILE", file=sys.stderr)
        return 2
    try:
        question = validate_question(args.question)
    except QuestionError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    from qa.deckqa import DeckQA

    answer = DeckQA.load(settings).ask(question)
    if args.json:
        print(answer.model_dump_json(indent=2))
    else:
        print(answer.answer)
        if answer.citations:
            print()
            for citation in answer.citations:
                print(f"  [Slide {citation.slide}] {citation.title}: {citation.text[:160]}")
    return 0


def _ask_batch(source: Path, out: Path | None, settings: Settings) -> int:
    if str(source) == "-":
        lines = sys.stdin.read().splitlines()
    else:
        if not source.exists():
            print(f"error: batch file not found: {source}", file=sys.stderr)
            return 2
        lines = source.read_text(encoding="utf-8").splitlines()
    questions = [line for line in lines if line.strip()]
    if not questions:
        print("error: no questions in the batch", file=sys.stderr)
        return 2
    for number, question in enumerate(questions, start=1):
        try:
            validate_question(question)
        except QuestionError as error:
            print(f"error: line {number}: {error}", file=sys.stderr)
            return 2
    from tqdm import tqdm

    from qa.deckqa import DeckQA

    deck = DeckQA.load(settings)
    handle = out.open("w", encoding="utf-8") if out else sys.stdout
    try:
        for question in tqdm(questions, desc="answering", unit="q", file=sys.stderr, disable=len(questions) < 3):
            handle.write(json.dumps(deck.ask(question).model_dump(), ensure_ascii=False) + "\n")
    finally:
        if out:
            handle.close()
    return 0


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    from interfaces.server import run_server

    return run_server(settings, host=args.host, port=args.port, insecure=args.insecure, workers=args.workers)


def _positive(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return number
