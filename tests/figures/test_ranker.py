"""The figure ranker: its weights as data, its features on the real deck, and fitting on
real gold items (the corpus releases and the bundled deck)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from eval import ranker_fit
from figures.lookup import FactLookup
from figures.ranker import CONFIDENCE_FEATURES, DEFAULT_PATH, FEATURES, Ranker, load_ranker
from qa import DeckQA

GOLD = Path(__file__).resolve().parents[2] / "eval"


def test_bundled_weights_name_every_feature_and_round_trip(tmp_path: Path) -> None:
    ranker = load_ranker()
    assert ranker.weights.shape == (len(FEATURES),)
    assert ranker.confidence_weights.shape == (len(CONFIDENCE_FEATURES),)
    assert 0.0 < ranker.threshold < 1.0
    assert ranker.fitted["on"], "the bundled weights say what they were fitted on"
    copy = tmp_path / "ranker.json"
    ranker.save(copy)
    again = load_ranker(copy)
    assert np.allclose(again.weights, ranker.weights, atol=1e-6)
    assert again.confidence({name: 0.5 for name in CONFIDENCE_FEATURES}) == pytest.approx(
        ranker.confidence({name: 0.5 for name in CONFIDENCE_FEATURES}), abs=1e-5
    )


def test_a_ranker_file_missing_a_feature_is_a_clear_error(tmp_path: Path) -> None:
    data = json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
    del data["weights"]["dense"]
    broken = tmp_path / "ranker.json"
    broken.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match="lack dense"):
        load_ranker(broken)


@pytest.mark.slow
def test_features_are_one_row_per_fact_and_the_score_is_their_weighted_sum(deck: DeckQA) -> None:
    lookup: FactLookup = deck.lookup
    found = lookup.features("What was operating income in 1Q-3Q16?")
    assert found.features.shape == (len(lookup.facts), len(FEATURES))
    best = lookup.rank("What was operating income in 1Q-3Q16?", limit=1)[0]
    row = lookup.facts.index(best.fact)
    assert best.score == pytest.approx(float(found.features[row] @ lookup.ranker.weights))
    assert found.column("period_exact")[row] == 1.0
    # a question with no period puts no fact in any period class
    undated = lookup.features("How many employees does the company have?")
    period_columns = [FEATURES.index(name) for name in FEATURES if name.startswith("period_")]
    assert not undated.features[:, period_columns].any()


@pytest.mark.slow
def test_fitting_on_real_gold_items_ranks_them_at_least_as_well_as_the_prior() -> None:
    examples = ranker_fit.examples_for(GOLD / "gold" / "COSTCO_2023Q1_EARNINGS.jsonl", "dev")
    examples += ranker_fit.examples_for(GOLD / "gold" / "INTEL_2022Q4_EARNINGS.jsonl", "dev")
    assert {example.document for example in examples} == {"COSTCO_2023Q1_EARNINGS", "INTEL_2022Q4_EARNINGS"}
    assert any(not example.answerable for example in examples), "out-of-scope items are examples too"
    prior = np.array([ranker_fit.PRIOR[name] for name in FEATURES])
    zeros = np.zeros(len(CONFIDENCE_FEATURES))
    prior_right, held = ranker_fit.top_right(Ranker(prior, zeros, 0.0, 0.5), examples)
    # A weak pull to the prior lets the questions move the weights.
    loose = Ranker(ranker_fit.fit_weights(examples, l2=0.001), zeros, 0.0, 0.5)
    loose_right, _ = ranker_fit.top_right(loose, examples)
    assert held >= 10 and loose_right >= prior_right
    assert not np.allclose(loose.weights, prior, atol=0.05)
    # A strong one keeps them where they were.
    assert np.allclose(ranker_fit.fit_weights(examples, l2=1e6), prior, atol=1e-3)
    fitted = ranker_fit.fit(examples)
    assert fitted.fitted["on"] == ["COSTCO_2023Q1_EARNINGS", "INTEL_2022Q4_EARNINGS"]
    # The confidence says more for a best fact that is right than for one that is not.
    chances = {True: [], False: []}
    for example in examples:
        features, right, answerable = ranker_fit.confidence_row(fitted, example)
        if answerable:
            chances[right].append(fitted.confidence(features))
    assert chances[True] and chances[False]
    assert np.mean(chances[True]) > np.mean(chances[False])
