"""The inverted word indexes give exactly what matching each fact's words one by one
gives, on the real deck's facts and the gold questions' words (typos, plurals, prefixes)."""

from __future__ import annotations

import numpy as np
import pytest

from figures.term_index import TermLists, WordSets, expand, matches, stem
from ingest.text import abbreviates, tokenize
from qa import DeckQA


def question_words(gold: list[dict]) -> list[str]:
    words = {word for item in gold for word in tokenize(item["question"])}
    # Typos and a plural the deck never prints, beside the gold questions' own words.
    return sorted(words | {"opertaing", "revenus", "subscribers", "shareholder", "capexes"})


def test_word_sets_hold_what_each_set_holds(deck: DeckQA, gold: list[dict]) -> None:
    sets = [expand(tokenize(f"{fact.label} {fact.row} {fact.column} {fact.context}")) for fact in deck.index.facts]
    index = WordSets(sets)
    words = question_words(gold)
    held_somewhere = 0
    for word in words:
        expected = np.array([matches(word, frozenset(words_of_fact)) for words_of_fact in sets])
        assert np.array_equal(index.holding(word), expected), word
        held_somewhere += bool(expected.any())
    assert held_somewhere > len(words) // 3  # the check exercised real matches


def test_term_lists_share_what_each_list_shares(deck: DeckQA, gold: list[dict]) -> None:
    lists = [tokenize(fact.row or fact.label) for fact in deck.index.facts]
    weights = [{term: 1.0 + len(term) / 10 for term in terms} for terms in lists]
    index = TermLists(lists, weights)
    for item in gold[:60]:
        tokens = frozenset(expand(tokenize(item["question"])))
        expected = []
        for terms, weight in zip(lists, weights, strict=True):
            total = sum(weight[term] for term in terms)
            found = sum(weight[term] for term in terms if matches(term, tokens))
            expected.append(found / total if total else 0.0)
        assert np.allclose(index.found_share(tokens), expected, rtol=0, atol=1e-12), item["question"]


def test_plurals_in_ies_share_the_stem() -> None:
    assert stem("inventories") == stem("inventory")
    assert stem("subsidiaries") == stem("subsidiary")
    assert stem("estimated") == stem("estimates") == "estimat"


@pytest.mark.parametrize(
    ("short", "word", "expected"),
    [
        ("intl", "international", True),
        ("ww", "worldwide", True),
        ("mgmt", "management", True),
        ("in", "income", False),  # a word of the language, not an abbreviation
        ("us", "unused", False),
        ("ww", "wow", False),  # an abbreviation is at most half its word
        ("intl", "indicate", False),  # not all its letters, in order
        ("xyz", "xylophonez", True),
    ],
)
def test_abbreviations_stand_for_words_whose_letters_they_keep_in_order(short: str, word: str, expected: bool) -> None:
    assert abbreviates(short, word) is expected


def test_an_abbreviated_row_matches_the_word_it_stands_for() -> None:
    sets = [expand(["intl"]), expand(["worldwide"]), expand(["income"])]
    index = WordSets(sets)
    assert index.holding("international").tolist() == [True, False, False]
    assert matches("international", frozenset(sets[0]))
    assert matches("intl", frozenset(expand(["international"])))  # either way round
    lists = TermLists([["ww"], ["us"]], [{}, {}])
    assert lists.found_share(frozenset({"worldwide", "sales"})).tolist() == [1.0, 0.0]


def test_irregular_forms_of_a_verb_are_the_same_word() -> None:
    sets = [expand(["dividends", "paid"]), expand(["cost", "goods", "sold"]), expand(["selling", "general"])]
    words = WordSets(sets)
    assert words.holding("pay").tolist() == [True, False, False]  # "pay" ~ "paid"
    assert words.holding("sell").tolist() == [False, True, True]
    # A regular form is matched by its stem only: "selling" is not "sold".
    assert words.holding("selling").tolist() == [False, False, True]
    assert matches("paid", frozenset(expand(["pays"]))) and not matches("selling", frozenset(expand(["sold"])))
