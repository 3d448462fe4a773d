"""Fit the figure ranker (`figures/ranker.py`) on gold items, and measure it across
documents without fitting on the one measured.

- `python -m eval fit-ranker --out figures/ranker.json` fits on the `dev` items of every
  gold file (default: eval/gold.jsonl and eval/gold/) and writes the weights.
- `python -m eval loo --out DIR` fits once per document on the other documents' `dev`
  items, answers this document's `test` items with those weights, and writes each
  document's report and the table across them.

Two models (fitting only; answering reads the weights from JSON):
1. the score: a linear score whose softmax over a question's candidate facts puts the
   right one first (listwise, L2-regularised, fitted with SciPy's L-BFGS). A fact is right
   when its value is the gold value (`eval.scoring.score_value`) on a gold page. Each
   question weighs the same;
2. the confidence: is the best fact right? A logistic regression (scikit-learn) on the
   best fact's CONFIDENCE_FEATURES, learned from how the score does on documents it was
   not fitted on; out-of-scope questions are "no" whatever ranks first.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from eval.gold import GoldError, GoldItem, load_gold
from eval.scoring import score_value
from figures.lookup import Candidates, confidence_features
from figures.ranker import CONFIDENCE_FEATURES, FEATURES, Ranker
from ingest.index_store import DECK_COPY

if TYPE_CHECKING:
    from qa.deckqa import DeckQA

# Facts a question's softmax runs over: the best-ranked (the ones that compete).
CANDIDATES = 200
# L2 penalty on the score's weights, and inverse regularisation of the confidence's
# logistic regression (scikit-learn's default).
L2 = 100.0
REGULARISATION = 1.0
# The best fact is answered when the confidence that it is right reaches this.
CONFIDENCE_THRESHOLD = 0.5
# Ranked facts the confidence reads (the best and its rivals).
CONFIDENCE_DEPTH = 40
# Where the fit starts and what it is drawn back to: the weights the score had when it
# was set by hand (on the bundled deck). With few questions per document, the fit moves
# them only as far as the questions agree.
PRIOR = {
    "dense": 1.0,
    "narrow": 0.6,
    "wide": 0.6,
    "metric": 0.3,
    "row_asked": 0.3,
    "period_exact": 0.3,
    "period_part_of_year": 0.1,
    "period_context": 0.1,
    "period_page": -0.25,
    "period_other": -0.6,
    "target_asked_is": 0.2,
    "target_asked_not": -0.1,
    "target_unasked_is": -0.05,
    "change_asked_is": 0.15,
    "change_unasked_is": -0.3,
    "percent_asked_is": 0.2,
    "percent_asked_not": -0.15,
    "percent_unasked_is": -0.2,
    "year_mismatch": -0.4,
    "count_asked_amount": -0.2,
    "points_asked_is": 0.3,
    "points_asked_money": -0.3,
    "money_asked_not": -0.4,
    "part_unasked": -0.3,
    "negated_asked": -0.3,
    "names_missing": 0.0,
    "prose": 0.0,
    "statement": 0.2,
}


@dataclass
class Example:
    """One gold question as the lookup sees it: every fact's features and which are right
    (all wrong for an out-of-scope question)."""

    document: str
    item_id: str
    candidates: Candidates
    right: np.ndarray
    answerable: bool
    values: list[tuple[float, str]]

    @property
    def features(self) -> np.ndarray:
        return self.candidates.features


def gold_files(paths: Sequence[Path]) -> list[Path]:
    """The gold files named: files as given, folders as their *.jsonl files."""
    files: list[Path] = []
    for path in paths:
        files.extend(sorted(path.glob("*.jsonl")) if path.is_dir() else [path])
    return files


def examples_for(path: Path, split: str | None) -> list[Example]:
    """The numeric and out-of-scope items of one gold file (of `split`), as examples."""
    from eval.runner import open_deck_for
    from understand.question import without_names

    items = load_gold(path)
    deck = open_deck_for(items)
    document = document_name(items, deck)
    lookup = deck.lookup
    chosen = [
        item for item in items if (split is None or item.data.get("split") == split) and item.data["kind"] in KINDS
    ]
    found = []
    for item in chosen:
        data = item.data
        understanding = deck._understand(data["question"], data.get("history"), False)
        question = lookup.spelled_out(without_names(understanding.standalone, lookup._long_names))
        candidates = lookup.features(question)
        if data["kind"] == "numeric":
            # The gold value on a gold page: the same number elsewhere is another figure.
            pages = set(data.get("gold_slides") or [fact.slide for fact in lookup.facts])
            right = np.array(
                [
                    fact.slide in pages and score_value(data["expected"], "", (fact.value, fact.unit), False).correct
                    for fact in lookup.facts
                ]
            )
        else:
            right = np.zeros(len(lookup.facts), dtype=bool)
        values = [(fact.value, fact.unit) for fact in lookup.facts]
        found.append(Example(document, item.id, candidates, right, data["kind"] == "numeric", values))
    return found


KINDS = ("numeric", "out_of_scope")


def document_name(items: Sequence[GoldItem], deck: DeckQA | None) -> str:
    """The file stem of the PDF gold items are about (the one they name, else the deck's:
    the configured deck when `deck` is None)."""
    named = next((item.data["document"] for item in items if item.data.get("document")), None)
    if named:
        return Path(named).stem
    return Path(deck.index.pdf_path).stem if deck is not None else Path(DECK_COPY).stem


def fit(examples: Sequence[Example]) -> Ranker:
    """The score's weights fitted on `examples`, then the confidence on how those weights
    rank the same examples."""
    from sklearn.linear_model import LogisticRegression

    weights = fit_weights(examples)
    ranker = Ranker(weights, np.zeros(len(CONFIDENCE_FEATURES)), 0.0, CONFIDENCE_THRESHOLD)
    rows, outcome = [], []
    for example in examples:
        features, best_right, answerable = confidence_row(ranker, example)
        if answerable:  # the others are not answered whatever the confidence
            rows.append([features[name] for name in CONFIDENCE_FEATURES])
            outcome.append(best_right)
    confidence = LogisticRegression(C=REGULARISATION, max_iter=5000)
    confidence.fit(np.array(rows), np.array(outcome))
    return Ranker(
        weights,
        confidence.coef_[0],
        float(confidence.intercept_[0]),
        threshold=CONFIDENCE_THRESHOLD,
        fitted={
            "on": sorted({example.document for example in examples}),
            "questions": len(examples),
            "date": dt.date.today().isoformat(),
        },
    )


def fit_weights(examples: Sequence[Example], l2: float | None = None) -> np.ndarray:
    """The score's weights, from PRIOR towards what `examples` ask for, fitted twice: the
    candidates are first the facts PRIOR ranks highest, then those the first fit does."""
    from scipy.optimize import minimize

    prior = np.array([PRIOR[name] for name in FEATURES])
    penalty = L2 if l2 is None else l2
    weights = prior.copy()
    for _ in range(2):
        groups = [group for example in examples if (group := _candidates(example, weights)) is not None]
        if not groups:
            return weights
        weights = minimize(_softmax_loss, weights, args=(groups, prior, penalty), jac=True, method="L-BFGS-B").x
    return weights


def _softmax_loss(
    weights: np.ndarray, groups: list[np.ndarray], prior: np.ndarray, penalty: float
) -> tuple[float, np.ndarray]:
    """Mean cross-entropy of putting each group's first row (the right fact) first, plus
    the L2 penalty on the distance from the prior; and its gradient."""
    total, gradient = 0.0, np.zeros_like(weights)
    for features in groups:
        scores = features @ weights
        scores -= scores.max()
        probability = np.exp(scores)
        probability /= probability.sum()
        total -= math.log(max(probability[0], 1e-300))
        gradient += features.T @ probability - features[0]
    distance = weights - prior
    return (
        total / len(groups) + penalty * float(distance @ distance),
        gradient / len(groups) + 2 * penalty * distance,
    )


def _candidates(example: Example, weights: np.ndarray) -> np.ndarray | None:
    """A question's candidate facts, the right one first (of several rows printing the
    right figure, the one ranked highest; the others are left out), then the CANDIDATES
    best-ranked wrong ones. None when the question has no right fact."""
    if not example.answerable or not example.right.any():
        return None
    scores = example.features @ weights
    right = np.flatnonzero(example.right)
    best_right = int(right[np.argmax(scores[right])])
    wrong = [int(i) for i in np.argsort(-scores, kind="stable") if not example.right[i]][:CANDIDATES]
    return example.features[[best_right, *wrong]]


def confidence_row(ranker: Ranker, example: Example) -> tuple[dict[str, float], bool, bool]:
    """The best fact's confidence features under `ranker`, whether it is right, and
    whether it can be answered at all (its period fits, its description names the metric)."""
    scores = ranker.score(example.features)
    order = np.argsort(-scores, kind="stable")[:CONFIDENCE_DEPTH]
    best = int(order[0])
    candidates = example.candidates
    return (
        confidence_features(candidates, scores, order, example.values),
        bool(example.right[best]),
        bool(candidates.period_ok[best] and candidates.head_found[best]),
    )


def top_right(ranker: Ranker, examples: Sequence[Example]) -> tuple[int, int]:
    """(questions whose best-ranked fact is right, answerable questions with a right fact)."""
    held = [example for example in examples if example.answerable and example.right.any()]
    right = sum(bool(example.right[int(np.argmax(ranker.score(example.features)))]) for example in held)
    return right, len(held)


def add_fit_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--gold",
        type=Path,
        nargs="+",
        default=[Path("eval/gold.jsonl"), Path("eval/gold")],
        help="gold files or folders of them (default: the deck's and the corpus's)",
    )
    parser.add_argument(
        "--out", type=Path, required=True, help="where to write (fit-ranker: a JSON file; loo: a folder)"
    )


def fit_command(args: argparse.Namespace) -> int:
    """`python -m eval fit-ranker`: fit on every gold file's dev items and write the weights."""
    try:
        examples = _examples(args.gold, "dev")
    except GoldError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    ranker = fit(examples)
    ranker.save(args.out)
    right, held = top_right(ranker, examples)
    print(f"fitted on {len(examples)} dev questions of {len(ranker.fitted['on'])} documents")
    print(f"best-ranked fact right (in sample): {right}/{held}")
    print(f"written: {args.out}")
    return 0


