"""Score one answer against one gold item (figures, key points, refusals, retrieval,
citations) and summarise a run. Pure functions over plain data; no I/O, no model.

The rules follow eval/README.md ("Expected answers", "Retrieval / citation scoring");
choices the README leaves open are documented where they are made and in the README's
"Runner" section.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from qa.answer import Trace

from eval.figures import MARKUP_RE, SLIDE_MARKER_RE, Amount, convert_amount, find_amounts, headline_amount, parse_unit
from ingest.readable import answer_is_fragment

# Float noise allowed on top of an item's tolerance, relative to the size of the value:
# converting "JPY21.266 billion" to millions gives 21266.000000000004.
FLOAT_SLACK = 1e-9


@dataclass(frozen=True)
class ValueVerdict:
    correct: bool
    got: float | None
    reason: str


def within_tolerance(got: float, expected: dict) -> bool:
    """|got - value| <= tolerance, comparing magnitudes for sign-insensitive items."""
    value = float(expected["value"])
    if expected.get("sign_insensitive"):
        got, value = abs(got), abs(value)
    slack = FLOAT_SLACK * max(1.0, abs(value))
    return abs(got - value) <= float(expected.get("tolerance", 0.0)) + slack


def score_value(expected: dict, answer_text: str, stated: tuple[float, str] | None, refused: bool) -> ValueVerdict:
    """Score a figure. `stated` is the answer's structured (number, unit) when it has
    one: that is the system's own claim and is scored instead of the text. Otherwise
    the headline figure of `answer_text` is scored."""
    unit = expected["unit"]
    if refused:
        return ValueVerdict(False, None, "refused an answerable question")
    if stated is not None:
        number, stated_unit = stated
        family, scale = parse_unit(stated_unit)
        got = convert_amount(Amount(number, family, scale, raw=f"{number} {stated_unit}"), unit)
        if got is None:
            return ValueVerdict(False, None, f"answer value is in {stated_unit!r}, which is not convertible to {unit}")
        source = "value"
    else:
        amount = headline_amount(answer_text, unit)
        if amount is None:
            return ValueVerdict(False, None, f"no figure convertible to {unit} in the answer")
        got = convert_amount(amount, unit)
        assert got is not None  # headline_amount only returns convertible amounts
        source = f"text {amount.raw!r}"
    if within_tolerance(got, expected):
        return ValueVerdict(True, got, "")
    return ValueVerdict(False, got, f"expected {_number(expected['value'])} {unit}, got {_number(got)} (from {source})")


def value_printed_in(text: str, expected: dict) -> bool:
    """The baseline's generous rule: the expected figure occurs in `text` as the deck
    prints it, i.e. some figure in the text equals the value (after unit conversion,
    within tolerance), ignoring sign since the deck prints outflows in parentheses."""
    magnitude = {**expected, "sign_insensitive": True}
    for amount in find_amounts(text):
        got = convert_amount(amount, expected["unit"])
        if got is not None and within_tolerance(got, magnitude):
            return True
    return False


def _number(value: float) -> str:
    return f"{value:,.4f}".rstrip("0").rstrip(".")


# --- key points --------------------------------------------------------------------


def normalise_text(text: str) -> str:
    """Case-folded, every whitespace run collapsed to one space, stripped."""
    return " ".join(text.casefold().split())


def answer_plain_text(answer: str) -> str:
    """The answer as a reader sees it: no [Slide N] markers, no bold/italic/code marks.
    (Markup is rendering, not wording; the README's matching rule is applied after.)"""
    return MARKUP_RE.sub("", SLIDE_MARKER_RE.sub(" ", answer))


@dataclass(frozen=True)
class KeyPointVerdict:
    found: tuple[str, ...]
    missing: tuple[str, ...]
    recall: float
    correct: bool


def score_key_points(answer_text: str, key_points: Sequence[str], refused: bool) -> KeyPointVerdict:
    """A key point is found when its normalised form is a substring of the normalised
    answer. Correct when at least ceil(n / 2) are found and the answer is no refusal."""
    haystack = normalise_text(answer_plain_text(answer_text))
    found = tuple(point for point in key_points if normalise_text(point) in haystack)
    missing = tuple(point for point in key_points if point not in found)
    recall = len(found) / len(key_points) if key_points else 0.0
    needed = math.ceil(len(key_points) / 2)
    return KeyPointVerdict(found, missing, recall, bool(key_points) and not refused and len(found) >= needed)


# --- retrieval, citations, refusals ---------------------------------------------------


def ranked_slides(cited: Sequence[int], retrieved: Sequence[int]) -> list[int]:
    """The ranked list scored for hit@k / MRR: cited slides in citation order, then the
    retriever's slides (`Answer.debug.retrieved_slides`), each slide once."""
    ranked: list[int] = []
    for slide in [*cited, *retrieved]:
        if slide not in ranked:
            ranked.append(slide)
    return ranked


@dataclass(frozen=True)
class RetrievalScore:
    hit1: bool
    hit3: bool
    reciprocal_rank: float
    hit5: bool = False


def score_retrieval(ranked: Sequence[int], gold_slides: Sequence[int]) -> RetrievalScore:
    gold = set(gold_slides)
    rank = next((position for position, slide in enumerate(ranked, start=1) if slide in gold), None)
    if rank is None:
        return RetrievalScore(False, False, 0.0)
    return RetrievalScore(rank == 1, rank <= 3, 1.0 / rank, rank <= 5)


@dataclass(frozen=True)
class CitationScore:
    precision: float | None  # None when nothing is cited
    recall: float
    any_gold_cited: bool


def score_citations(cited: Sequence[int], gold_slides: Sequence[int]) -> CitationScore:
    """Precision: share of distinct cited slides that are gold. Recall: share of gold
    slides cited. Many items list several slides where any one suffices, hence
    `any_gold_cited`."""
    cited_set, gold = set(cited), set(gold_slides)
    precision = len(cited_set & gold) / len(cited_set) if cited_set else None
    recall = len(cited_set & gold) / len(gold) if gold else 0.0
    return CitationScore(precision, recall, bool(cited_set & gold))


@dataclass(frozen=True)
class RefusalScore:
    precision: float | None  # None: nothing was refused
    recall: float | None  # None: nothing should have been refused
    true_positives: int
    false_positives: int
    false_negatives: int


def score_refusals(pairs: Sequence[tuple[bool, bool]]) -> RefusalScore:
    """Refusal as a classifier; positive class = refused. `pairs` holds
    (should_refuse, did_refuse) per item. Undefined ratios are None, not 0 or 1, so the
    report can say "n/a" instead of inventing a score."""
    true_positives = sum(1 for should, did in pairs if should and did)
    false_positives = sum(1 for should, did in pairs if did and not should)
    false_negatives = sum(1 for should, did in pairs if should and not did)
    predicted = true_positives + false_positives
    actual = true_positives + false_negatives
    return RefusalScore(
        precision=true_positives / predicted if predicted else None,
        recall=true_positives / actual if actual else None,
        true_positives=true_positives,
        false_positives=false_positives,
        false_negatives=false_negatives,
    )


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0-100), linear interpolation between closest ranks (numpy's
    default); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    lower = math.floor(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


# --- one item, and a whole run ----------------------------------------------------------

SHAPES = ("value", "key_points", "refused")
# How a value item's answer is judged: "stated" reads the figure the answer gives;
# "printed" is the baseline's generous rule (the figure occurs in the returned text).
VALUE_RULES = ("stated", "printed")
# The parts of an answer's `debug` kept with a result: why it was routed, looked up,
# rewritten or refused. Enough to triage a failure without rerunning it.
DEBUG_KEYS = ("route_reason", "rewritten_question", "lookup", "refusal_check", "fallback", "answerer", "llm_rejected")


def expected_shape(expected: dict) -> str:
    """ "value", "key_points" or "refused": how an item is scored, whatever its kind."""
    return next(shape for shape in SHAPES if shape in expected)


class AnswerLike(Protocol):
    """The fields of `qa.Answer` that scoring reads."""

    answer: str
    refused: bool
    route: str
    citations: Sequence[Any]
    value: Any
    debug: Trace


@dataclass(frozen=True)
class ItemResult:
    """One answered gold item, scored. Retrieval and citation fields are None for
    items whose gold answer is a refusal (they have no gold slides)."""

    id: str
    kind: str
    shape: str
    question: str
    correct: bool
    reason: str
    refused: bool
    route: str
    answer: str
    got: float | None
    cited_slides: tuple[int, ...]
    ranked_slides: tuple[int, ...]
    gold_slides: tuple[int, ...]
    hit1: bool | None
    hit3: bool | None
    hit5: bool | None
    reciprocal_rank: float | None
    citation_precision: float | None
    citation_recall: float | None
    any_gold_cited: bool | None
    keypoint_recall: float | None
    seconds: float
    error: str = ""
    fragment: bool = False  # answered with a fragment (`ingest.readable.answer_is_fragment`)
    debug: dict[str, Any] = field(default_factory=dict)

    @property
    def failed_checks(self) -> list[str]:
        """What went wrong: "answer" (scored wrong), "hit@3" (no gold slide in the top 3)."""
        checks = [] if self.correct else ["answer"]
        if self.hit3 is False:
            checks.append("hit@3")
        return checks


def score_item(item: dict, answer: AnswerLike, seconds: float, value_rule: str = "stated") -> ItemResult:
    """Score `answer` (a `qa.Answer`, or anything with its fields) against gold `item`."""
    expected = item["expected"]
    shape = expected_shape(expected)
    text: str = answer.answer
    refused: bool = answer.refused
    cited = tuple(dict.fromkeys(citation.slide for citation in answer.citations))
    retrieved = answer.debug.retrieved_slides
    ranked = tuple(ranked_slides(cited, [int(slide) for slide in retrieved]))
    gold = tuple(item["gold_slides"])
    got: float | None = None
    keypoint_recall: float | None = None
    if shape == "value":
        if value_rule == "printed":
            correct = not refused and value_printed_in(text, expected)
            reason = "" if correct else f"{_number(expected['value'])} {expected['unit']} not in the returned text"
        else:
            value = answer.value
            stated = (value.number, value.unit) if value is not None else None
            verdict = score_value(expected, text, stated, refused)
            correct, reason, got = verdict.correct, verdict.reason, verdict.got
    elif shape == "key_points":
        points = score_key_points(text, expected["key_points"], refused)
        correct, keypoint_recall = points.correct, points.recall
        reason = (
            ""
            if correct
            else (
                "refused an answerable question"
                if refused
                else f"key points found {len(points.found)}/{len(expected['key_points'])}; missing: "
                + "; ".join(repr(point) for point in points.missing)
            )
        )
    else:
        correct = refused
        reason = "" if correct else "answered instead of refusing"
    retrieval = score_retrieval(ranked, gold) if gold else None
    citations = score_citations(cited, gold) if gold else None
    return ItemResult(
        id=item["id"],
        kind=item["kind"],
        shape=shape,
        question=item["question"],
        correct=correct,
        reason=reason,
        refused=refused,
        route=answer.route,
        answer=text,
        got=got,
        cited_slides=cited,
        ranked_slides=ranked,
        gold_slides=gold,
        hit1=retrieval.hit1 if retrieval else None,
        hit3=retrieval.hit3 if retrieval else None,
        hit5=retrieval.hit5 if retrieval else None,
        reciprocal_rank=retrieval.reciprocal_rank if retrieval else None,
        citation_precision=citations.precision if citations else None,
        citation_recall=citations.recall if citations else None,
        any_gold_cited=citations.any_gold_cited if citations else None,
        keypoint_recall=keypoint_recall,
        seconds=seconds,
        fragment=answer_is_fragment(text, refused, answer.value is not None),
        debug=answer.debug.model_dump(include=set(DEBUG_KEYS), exclude_none=True),
    )


def errored_item(item: dict, error: BaseException, seconds: float) -> ItemResult:
    """An item whose answering raised: wrong on every count, the error kept for the report."""
    gold = tuple(item["gold_slides"])
    shape = expected_shape(item["expected"])
    return ItemResult(
        id=item["id"],
        kind=item["kind"],
        shape=shape,
        question=item["question"],
        correct=False,
        reason=f"error: {type(error).__name__}: {error}",
        refused=False,
        route="none",
        answer="",
        got=None,
        cited_slides=(),
        ranked_slides=(),
        gold_slides=gold,
        hit1=False if gold else None,
        hit3=False if gold else None,
        hit5=False if gold else None,
        reciprocal_rank=0.0 if gold else None,
        citation_precision=None,
        citation_recall=0.0 if gold else None,
        any_gold_cited=False if gold else None,
        keypoint_recall=0.0 if shape == "key_points" else None,
        seconds=seconds,
        error=f"{type(error).__name__}: {error}",
    )


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    higher_is_better: bool = True
    is_rate: bool = True  # a 0-1 share (shown as %); else seconds, or a count
    decimals: int = 3  # shown with this many decimals when not a rate


# Order of the report's summary table.
METRICS = (
    Metric("accuracy", "Accuracy (all items)"),
    Metric("numeric_exact", "Numeric exact match"),
    Metric("keypoint_recall", "Key-point recall (mean)"),
    Metric("keypoint_accuracy", "Key-point items correct"),
    Metric("refusal_precision", "Refusal precision"),
    Metric("refusal_recall", "Refusal recall"),
    Metric("answerable_refused", "Answerable items refused", higher_is_better=False),
    Metric("fragments", "Answers that are a fragment", False, False, 0),
    Metric("hit1", "Retrieval hit@1"),
    Metric("hit3", "Retrieval hit@3"),
    Metric("hit5", "Retrieval hit@5"),
    Metric("mrr", "Retrieval MRR"),
    Metric("citation_precision", "Citation precision"),
    Metric("citation_recall", "Citation recall (all gold slides)"),
    Metric("any_gold_cited", "Any gold slide cited"),
    Metric("latency_p50", "Latency p50 (s)", higher_is_better=False, is_rate=False),
    Metric("latency_p95", "Latency p95 (s)", higher_is_better=False, is_rate=False),
    Metric("answer_words_median", "Key-point answer length, median (words)", False, False, 0),
    Metric("answer_words_max", "Key-point answer length, longest (words)", False, False, 0),
)
METRIC_BY_KEY = {metric.key: metric for metric in METRICS}


def _mean(values: Sequence[float | bool | None]) -> float | None:
    present = [float(value) for value in values if value is not None]
    return sum(present) / len(present) if present else None


def summarize(results: Sequence[ItemResult]) -> dict:
    """The run's metrics (None where a metric has no items to measure), counts, and
    accuracy per kind."""
    by_shape = {shape: [result for result in results if result.shape == shape] for shape in SHAPES}
    with_gold = [result for result in results if result.gold_slides]
    refusals = score_refusals([(result.shape == "refused", result.refused) for result in results])
    latencies = [result.seconds for result in results]
    # How long a descriptive answer reads: its words, without citation markers.
    lengths = [len(answer_plain_text(result.answer).split()) for result in by_shape["key_points"]]
    metrics = {
        "accuracy": _mean([result.correct for result in results]),
        "numeric_exact": _mean([result.correct for result in by_shape["value"]]),
        "keypoint_recall": _mean([result.keypoint_recall for result in by_shape["key_points"]]),
        "keypoint_accuracy": _mean([result.correct for result in by_shape["key_points"]]),
        "refusal_precision": refusals.precision,
        "refusal_recall": refusals.recall,
        "answerable_refused": _mean([result.refused for result in results if result.shape != "refused"]),
        "fragments": float(sum(result.fragment for result in results)),
        "hit1": _mean([result.hit1 for result in with_gold]),
        "hit3": _mean([result.hit3 for result in with_gold]),
        "hit5": _mean([result.hit5 for result in with_gold]),
        "mrr": _mean([result.reciprocal_rank for result in with_gold]),
        "citation_precision": _mean([result.citation_precision for result in with_gold]),
        "citation_recall": _mean([result.citation_recall for result in with_gold]),
        "any_gold_cited": _mean([result.any_gold_cited for result in with_gold]),
        "latency_p50": percentile(latencies, 50),
        "latency_p95": percentile(latencies, 95),
        "answer_words_median": percentile(lengths, 50),
        "answer_words_max": float(max(lengths)) if lengths else None,
    }
    per_kind: dict[str, dict] = {}
    for result in results:
        entry = per_kind.setdefault(result.kind, {"items": 0, "correct": 0})
        entry["items"] += 1
        entry["correct"] += int(result.correct)
    for entry in per_kind.values():
        entry["accuracy"] = entry["correct"] / entry["items"]
    counts = {
        "items": len(results),
        "value_items": len(by_shape["value"]),
        "key_point_items": len(by_shape["key_points"]),
        "refusal_items": len(by_shape["refused"]),
        "items_with_gold_slides": len(with_gold),
        "items_citing_a_slide": sum(1 for result in with_gold if result.cited_slides),
        "refused": sum(1 for result in results if result.refused),
        "refusal_true_positives": refusals.true_positives,
        "refusal_false_positives": refusals.false_positives,
        "refusal_false_negatives": refusals.false_negatives,
        "errors": sum(1 for result in results if result.error),
    }
    return {"metrics": metrics, "counts": counts, "per_kind": per_kind}
