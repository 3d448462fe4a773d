"""Answer every gold item, score the answers, and gate on thresholds.

Python API (what the CI gate uses)::

    from eval.gold import load_gold
    from eval.runner import run_evaluation, threshold_failures
    evaluation = run_evaluation(load_gold(path), deck)          # deck: a loaded DeckQA
    failed, notes = threshold_failures(evaluation.ours.summary["metrics"], {"hit3": 0.95})

`python -m eval run ...` (see eval/README.md) is `run_command`.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eval.gold import GoldError, GoldItem, check_slide_range, load_gold
from eval.judge import build_judge, judge_item, summarize_judgements
from eval.scoring import METRIC_BY_KEY, ItemResult, errored_item, score_item, summarize

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from eval.baseline import LangChainBaseline
    from qa.answer import Answer
    from qa.deckqa import DeckQA
    from qa.settings import Settings

EXIT_OK = 0
EXIT_BELOW_THRESHOLD = 1
EXIT_BAD_INPUT = 2
# Metrics a `--min-*` flag can gate on: all the 0-1 rates (latency is measured by the
# bench, never asserted).
GATED_METRICS = tuple(key for key, metric in METRIC_BY_KEY.items() if metric.is_rate and metric.higher_is_better)
JUDGE_NOT_REQUESTED = "not requested (pass --judge)"


@dataclass
class SystemRun:
    """One system's answers to the gold items, scored."""

    name: str
    results: list[ItemResult]
    summary: dict[str, Any]


@dataclass
class Evaluation:
    gold_path: str
    deck_title: str
    deck_path: str  # the index's copy of the document
    deck_name: str  # the file the index was built from
    started_at: str
    ours: SystemRun
    baseline: SystemRun | None = None
    judge: dict[str, Any] = field(default_factory=lambda: {"status": JUDGE_NOT_REQUESTED})


def answer_all(
    items: Sequence[GoldItem],
    ask: Callable[[dict[str, Any]], Answer],
    value_rule: str,
    label: str,
    progress: bool = True,
) -> tuple[list[ItemResult], dict[str, list[str]]]:
    """Ask every item in turn (one at a time, so each latency is the answer's own) and
    score it. Returns the results and each item's cited passages (for the judge). An
    item whose answering raises is scored wrong with the error kept, not fatal."""
    from tqdm import tqdm

    results: list[ItemResult] = []
    passages: dict[str, list[str]] = {}
    for item in tqdm(items, desc=label, unit="q", file=sys.stderr, disable=not progress):
        started = time.perf_counter()
        try:
            answer = ask(item.data)
        except Exception as error:  # recorded in the result and the failures list
            results.append(errored_item(item.data, error, time.perf_counter() - started))
            continue
        seconds = time.perf_counter() - started
        results.append(score_item(item.data, answer, seconds, value_rule))
        passages[item.id] = [citation.text for citation in answer.citations]
    return results, passages


def run_evaluation(
    items: Sequence[GoldItem],
    deck: DeckQA,
    *,
    baseline: LangChainBaseline | None = None,
    judge_model: BaseChatModel | None = None,
    judge_status: str = JUDGE_NOT_REQUESTED,
    gold_path: Path | str = "",
    progress: bool = True,
) -> Evaluation:
    """Answer `items` with `deck` (and `baseline` when given), score both, and judge
    our answers with `judge_model` when given."""
    started_at = datetime.now(UTC).isoformat(timespec="seconds")

    def ask_ours(item: dict[str, Any]) -> Answer:
        return deck.ask(item["question"], history=item["history"])

    results, passages = answer_all(items, ask_ours, "stated", "ours", progress)
    evaluation = Evaluation(
        gold_path=str(gold_path),
        deck_title=deck.title,
        deck_path=str(deck.index.pdf_path),
        deck_name=deck.index.manifest.deck_name,
        started_at=started_at,
        ours=SystemRun("ours", results, summarize(results)),
        judge={"status": judge_status},
    )
    if baseline is not None:
        ask_baseline = baseline.ask
        base_results, _ = answer_all(
            items, lambda item: ask_baseline(item["question"]), "printed", "baseline", progress
        )
        evaluation.baseline = SystemRun("baseline", base_results, summarize(base_results))
    if judge_model is not None:
        judgements = [
            judge_item(judge_model, result, passages.get(result.id, []))
            for result in _progress(results, "judge", progress)
        ]
        evaluation.judge = {"status": judge_status, **summarize_judgements(judgements), "items": judgements}
    return evaluation


def _progress(results: Sequence[ItemResult], label: str, enabled: bool) -> Any:
    from tqdm import tqdm

    return tqdm(results, desc=label, unit="q", file=sys.stderr, disable=not enabled)


def threshold_failures(
    metrics: Mapping[str, float | None], minimums: Mapping[str, float]
) -> tuple[list[str], list[str]]:
    """(failures, notes) for `minimums` (metric key -> lowest acceptable value).
    A metric with nothing to measure (None, e.g. refusal precision when nothing was
    refused) cannot fail; it is named in the notes instead."""
    failures, notes = [], []
    for key, minimum in minimums.items():
        value = metrics.get(key)
        if value is None:
            notes.append(f"{key}: not measurable on this gold set (threshold {minimum:.3f} not applied)")
        elif value < minimum:
            failures.append(f"{key} {value:.3f} < {minimum:.3f}")
    return failures, notes


