"""Scoring rules of eval/README.md: unit conversion, tolerance, sign-insensitive items, key
points, refusal precision/recall, retrieval and citation scores, thresholds, the judge."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from eval.figures import Amount, convert_amount, find_amounts, headline_amount, parse_unit
from eval.judge import SKIPPED_NO_LLM, build_judge, judge_item, parse_score, summarize_judgements
from eval.runner import threshold_failures
from eval.scoring import (
    percentile,
    ranked_slides,
    score_citations,
    score_item,
    score_key_points,
    score_refusals,
    score_retrieval,
    score_value,
    summarize,
    value_printed_in,
)
from qa.answer import Answer, Citation, Value
from qa.settings import LLMSettings, Settings


def value(number: float, unit: str, tolerance: float = 0.0, **extra: object) -> dict:
    return {"value": number, "unit": unit, "tolerance": tolerance, **extra}


def text_score(expected: dict, text: str) -> bool:
    return score_value(expected, text, None, refused=False).correct


# --- units -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("unit", "family", "scale"),
    [
        ("JPY billion", "JPY", 1e9),
        ("JPY", "JPY", 1.0),
        ("¥ million", "JPY", 1e6),
        ("yen", "JPY", 1.0),
        ("thousand", "scaled", 1e3),
        ("million", "scaled", 1e6),
        ("%", "%", 1.0),
        ("points", "points", 1.0),
        ("year", "year", 1.0),
        ("count", None, 1.0),
        ("ratio", None, 1.0),
        ("", None, 1.0),
    ],
)
def test_parse_unit(unit: str, family: str | None, scale: float) -> None:
    assert parse_unit(unit) == (family, scale)


@pytest.mark.parametrize(
    ("text", "gold_unit", "expected"),
    [
        ("JPY0.19 billion", "JPY million", 190.0),
        ("JPY21,266 million", "JPY million", 21266.0),
        ("JPY21,266 million", "JPY billion", 21.266),
        ("1.9 trillion yen", "JPY billion", 1900.0),
        ("¥1.9 trillion", "JPY trillion", 1.9),
        ("912 thousand", "million", 0.912),
        ("8.5 thousand", "count", 8500.0),
        ("160 million", "million", 160.0),
        ("2,036 JPY million", "JPY million", 2036.0),
        ("21266", "JPY million", 21266.0),  # a bare number is in the gold unit
        ("1.9 trillion", "JPY trillion", 1.9),  # a scale word without a currency fits yen too
        ("Approx.11,310 parlors", "count", 11310.0),
    ],
)
def test_conversion_to_the_gold_unit(text: str, gold_unit: str, expected: float) -> None:
    amount = headline_amount(text, gold_unit)
    assert amount is not None
    assert convert_amount(amount, gold_unit) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("amount", "gold_unit"),
    [
        (Amount(5.0, "%", 1.0, "5%"), "JPY million"),
        (Amount(2.2, "points", 1.0, "2.2 points"), "%"),
        (Amount(2.2, "%", 1.0, "2.2%"), "points"),
        (Amount(3.0, "JPY", 1e9, "JPY3 billion"), "count"),
        (Amount(7.0, "scaled", 1e6, "7 million"), "%"),
        (Amount(5.0, "USD", 1e6, "US$5 million"), "JPY million"),
    ],
)
def test_different_kinds_of_quantity_do_not_convert(amount: Amount, gold_unit: str) -> None:
    assert convert_amount(amount, gold_unit) is None


def test_figures_skip_slide_markers_periods_and_footnotes() -> None:
    text = "**Net income: 2,036 JPY million** (1Q-3Q16) [Slide 38] FY2016 3Q16-end (1) at Dec. 31, 2016"
    assert [(a.value, a.family) for a in find_amounts(text)] == [(2036.0, "JPY"), (2016.0, None)]


@pytest.mark.parametrize(
    ("text", "number", "family"),
    [
        ("(982)", -982.0, None),
        ("(22.5%)", -22.5, "%"),
        ("+14.3%", 14.3, "%"),
        ("-1.2 points", -1.2, "points"),
        ("down 2.2 points", -2.2, "points"),
        ("\u22123.5%", -3.5, "%"),
    ],
)
def test_signs(text: str, number: float, family: str | None) -> None:
    [amount] = find_amounts(text)
    assert (amount.value, amount.family) == (number, family)


def test_prose_parentheses_are_not_negative() -> None:
    assert [a.value for a in find_amounts("Finance (124 clients) and approx. 70% engineers")] == [124.0, 70.0]
    assert [a.value for a in find_amounts("Shareholders: NTT(21.6%), Dalton(6.3%)")] == [21.6, 6.3]


def test_headline_prefers_a_figure_in_the_gold_unit_and_skips_years() -> None:
    assert headline_amount("Employees 3,108 (approx. 70% engineers)", "%").value == 70.0  # type: ignore[union-attr]
    assert headline_amount("In 2016 the count was 3,108", "count").value == 3108.0  # type: ignore[union-attr]
    assert headline_amount("Established December 1992", "year").value == 1992.0  # type: ignore[union-attr]
    assert headline_amount("no figures here", "count") is None


@given(st.integers(min_value=0, max_value=10**12), st.sampled_from(["million", "billion", "trillion"]))
def test_any_printed_yen_amount_reads_back(number: int, scale: str) -> None:
    [amount] = find_amounts(f"revenue was JPY{number:,} {scale} in total")
    assert (amount.value, amount.family) == (float(number), "JPY")
    wrapped = [amount.value for amount in find_amounts(f"outflow ({number:,})")]
    assert wrapped == ([] if number < 10 else [-float(number)])  # "(1)" is a footnote marker


# --- values ----------------------------------------------------------------------------


def test_tolerance_is_inclusive_and_absolute() -> None:
    expected = value(44.4, "JPY billion", 0.005)
    assert text_score(expected, "JPY44.404 billion")
    assert text_score(expected, "JPY44.405 billion")
    assert not text_score(expected, "JPY44.41 billion")
    assert text_score(expected, "JPY44,400 million")  # converted before comparing


def test_exact_items_reject_rounded_restatements() -> None:
    expected = value(21266.0, "JPY million")
    assert text_score(expected, "Cash was JPY21,266 million [Slide 37]")
    assert not text_score(expected, "about JPY21 billion")
    assert not text_score(expected, "JPY21.3 billion")


def test_sign_insensitive_compares_magnitudes() -> None:
    expected = value(-1126.0, "JPY million", sign_insensitive=True)
    assert text_score(expected, "JPY1,126 million paid")
    assert text_score(expected, "Dividends paid (1,126)")
    sensitive = value(-1126.0, "JPY million")
    assert text_score(sensitive, "Dividends paid (1,126)")
    assert not text_score(sensitive, "JPY1,126 million paid")


def test_a_refusal_on_a_value_item_is_wrong() -> None:
    verdict = score_value(value(1992.0, "year"), "Established December 1992", None, refused=True)
    assert not verdict.correct and "refused" in verdict.reason


def test_the_structured_value_is_scored_before_the_text() -> None:
    expected = value(190.0, "JPY million")
    assert score_value(expected, "unrelated 5", (0.19, "JPY billion"), refused=False).correct
    wrong = score_value(expected, "JPY190 million", (0.2, "JPY billion"), refused=False)
    assert not wrong.correct and wrong.got == pytest.approx(200.0)
    assert not score_value(expected, "JPY190 million", (190.0, "%"), refused=False).correct
    # The engine labels unit-less figures "count": that is a bare number, in the gold unit.
    assert score_value(value(912.0, "thousand"), "", (912.0, "count"), refused=False).correct


def test_baseline_rule_finds_the_printed_figure_in_any_sign() -> None:
    assert value_printed_in("Total Revenues 113.60 99.38 +14.3%", value(113.6, "JPY billion"))
    assert value_printed_in("Purchase of property (7,940)", value(-7940.0, "JPY million"))
    assert value_printed_in("Dividends paid (1,126)", value(1126.0, "JPY million"))
    assert not value_printed_in("Total Revenues 113.60 99.38", value(44.4, "JPY billion", 0.005))


# --- key points ------------------------------------------------------------------------


def test_key_points_ignore_case_whitespace_and_markup() -> None:
    points = ["Combination with network, security services and SI", "face-to-face consultation"]
    answer = "- **COMBINATION with  network,\nsecurity services and SI** [Slide 11]\n- Face-to-face consultation"
    verdict = score_key_points(answer, points, refused=False)
    assert verdict.recall == 1.0 and verdict.correct


@pytest.mark.parametrize(("total", "needed"), [(1, 1), (2, 1), (3, 2), (4, 2), (5, 3)])
def test_an_item_needs_half_its_key_points_rounded_up(total: int, needed: int) -> None:
    points = [f"point {letter}" for letter in "abcde"[:total]]
    enough = " ".join(points[:needed])
    too_few = " ".join(points[: needed - 1])
    assert score_key_points(enough, points, refused=False).correct
    assert not score_key_points(too_few, points, refused=False).correct
    assert score_key_points(enough, points, refused=False).recall == pytest.approx(needed / total)


def test_key_points_use_no_stemming_and_refusals_score_zero() -> None:
    assert not score_key_points("a key advantage", ["advantages"], refused=False).correct
    assert not score_key_points("advantages", ["advantages"], refused=True).correct


# --- refusals, retrieval, citations ----------------------------------------------------


def test_refusal_precision_and_recall() -> None:
    score = score_refusals([(True, True), (True, False), (False, True), (False, False)])
    assert (score.precision, score.recall) == (0.5, 0.5)
    assert (score.true_positives, score.false_positives, score.false_negatives) == (1, 1, 1)


def test_refusal_ratios_with_nothing_to_count_are_undefined() -> None:
    never_refuses = score_refusals([(True, False), (False, False)])
    assert never_refuses.precision is None and never_refuses.recall == 0.0
    nothing_to_refuse = score_refusals([(False, True), (False, False)])
    assert nothing_to_refuse.precision == 0.0 and nothing_to_refuse.recall is None
    perfect = score_refusals([(True, True), (False, False)])
    assert (perfect.precision, perfect.recall) == (1.0, 1.0)
    assert score_refusals([]).precision is None


def test_ranked_slides_put_citations_first_without_repeats() -> None:
    assert ranked_slides([23, 22, 23], [5, 22, 9]) == [23, 22, 5, 9]


def test_retrieval_hits_and_reciprocal_rank() -> None:
    assert score_retrieval([5, 22, 23], [22, 23]) == score_retrieval([7, 22], [22])
    third = score_retrieval([1, 2, 3, 4], [3])
    assert (third.hit1, third.hit3, third.reciprocal_rank) == (False, True, pytest.approx(1 / 3))
    fourth = score_retrieval([1, 2, 3, 4], [4])
    assert (fourth.hit3, fourth.reciprocal_rank) == (False, 0.25)
    assert score_retrieval([], [4]).reciprocal_rank == 0.0


def test_citation_precision_recall_and_any_gold() -> None:
    score = score_citations([23, 40], [5, 22, 23])
    assert score.precision == 0.5 and score.recall == pytest.approx(1 / 3) and score.any_gold_cited
    nothing = score_citations([], [5])
    assert nothing.precision is None and nothing.recall == 0.0 and not nothing.any_gold_cited


def test_percentile_matches_numpy() -> None:
    values = [0.3, 0.1, 0.9, 0.5, 0.2, 0.7, 0.05]
    for q in (0, 50, 95, 100):
        assert percentile(values, q) == pytest.approx(float(np.percentile(values, q)))
    assert percentile([], 50) is None


# --- whole items and runs --------------------------------------------------------------


def gold_item(item_id: str, kind: str, expected: dict, gold_slides: list[int]) -> dict:
    return {
        "id": item_id,
        "kind": kind,
        "question": "q?",
        "history": [],
        "expected": expected,
        "gold_slides": gold_slides,
    }


def answer(
    text: str, slides: list[int], *, refused: bool = False, number: Value | None = None, **debug: object
) -> Answer:
    citations = [Citation(slide=slide, title="t", text="passage") for slide in slides]
    route = "none" if refused else "text"
    return Answer(
        question="q?", answer=text, route=route, refused=refused, citations=citations, value=number, debug=debug
    )


def test_score_item_for_each_shape() -> None:
    numeric = score_item(
        gold_item("num-1", "numeric", value(158.0, "JPY billion"), [5, 22, 23]),
        answer("FY16 target **JPY158.0 billion** [Slide 23]", [23], number=Value(number=158.0, unit="JPY billion")),
        0.1,
    )
    assert numeric.correct and numeric.hit1 and numeric.citation_precision == 1.0 and not numeric.failed_checks
    described = score_item(
        gold_item("desc-1", "descriptive", {"key_points": ["alpha", "beta", "gamma"]}, [11]),
        answer("Alpha and beta [Slide 10]", [10], retrieved_slides=[10, 9, 11]),
        0.2,
    )
    assert described.correct and described.keypoint_recall == pytest.approx(2 / 3)
    assert described.ranked_slides == (10, 9, 11) and described.hit3 and not described.hit1
    refused = score_item(gold_item("oos-1", "out_of_scope", {"refused": True}, []), answer("no", [], refused=True), 0.1)
    assert refused.correct and refused.hit3 is None and refused.citation_precision is None
    answered = score_item(gold_item("oos-2", "out_of_scope", {"refused": True}, []), answer("CEO is X", [3]), 0.1)
    assert not answered.correct and answered.failed_checks == ["answer"]

    summary = summarize([numeric, described, refused, answered])
    metrics = summary["metrics"]
    assert metrics["accuracy"] == 0.75 and metrics["numeric_exact"] == 1.0
    assert metrics["refusal_precision"] == 1.0 and metrics["refusal_recall"] == 0.5
    assert metrics["hit1"] == 0.5 and metrics["hit3"] == 1.0
    # "Alpha and beta [Slide 10]": three words, the citation marker not counted
    assert metrics["answer_words_median"] == 3 and metrics["answer_words_max"] == 3
    assert summary["per_kind"]["out_of_scope"] == {"items": 2, "correct": 1, "accuracy": 0.5}


def test_baseline_rule_in_score_item() -> None:
    item = gold_item("num-1", "numeric", value(99.38, "JPY billion"), [23])
    assert score_item(item, answer("Total Revenues 113.60 99.38 +14.3%", [23]), 0.1, value_rule="printed").correct
    assert not score_item(item, answer("Total Revenues 113.60", [23]), 0.1, value_rule="printed").correct


def test_thresholds_fail_below_and_skip_undefined_metrics() -> None:
    failures, notes = threshold_failures(
        {"hit3": 0.9, "numeric_exact": 0.95, "refusal_precision": None},
        {"hit3": 0.95, "numeric_exact": 0.95, "refusal_precision": 0.9},
    )
    assert failures == ["hit3 0.900 < 0.950"]
    assert notes and notes[0].startswith("refusal_precision")


# --- the LLM judge (a fake chat model: no LLM runs here) ---------------------------------


def test_judge_is_skipped_without_an_llm() -> None:
    setup = build_judge(Settings(llm=LLMSettings(provider="")))
    assert setup.model is None and setup.message == SKIPPED_NO_LLM


def test_judge_reports_a_misconfigured_llm_instead_of_crashing() -> None:
    setup = build_judge(Settings(llm=LLMSettings(provider="no-such-provider")))
    assert setup.model is None and "skipped" in setup.message


@pytest.mark.parametrize(
    ("reply", "score"), [("0.8", 0.8), ("Score: 1", 1.0), ("1.0.", 1.0), ("7/10", None), ("", None)]
)
def test_parse_score(reply: str, score: float | None) -> None:
    assert parse_score(reply) == score


def test_judge_item_scores_answers_and_survives_bad_replies() -> None:
    result = score_item(gold_item("num-1", "numeric", value(1.0, "count"), [3]), answer("1 thing [Slide 3]", [3]), 0.1)
    model = FakeListChatModel(responses=["0.9", "I cannot say"])
    judged = judge_item(model, result, ["1 thing"])
    assert judged == {"id": "num-1", "faithfulness": 0.9, "relevance": None, "error": ""}
    assert summarize_judgements([judged])["faithfulness"] == 0.9
