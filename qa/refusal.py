"""When the deck does not support an answer, say so. Decided from evidence: how close the
best passage is to the question, and whether the question's key terms and periods
exist in the deck at all."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from ingest.numbers import BARE_PART_RE, CURRENCIES, find_periods, strip_periods
from ingest.ocr import ocr_form
from retriever.hits import SlideHit
from understand.kinds import question_kind
from understand.question import key_terms
from understand.terms import (
    MEASURE_WORDS,
    SYNONYMS,
    asked_thing,
    head_terms,
    inner_words,
    verb_forms,
    written_as_name,
)

# Calibrated on eval/gold.jsonl (see eval report): below this cosine similarity the
# best passage is unrelated to the question whatever its rank.
MIN_DENSE = 0.30
# With an unknown key term, the best passage must be at least this close.
MIN_DENSE_WITH_UNKNOWN_TERM = 0.65
# A term counts as known when it is this similar (rapidfuzz ratio) to a deck word;
# tolerates typos like "competitve".
TYPO_SIMILARITY = 84
# A unit a figure is asked in: a short word in lower case after "in" or "per", ending the
# question or its noun phrase ("in psi does ...", "per kwh?"); a currency is printed as
# its sign.
UNIT_ASKED_RE = re.compile(
    r"\b(?:in|per) ([a-z]{2,4})(?=\s*(?:[?.,;]|$)|\s+(?:does|do|did|is|are|was|were|will|would|can|could)\b)"
)
# The thing a "what X does" question asks for is named in this many words (`asked_thing`).
THING_TERMS = 2
# A slide title of at most this many key terms, all of them in the question, is named by it.
SHORT_TITLE_TERMS = 3


@dataclass(frozen=True)
class Verdict:
    refuse: bool
    reason: str
    unknown_terms: tuple[str, ...] = ()


class RefusalPolicy:
    def __init__(self, vocabulary: set[str], covers: Callable[[str], bool], ocr: bool = False) -> None:
        """`covers(period)`: whether the document has anything for a period. `ocr`: some
        of its pages were read by OCR, so a word may be written with letters OCR confuses
        ("FlFO" for "FIFO")."""
        self.vocabulary = vocabulary
        self._vocabulary_list = sorted(vocabulary)
        self._ocr_forms = {ocr_form(word) for word in vocabulary} if ocr else set()
        self.covers = covers

    def unknown_terms(self, question: str) -> list[str]:
        """Content words the document never uses (typos and synonyms forgiven). Periods are
        not words here: whether the document covers them is `unknown_periods`' question;
        a quarter named without its year ("last year's Q1") is a period too."""
        return [
            term
            for term in key_terms(strip_periods(question))
            if not BARE_PART_RE.fullmatch(term) and self._unknown(term)
        ]

    def _unknown(self, term: str) -> bool:
        if term in self.vocabulary or term.isdigit() or ocr_form(term) in self._ocr_forms:
            return False
        if term.rstrip("s") in self.vocabulary or any(s in self.vocabulary for s in SYNONYMS.get(term, ())):
            return False
        if f"{term}s" in self.vocabulary:  # "NEO" of a document that writes "NEOs"
            return False
        if len(term) >= 5:
            match = process.extractOne(term, self._vocabulary_list, scorer=fuzz.ratio)
            if match and match[1] >= TYPO_SIMILARITY:
                return False
        return True

    def decisive_unknown_terms(self, question: str) -> list[str]:
        """Unknown terms that name what the question is about: in the phrase after
        "what is", "how many", "who is" ("Acme's CEO", "market capitalization"), all of
        the words before the verb of "what X does" ("what management fee do ..."), or
        written as a name ("Globex"). An unknown everyday word elsewhere ("to stay at
        the leading edge", "consist of") does not make the question out of scope, nor
        does a verb ("what is happening to X", "the contacts listed on")."""
        verbs = verb_forms(question)
        # A measure word ("growth", "rate") says what kind of figure, not of what.
        asked = head_terms(question)
        if not asked:
            # The thing a "what X does" question names in two words or more, when the document
            # writes none of them ("management fee"; not "other names", of which it writes
            # "other"; a noun alone, "unusual items", says what kind of answer).
            thing = asked_thing(question)
            asked = thing if len(thing) >= THING_TERMS and all(self._unknown(term) for term in thing) else []
        head = set(asked) - verbs - MEASURE_WORDS
        cased = question != question.lower()  # all lower case, nothing is written as a name
        return [
            term
            for term in self.unknown_terms(question)
            if len(term) > 1 and (term in head or (cased and written_as_name(term, question) and term not in verbs))
        ]

    def unknown_names(self, question: str) -> list[str]:
        """Unknown terms the question writes as names: capitalised inside a question that
        is not all lower case ("Globex", "EBITDA"), its first word aside."""
        if question == question.lower():
            return []
        question = strip_periods(question)  # "Q4 FY16" is a period, not a name
        named = {word.lower() for word in inner_words(question) if word[0].isupper()}
        if not named:
            return []
        return [term for term in key_terms(question) if term in named and len(term) > 1 and self._unknown(term)]

    def _names_a_title(self, question: str, slides: list[SlideHit]) -> bool:
        """A question naming a retrieved slide's title ("what topics ..." -> "Contents")
        is about that slide, however loosely its passages match the wording."""
        terms = {t for term in key_terms(question) for t in (term, *SYNONYMS.get(term, ()))}
        return any(terms & set(key_terms(slide.title)) for slide in slides)

    def _names_a_whole_title(self, question: str, slides: list[SlideHit]) -> bool:
        """A question naming every word of a short slide title ("the main conclusions in
        the summary" -> "Summary") asks what that slide says, in words it need not use."""
        terms = set(key_terms(question))
        for slide in slides:
            title = set(key_terms(slide.title))
            if title and len(title) <= SHORT_TITLE_TERMS and title <= terms:
                return True
        return False

    def _quotes_a_known_name(self, question: str) -> bool:
        """ "How did <someone the document names> characterize the quarter?": what a
        person the document quotes said is in it, however loosely the words match."""
        if question_kind(question) != "said":
            return False
        words = re.findall(r"[A-Za-z][A-Za-z0-9]*", strip_periods(question))[1:]
        names = [word.lower() for word in words if word[0].isupper() and word.lower() != "company"]
        return bool(names) and all(name in self.vocabulary for name in names)

    def unknown_periods(self, question: str) -> list[str]:
        return [period for period in find_periods(question) if not self.covers(period)]

    def judge(self, question: str, slides: list[SlideHit]) -> Verdict:
        if not slides:
            return Verdict(True, "no passage matches the question")
        periods = self.unknown_periods(question)
        if periods:
            return Verdict(True, f"the deck has nothing for {', '.join(periods)}")
        best = max(slide.best_dense for slide in slides)
        if best < MIN_DENSE and not self._names_a_title(question, slides) and not self._quotes_a_known_name(question):
            return Verdict(True, f"best passage similarity {best:.2f} < {MIN_DENSE}")
        # The unit a figure is asked in ("in psi", "per kWh"): a document that never writes
        # it states no figure in it, however close its passages.
        content = set(key_terms(question))
        units = [
            unit
            for unit in UNIT_ASKED_RE.findall(question)
            if unit in content and unit not in CURRENCIES and self._unknown(unit)
        ]
        if units:
            return Verdict(True, f"a figure is asked in {', '.join(units)}, which the deck never writes", tuple(units))
        unknown = self.decisive_unknown_terms(question)
        if unknown and best < MIN_DENSE_WITH_UNKNOWN_TERM and not self._names_a_whole_title(question, slides):
            return Verdict(
                True,
                f"terms not in the deck ({', '.join(unknown)}) and best similarity {best:.2f}",
                tuple(unknown),
            )
        return Verdict(False, f"best passage similarity {best:.2f}", tuple(unknown))
