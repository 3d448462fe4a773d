"""Which of many word sets hold a word, answered for all of them at once.

A question's word matches a fact's words when one of them is the word itself, a synonym
or its singular; shares its stem; is an irregular form of the same verb ("pay" ~ "paid"); starts with it ("shares" ~ "shareholders"); is within
a typo of it ("opertaing" ~ "operating"); or one abbreviates the other ("Intl" ~
"international", "WW" ~ "worldwide", see `ingest.text.abbreviates`). Asking that of every fact one by one
is the lookup's main cost on a long document, so both directions are inverted here:

- `WordSets.holding(word)`: which sets hold `word` (a question word against every fact);
- `TermLists.found_share(words)`: for each list of terms (a fact's row label), the
  weighted share of its terms that match any of `words` (the question's).

Both give exactly what matching set by set gives (tested).
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Iterable, Sequence

import numpy as np
from rapidfuzz import fuzz, process

from ingest.text import abbreviates, irregular_verb, may_abbreviate, stem
from understand.terms import SYNONYMS

# A typo within this rapidfuzz ratio still matches a word ("opertaing" ~ "operating").
FUZZY_WORD = 84
# Shortest word matched as a prefix of a longer one, and shortest matched through a typo.
PREFIX_MIN = 4
FUZZY_MIN = 5


def expand(tokens: Iterable[str]) -> set[str]:
    """Words with their synonyms and singulars (what a word set is matched as)."""
    expanded = set(tokens)
    for token in list(expanded):
        expanded.update(SYNONYMS.get(token, ()))
        if token.endswith("s") and len(token) > 3:
            expanded.add(token[:-1])
    return expanded


def forms(word: str) -> set[str]:
    """What a word is looked up as: itself, its synonyms, without a plural "s"."""
    return {word, *SYNONYMS.get(word, ()), word.rstrip("s")}


@functools.lru_cache(maxsize=65_536)
def _lemma(word: str) -> str:
    return irregular_verb(word)


def same_verb(word: str, token: str) -> bool:
    """Whether one of `word` and `token` is an irregular form of the verb the other is, or
    both are ("pay" ~ "paid", "paid" ~ "pays", "sold" ~ "sell"; not "selling" ~ "sold")."""
    lemma = _lemma(word)
    if lemma:
        return stem(token) == stem(lemma) or _lemma(token) == lemma
    return _lemma(token) == word


def matches(word: str, tokens: set[str] | frozenset[str]) -> bool:
    """Whether `word` matches one of `tokens` (an expanded set): the rule both indexes invert."""
    if forms(word) & tokens:
        return True
    if stem(word) in {stem(token) for token in tokens}:
        return True
    if any(same_verb(word, token) for token in tokens):
        return True
    if len(word) >= PREFIX_MIN and any(token.startswith(word) for token in tokens):
        return True
    if any(abbreviates(token, word) or abbreviates(word, token) for token in tokens):
        return True
    return len(word) >= FUZZY_MIN and any(
        fuzz.ratio(word, token) >= FUZZY_WORD for token in tokens if abs(len(token) - len(word)) <= 2
    )


class _Vocabulary:
    """Distinct words with lookups by form, stem, prefix and length."""

    def __init__(self, words: Iterable[str]) -> None:
        self.words = sorted(set(words))
        self.ids = {word: index for index, word in enumerate(self.words)}
        self.by_stem: dict[str, list[int]] = {}
        self.by_length: dict[int, list[int]] = {}
        self.by_verb: dict[str, list[int]] = {}  # irregular forms by their verb: "pay" -> "paid"
        self.short = [index for index, word in enumerate(self.words) if may_abbreviate(word)]
        for index, word in enumerate(self.words):
            self.by_stem.setdefault(stem(word), []).append(index)
            self.by_length.setdefault(len(word), []).append(index)
            if lemma := _lemma(word):
                self.by_verb.setdefault(lemma, []).append(index)

    def same_verb(self, word: str) -> list[int]:
        """Ids of the words that are forms of the same verb as `word` (see `same_verb`)."""
        lemma = _lemma(word)
        if not lemma:
            return list(self.by_verb.get(word, ()))
        return [*self.by_stem.get(stem(lemma), ()), *self.by_verb.get(lemma, ())]

    def abbreviated(self, word: str) -> list[int]:
        """Ids of the words that abbreviate `word`, or that `word` abbreviates."""
        found = [index for index in self.short if abbreviates(self.words[index], word)]
        if may_abbreviate(word):
            start = bisect.bisect_left(self.words, word[0])
            end = bisect.bisect_left(self.words, chr(ord(word[0]) + 1))
            found += [index for index in range(start, end) if abbreviates(word, self.words[index])]
        return found

    def near(self, word: str, shortest: int = 0) -> list[int]:
        """Ids of words at least `shortest` long within a typo of `word` (length within 2)."""
        candidates = [
            index
            for length in range(max(len(word) - 2, shortest), len(word) + 3)
            for index in self.by_length.get(length, ())
        ]
        found = process.extract(
            word,
            [self.words[index] for index in candidates],
            scorer=fuzz.ratio,
            score_cutoff=FUZZY_WORD,
            limit=None,
        )
        return [candidates[position] for _, _, position in found]


class WordSets:
    """Many word sets (already `expand`ed), indexed by word."""

    MAX_REMEMBERED = 4096

    def __init__(self, sets: Sequence[Iterable[str]]) -> None:
        self.size = len(sets)
        members: dict[str, list[int]] = {}
        for position, words in enumerate(sets):
            for word in set(words):
                members.setdefault(word, []).append(position)
        self.vocabulary = _Vocabulary(members)
        self._postings = [np.array(members[word], dtype=np.int64) for word in self.vocabulary.words]
        self._remembered: dict[str, np.ndarray] = {}

    def holding(self, word: str) -> np.ndarray:
        """A boolean per set: whether it holds a word matching `word` (see `matches`)."""
        found = self._remembered.get(word)
        if found is None:
            if len(self._remembered) >= self.MAX_REMEMBERED:
                self._remembered.clear()
            found = self._remembered[word] = self._holding(word)
        return found

    def _holding(self, word: str) -> np.ndarray:
        vocabulary = self.vocabulary
        ids = {vocabulary.ids[form] for form in forms(word) if form in vocabulary.ids}
        ids.update(vocabulary.by_stem.get(stem(word), ()))
        ids.update(vocabulary.same_verb(word))
        if len(word) >= PREFIX_MIN:
            start = bisect.bisect_left(vocabulary.words, word)
            end = start
            while end < len(vocabulary.words) and vocabulary.words[end].startswith(word):
                end += 1
            ids.update(range(start, end))
        if len(word) >= FUZZY_MIN:
            ids.update(vocabulary.near(word))
        ids.update(vocabulary.abbreviated(word))
        held = np.zeros(self.size, dtype=bool)
        if ids:
            held[np.concatenate([self._postings[index] for index in ids])] = True
        return held


class TermLists:
    """Many weighted term lists (a fact's row label, its qualifiers), indexed by term."""

    def __init__(self, lists: Sequence[Sequence[str]], weights: Sequence[dict[str, float]]) -> None:
        self.size = len(lists)
        self.vocabulary = _Vocabulary(term for terms in lists for term in terms)
        ids = self.vocabulary.ids
        self._owner = np.array([position for position, terms in enumerate(lists) for _ in terms], dtype=np.int64)
        self._term = np.array([ids[term] for terms in lists for term in terms], dtype=np.int64)
        self._weight = np.array(
            [weights[position].get(term, 1.0) for position, terms in enumerate(lists) for term in terms],
            dtype=np.float64,
        )
        self._total = np.bincount(self._owner, weights=self._weight, minlength=self.size)
        self.nonempty = np.array([bool(terms) for terms in lists], dtype=bool)
        self._by_form: dict[str, list[int]] = {}
        for index, term in enumerate(self.vocabulary.words):
            for form in forms(term):
                self._by_form.setdefault(form, []).append(index)

    def matched(self, tokens: set[str] | frozenset[str]) -> np.ndarray:
        """A boolean per distinct term: whether it matches one of `tokens` (see `matches`)."""
        vocabulary = self.vocabulary
        hit = np.zeros(len(vocabulary.words), dtype=bool)
        stems = {stem(token) for token in tokens}
        for token in tokens:
            hit[self._by_form.get(token, [])] = True
            for length in range(PREFIX_MIN, len(token) + 1):  # terms that start `token`
                index = vocabulary.ids.get(token[:length])
                if index is not None:
                    hit[index] = True
            hit[vocabulary.near(token, shortest=FUZZY_MIN)] = True
            hit[vocabulary.abbreviated(token)] = True
            hit[vocabulary.same_verb(token)] = True
        for token_stem in stems:
            hit[vocabulary.by_stem.get(token_stem, [])] = True
        return hit

    def found_share(self, tokens: set[str] | frozenset[str]) -> np.ndarray:
        """Per list, the weighted share of its terms matching one of `tokens` (0 when empty)."""
        hit = self.matched(tokens)
        found = np.bincount(self._owner, weights=self._weight * hit[self._term], minlength=self.size)
        share = np.zeros(self.size, dtype=np.float64)
        np.divide(found, self._total, out=share, where=self._total > 0)
        return share