def add_run_arguments(parser: argparse.ArgumentParser) -> None:
    """The `run` subcommand's options, one `--min-<metric>` per gated metric."""
    parser.add_argument(
        "--gold", type=Path, required=True, help="gold file (JSON Lines, see eval/README.md), or a folder of them"
    )
    parser.add_argument("--split", choices=("dev", "test"), help="only the items of this split")
    parser.add_argument("--out", type=Path, required=True, help="folder for report.md, report.json, charts")
    parser.add_argument("--baseline", action="store_true", help="also run and score the LangChain baseline")
    parser.add_argument("--judge", action="store_true", help="add LLM-judged metrics (needs DECKQA_LLM)")
    parser.add_argument("--limit", type=int, help="only the first N items (after validating the whole file)")
    for key in GATED_METRICS:
        parser.add_argument(
            f"--min-{key.replace('_', '-')}",
            dest=f"min_{key}",
            type=_share,
            metavar="X",
            help=f"exit 1 if {METRIC_BY_KEY[key].label.lower()} is below X (0-1)",
        )


def _share(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"{text} is not between 0 and 1")
    return value


def run_command(args: argparse.Namespace) -> int:
    """`python -m eval run`: exit 0, 1 (below a threshold) or 2 (bad input). A folder of
    gold files runs each (its report in `--out/<file stem>/`) and prints a line per file."""
    if not args.gold.is_dir():
        return _run_one(args)
    files = sorted(args.gold.glob("*.jsonl"))
    if not files:
        print(f"error: no *.jsonl gold files in {args.gold}", file=sys.stderr)
        return EXIT_BAD_INPUT
    from eval.documents import document_row, write_documents

    codes, rows = [], []
    for path in files:
        print(f"== {path.name}")
        out = args.out / path.stem
        codes.append(_run_one(argparse.Namespace(**{**vars(args), "gold": path, "out": out})))
        if codes[-1] != EXIT_BAD_INPUT:
            rows.append(document_row(path.stem, json.loads((out / "report.json").read_text(encoding="utf-8"))))
    if rows:
        written = write_documents(rows, args.out)
        print(f"per document: {written[0]}")
    return max(codes)


def open_deck_for(items: Sequence[GoldItem], settings: Settings | None = None) -> DeckQA:
    """The deck a gold file's items are about: the PDF they name, indexed beside the
    configured index, else the configured deck. Raises GoldError when they name several."""
    from qa.deckqa import DeckQA
    from qa.settings import REPO_ROOT, Settings

    settings = settings or Settings.from_env()
    documents = {item.data.get("document") for item in items} - {None}
    if len(documents) > 1:
        raise GoldError(f"items name {len(documents)} documents; one gold file is one document")
    if documents:
        # A gold file about another document: its own index, in the index cache.
        settings = settings.for_document(REPO_ROOT / documents.pop())
    return DeckQA.load(settings)


def _run_one(args: argparse.Namespace) -> int:
    minimums = {key: getattr(args, f"min_{key}") for key in GATED_METRICS if getattr(args, f"min_{key}") is not None}
    if args.limit is not None and args.limit < 1:
        print("error: --limit must be at least 1", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        items = load_gold(args.gold)
    except GoldError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    from ingest.embedding import shared_embedder
    from ingest.errors import DeckError, StaleIndexError
    from llm.models import LLMConfigError
    from qa.settings import Settings

    settings = Settings.from_env()
    if args.split:
        items = [item for item in items if item.data.get("split") == args.split]
    try:
        deck = open_deck_for(items, settings)
        check_slide_range(args.gold, items, len(deck.index.slides))
    except (DeckError, StaleIndexError, GoldError, LLMConfigError) as error:
        print(f"error: {args.gold}: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    items = items[: args.limit] if args.limit else items
    baseline = None
    if args.baseline:
        from eval.baseline import LangChainBaseline

        baseline = LangChainBaseline(deck.index.pdf_path, shared_embedder(settings.index.embedding_model))
    judge_model, judge_status = None, JUDGE_NOT_REQUESTED
    if args.judge:
        setup = build_judge(settings)
        judge_model, judge_status = setup.model, setup.message
        if judge_model is None:
            print(judge_status, file=sys.stderr)
    evaluation = run_evaluation(
        items, deck, baseline=baseline, judge_model=judge_model, judge_status=judge_status, gold_path=args.gold
    )
    from eval.report import format_summary, write_report

    failures, notes = threshold_failures(evaluation.ours.summary["metrics"], minimums)
    write_report(evaluation, args.out, thresholds=minimums, threshold_failures=failures)
    print(format_summary(evaluation))
    print(f"report: {args.out / 'report.md'}")
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    if failures:
        print(f"FAILED thresholds: {'; '.join(failures)}", file=sys.stderr)
        return EXIT_BELOW_THRESHOLD
    return EXIT_OK