def loo_command(args: argparse.Namespace) -> int:
    """`python -m eval loo`: per document, fit on the dev items of the other companies'
    documents (a deck is its own company), answer its test items with those weights; a
    report per document and the tables across documents and companies."""
    from eval.documents import company_of, document_row, write_documents
    from eval.report import write_report
    from eval.runner import open_deck_for, run_evaluation

    try:
        files = gold_files(args.gold)
        examples = _examples(files, "dev")
    except GoldError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    rows = []
    names = {path: document_name(load_gold(path), None) for path in files}
    companies = {path: company_of(name) for path, name in names.items()}
    for path in files:
        items = load_gold(path)
        deck = open_deck_for(items)
        document = document_name(items, deck)
        # Leave the company out, not the document: its other filings are as unseen.
        others = {names[other] for other in files if companies[other] != companies[path]}
        ranker = fit([example for example in examples if example.document in others])
        ranker.save(args.out / f"ranker-without-{document}.json")  # and its company's other documents
        deck.lookup.ranker = ranker
        test = [item for item in items if item.data.get("split") == "test"]
        evaluation = run_evaluation(test, deck, gold_path=path, progress=False)
        write_report(evaluation, args.out / document)
        report = json.loads((args.out / document / "report.json").read_text(encoding="utf-8"))
        rows.append(document_row(document, report))
        row = rows[-1]
        print(
            f"{document}: numeric {row.numeric[0]}/{row.numeric[1]}, derived {row.derived[0]}/{row.derived[1]}, "
            f"out of scope refused {row.out_of_scope_refused[0]}/{row.out_of_scope_refused[1]}, "
            f"answerable refused {row.answerable_refused[0]}/{row.answerable_refused[1]}"
        )
    for written in write_documents(rows, args.out):
        print(f"written: {written}")
    return 0


def _examples(paths: Sequence[Path], split: str) -> list[Example]:
    return [example for path in gold_files(paths) for example in examples_for(path, split)]
