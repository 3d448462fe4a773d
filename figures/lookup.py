"""Structured lookup of figures: resolve the metric, period and entity a question asks
for against the facts from ingest, with fuzzy matching (rapidfuzz), synonyms and
embedding similarity of labels; compose derived figures with a safe evaluator.

`FactLookup.answer(question)` returns a `LookupResult` (possibly not confident) or None.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import itertools
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from collections.abc import Set as AbstractSet
from contextvars import ContextVar
from dataclasses import dataclass, field, replace

import numpy as np

from figures.arithmetic import evaluate, number_text
from figures.filing import primary_statement
from figures.formula import computed as computed_as_defined
from figures.formula import definitions
from figures.metrics import Metric
from figures.metrics import defined as defined_metric
from figures.metrics import named as named_metric
from figures.ranker import FEATURES, Ranker, load_ranker
from figures.term_index import TermLists, WordSets, expand, stem
from ingest.index_store import DeckIndex
from ingest.numbers import (
    SCALES,
    convert,
    find_figures,
    find_periods,
    is_money,
    period_sort_key,
    period_year,
    split_unit,
    strip_periods,
)
from ingest.readable import readable_words
from ingest.records import Chunk, Fact, Table
from ingest.statements import Period, fiscal_year_end_month_of, period_name
from ingest.text import STOPWORDS, tokenize
from understand.kinds import CAUSE_QUESTION_RE
from understand.question import key_terms, without_names
from understand.terms import (
    FILLER_TERMS,
    FORWARD_RE,
    MEASURE_WORDS,
    SYNONYMS,
    TARGET_RE,
    head_terms,
    qualifier_terms,
    written_as_name,
)

CHANGE_RE = re.compile(
    r"\b(change|changes|changed|increase|increased|decrease|decreased|grow|growth|grew|yoy|"
    r"year[- ]over[- ]year|rise|rose|fall|fell|decline|declined|drop|dropped|up|down)\b",
    re.IGNORECASE,
)
# A figure said to have changed ("did net sales grow", "the increase in"): what is asked
# is the change, not the figure.
CHANGED_RE = re.compile(
    r"\b(?:grow|grew|grown|increased?|decreased?|rise|rose|risen|fall|fell|fallen|declined?|drop|dropped|changed?)\b",
    re.IGNORECASE,
)
GROWTH_RATE_RE = re.compile(
    r"\bhow fast\b|\bgrowth\b(?!.*\bhow much\b)|\bby what (?:percentage|rate)\b"
    # "What was the YoY change in X?" asks for the rate; "By how much ... YoY?" for the amount.
    r"|^(?!.*\b(?:how much|how many|amount|jpy|yen)\b).*\b(?:yoy|year[- ]over[- ]year) (?:change|increase|decrease)\b"
    r"|^(?!.*\b(?:how much|how many|amount|jpy|yen)\b).*\bchange\b.*\b(?:yoy|year[- ]over[- ]year)\b",
    re.IGNORECASE,
)
YEAR_RE = re.compile(r"\b(when|what year|which year|in what year|since when)\b", re.IGNORECASE)
# A change asked in percent ("grow ... Percent."): the words of the rate, not of what changed.
IN_PERCENT_RE = re.compile(r"%|\b(?:in\s+)?percent(?:age)?s?\b", re.IGNORECASE)
PERCENT_RE = re.compile(
    r"(%|\bpercent|\bpercentage|\bratio\b|\b(?:what|market|which) share\b|\bshare of\b|\brate\b|\bstake\b|\breturn on\b|\byield\b)",
    re.IGNORECASE,
)
POINTS_RE = re.compile(r"\bpoints?\b|\bpercentage points?\b", re.IGNORECASE)
MONEY_RE = re.compile(
    r"\b(jpy|yen|usd|dollars?|eur|euros?|gbp|pounds?|trillion|billion|million)\b|[$€£¥]", re.IGNORECASE
)
# A change against the same period a year earlier, the earlier period left unsaid.
YEAR_OVER_YEAR_RE = re.compile(
    r"\b(?:year[- ]over[- ]year|yoy|y/y|(?:a|the) year (?:earlier|ago|before)|year[- ]ago|prior[- ]year|"
    r"(?:versus|vs\.?|compared (?:with|to)) (?:the )?(?:prior|previous|last) year)\b"
)
# What is asked on its own, not combined with anything else.
ALONE_RE = re.compile(r"\b(?:alone|by itself|by themselves|on (?:its|their) own|separately)\b", re.IGNORECASE)
# A definition of what is asked, in brackets or after "i.e.": "capital expenditures
# (additions to property and equipment)", "free cash flow, i.e. operating cash flow minus ...".
DEFINITION_RE = re.compile(r"\((?P<bracketed>[^()]*\s[^()]*\s[^()]*)\)|,?\s+i\.e\.,?\s+(?P<restated>[^?]+)")
# A definition that says how a figure is made of two others.
SPELLED_SUM_RE = re.compile(r"\b(?:minus|plus|less(?! than))\b", re.IGNORECASE)
# What a question leaves out: "excluding the current portion", "other than goodwill".
EXCLUSION_RE = re.compile(
    r"\b(?:excluding|excludes?|excl\.|except(?: for)?|other than|not including|apart from)\s+(?:the\s+)?"
    r"(?P<excluded>[A-Za-z][\w&'.-]*(?:\s+[A-Za-z][\w&'.-]*){0,3}?)"
    r"(?=\s*(?:[,;:)?]|$)|\s+(?:at|in|for|on|as of|during|from|of)\b)",
    re.IGNORECASE,
)
# Words that set one period against another.
COMPARISON_RE = re.compile(r"\b(?:compared (?:with|to)|versus|vs\.?|against|relative to)\b", re.IGNORECASE)
# A balance at the start of the period its column names.
OPENING_RE = re.compile(r"\bbeginning of (?:the )?(?:period|year|quarter)\b", re.IGNORECASE)
# "excluding X", "excl. X", "ex-X", "without X", "other than X": what a label leaves out.
EXCLUDING_RE = re.compile(r"\b(?:excluding|excludes|excl\.?|ex-|without|other than)\s*(?P<rest>[^,;()]+)", re.I)
# The opposite of an exclusion: "before adjusting for X", "prior to adjustments for X".
BEFORE_ADJUSTING_RE = re.compile(
    r"\b(?:before|prior to|not)\s+(?:adjusting|adjustments?|adjusted)\s+for\s+(?P<kept>[^,;()?]+)", re.IGNORECASE
)
# A margin named by the income it is a share of revenue of ("operating margin").
MARGIN_ASKED_RE = re.compile(r"\b(?P<kind>gross|operating|net|pre-?tax)\s+margins?\b", re.I)
MARGIN_RE = re.compile(r"\bmargins?\b", re.IGNORECASE)
# An end of a range asked for: "the low end of the revenue guidance", "the midpoint of".
RANGE_END_RE = re.compile(
    r"\b(?:the\s+)?(?:(?P<low>low(?:er)?|bottom)|high(?:er)?|upper|top)\s+end\s+of\s+(?:the\s+)?"
    r"|\b(?:the\s+)?(?P<mid>mid-?point)\s+of\s+(?:the\s+)?",
    re.IGNORECASE,
)
# Of this many best figures, those printed as an end of a range answer "the low end of".
RANGE_CANDIDATES = 10
# A quarter named without its year.
BARE_QUARTER_RE = re.compile(r"\b(?:(?P<ordinal>first|second|third|fourth) quarter|Q(?P<digit>[1-4]))\b", re.IGNORECASE)
ORDINALS = {"first": "1", "second": "2", "third": "3", "fourth": "4"}
# What asks for a rate rather than an amount ("by what percentage", "growth rate").
# "rate" alone ("at what rate", "the rate"), not a metric's last word ("effective tax rate").
PERCENT_WORDS_RE = re.compile(
    r"%|\b(?:percent|percentage|rate of change|growth rate)\b|(?:(?<=\bwhat )|(?<=\bthe )|(?<=\ba ))rate\b",
    re.IGNORECASE,
)
CHANGE_WORDS_RE = re.compile(
    r"\bhow fast\b|\bby what (?:percent(?:age)?|rate)\b|\bby how (?:much|many)\b|" + CHANGE_RE.pattern,
    re.IGNORECASE,
)
# An abbreviation as written in a question: "EPS", "R&D", "SG&A", "PP&E" (plural "s" aside).
ACRONYM_RE = re.compile(r"\b(?P<letters>[A-Z]{1,3}[&/][A-Z]{1,3}|[A-Z]{2,5})(?=s?\b)")
# Words that join the words of a name without being its initials ("and" in "R&D").
CONNECTORS = frozenset(["and", "of", "the", "for", "in", "on", "to"])
COUNT_RE = re.compile(
    r"\bhow many\b|\bnumber of\b|\b[a-z]+ counts?\b", re.IGNORECASE
)  # "share count": a number of shares
# A name (a word the deck capitalizes) found in at most this many passages names
# something specific (a company, a program): the figure's own label or slide title must
# mention it, not just its slide ("Acme Bank" employees, "Acme Deutschland" headcount).
# Chosen on the gold set.
RARE_TERM_PASSAGES = 3
# Of two figures scored within this of each other, the one whose words name the metric.
NAMED_MARGIN = 0.2
# A line of at most this many words right above a passage names it (`_lines_above`).
LINE_ABOVE_WORDS = 5
# Needed share of the question's key words (weighted by rarity) found around a fact: its
# description or its page. Fewer, and the question asks about something else.
MIN_COVERAGE = 0.6
# A calendar year ("2014"), or a month of one ("Jun. 2012"), as `find_periods` writes it.
CALENDAR_PERIOD_RE = re.compile(r"(?:[A-Z][a-z]{2}\.? )?(?P<year>(?:19|20)\d\d)")
# "How much does it cost / did they spend": money asked, though no currency is named.
COST_VERB_RE = re.compile(
    r"\bhow much\s+(?:does|do|did|will|would|could|can)\s+(?:[\w'’]+\s+){1,2}"
    r"(?:cost|spend|pay|charge)\b(?!\s+(?:decreas|increas|ris|fall|fell|drop|declin|grow|grew|chang|go|went)\w*)",
    re.I,
)
# A figure followed by this is a span of time ("the last 24 months").
SPAN_RE = re.compile(r"\s*(?:months?|years?|weeks?|days?|hours?|quarters?)\b", re.I)


def _label_says_otherwise(fact: Fact) -> bool:
    """Whether a table fact's label states another figure of its kind ("30% Share of Total
    Activity" over a cell of 21%): a row read off a chart, whose own figure is the
    label's, not the cell's beside it."""
    if not fact.table_id or fact.unit == "year":
        return False
    stated = [figure.value for figure in find_figures(fact.label) if figure.unit == fact.unit]
    return bool(stated) and all(abs(value - fact.value) > 1e-9 for value in stated)


def asks_money(question: str) -> bool:
    """Whether `question` asks for an amount of money (a currency, a scale, a cost, a flow
    or a balance named plainly: "What were revenues in Q3?"), not a rate."""
    if PERCENT_RE.search(question) or GROWTH_RATE_RE.search(question):
        return False
    if MONEY_RE.search(question) or COST_VERB_RE.search(question) or asks_per_share(question):
        return True
    # "Revenues", "net income", "total assets" asked as they are, not how they changed.
    head = head_terms(question)
    return bool(head) and head[-1] in AMOUNT_HEADS and not CHANGE_WORDS_RE.search(question)


# What these name is an amount of money, in any document: the last word of a metric's name.
# ("Sales" is not: "comparable sales" are a growth rate.)
AMOUNT_HEADS = frozenset(
    ["revenue", "revenues", "income", "profit", "earnings", "expenses", "costs", "assets", "liabilities", "debt",
     "equity", "capex", "dividends", "proceeds", "consideration"]
)  # fmt: skip
UNADJUSTED_RE = re.compile(r"\b(?:un|non)-?adjusted\s+", re.IGNORECASE)
# What a row's label refers to, not what it names: "(Note 8)", "(see Note 12)", a footnote's "(a)".
REFERENCE_RE = re.compile(r"\(\s*(?:see\s+)?notes?\s+[\w.]+(?:\s*(?:,|and)\s*[\w.]+)*\s*\)|\((?:[a-z]|\d{1,2})\)", re.I)
# Where the metric a question of a few words names ends: "diluted share count | used for EPS".
TELEGRAPHIC_HEAD_END_RE = re.compile(r"\b(?:used|for|of|in|at|by|from|during|to)\b", re.IGNORECASE)


def asks_per_share(question: str) -> bool:
    """Whether what `question` asks for is an amount per share ("diluted EPS", "dividends
    per share"): money, not the count of shares ("the diluted share count used for EPS")."""
    # A question of a few words ("Acme diluted EPS 2021?") names its metric first.
    head = head_terms(question) or tokenize(TELEGRAPHIC_HEAD_END_RE.split(question)[0])
    return "eps" in head or any(
        first == "per" and second.startswith("share") for first, second in itertools.pairwise(head)
    )


# A page of at most this many words is a slide about one thing, whose words name its
# figures (`_named_by_slide`). The dev decks' slides: 90% at most 150 words; the releases'
# and filings' pages: 90% at least 134.
SLIDE_WORDS = 120
# A runner-up within this score of the best, among the first few, that prints the same
# figure with more digits is taken instead (`_most_precise`).
PRECISE_RIVALS = 5
# Rows within this score of the best, among the first few, may be its whole (`_whole_over_parts`).
WHOLE_RIVALS = 8
WHOLE_MARGIN = 0.1
PRECISE_MARGIN = 0.3
# Figures of one sentence scoring within this of the best match it alike; the words right
# after a figure that may name it ("24 supervisors", "up 38 QoQ").
SENTENCE_RIVAL_MARGIN = 0.05
FOLLOWING_WORDS = 3
# A name in quotes: "the 'Debt' line", "the “Total assets” row".
QUOTED_RE = re.compile(r"(?<!\w)['‘\"“]([^'’\"”]{2,60})['’\"”](?!\w)")
# An owner written before what is asked: "Acme's" in "Acme's revenue".
OWNER_RE = re.compile(r"\b([A-Za-z][\w&.-]*)['’]s\b")
# Days apart at which two dates are one fiscal year's end (`_same_week`).
YEAR_END_DAYS = 6
COUNT_QUESTION_RE = re.compile(r"\bhow many\b|\bnumber of\b", re.I)
AMOUNT_QUESTION_RE = re.compile(r"\bhow (?:many|much)\b|\bnumber of\b", re.I)
# A question asking for a year or a date ("When was the bank founded?"): no amount answers it.
YEAR_QUESTION_RE = re.compile(r"^\W*(?:when|since when)\b|\b(?:what|which) years?\b", re.I)
# A figure counts the words after it, up to a stopword, at most this many.
COUNTED_WORDS = 4
# Of this many best matches for a share's whole, those of the same name are its namesakes.
NAMESAKES = 10
# How a fact's period meets the one asked (`_period_fit`): nothing asked, the same period
# (or the day it ends), the year asked and the fact one of its quarters, a period its
# sentence names, one its page names, another.
PERIOD_CATEGORIES = ("", "exact", "part_of_year", "context", "page", "other")


@dataclass(frozen=True)
class Match:
    fact: Fact
    score: float
    coverage: float
    head_found: bool
    period_ok: bool
    rare_missing: tuple[str, ...] = ()


def confidence_features(
    candidates: Candidates, scores: np.ndarray, order: np.ndarray, values: Sequence[tuple[float, str]]
) -> dict[str, float]:
    """The ranker's CONFIDENCE_FEATURES of the best fact, `order` being the facts ranked
    by `scores`, best first, and `values` each fact's (value, unit)."""
    best = int(order[0])
    # The margin is over the best figure that differs: the same figure printed twice
    # (a summary and a statement) is no rival.
    rival = next((scores[i] for i in order[1:] if values[i] != values[best]), None)
    # The best fact's share of the softmax over the ranked facts: unlike the score, it
    # means the same whether or not the question names a period.
    ranked = scores[order] - scores[best]
    return {
        "probability": float(1.0 / np.exp(ranked).sum()),
        "margin": float(scores[best] - rival) if rival is not None else 1.0,
        "wide": float(candidates.column("wide")[best]),
        "narrow": float(candidates.column("narrow")[best]),
        "names_missing": float(candidates.column("names_missing")[best]),
    }


@dataclass(frozen=True)
class Candidates:
    """Every fact's features for one question, rows in the lookup's fact order."""

    features: np.ndarray  # facts × FEATURES
    head_found: np.ndarray  # the question's head words are in the fact's description
    period_ok: np.ndarray
    rare_terms: tuple[str, ...]  # names the question writes that few pages use
    rare_held: dict[str, np.ndarray]  # which facts' descriptions hold each of them
    excluded: np.ndarray | None = None  # facts the question excludes ("excluding the current portion")

    def column(self, name: str) -> np.ndarray:
        return self.features[:, FEATURES.index(name)]


# The facts of the statements a question says to rely on, while it is answered (None: all).
_FOCUS: ContextVar[np.ndarray | None] = ContextVar("statement_focus", default=None)
# The pages a question names ("In the figure on slide 11, ..."): their facts, and no other.
_PAGES: ContextVar[tuple[int, ...] | None] = ContextVar("named_pages", default=None)
# The decimal places the question asks its figure in ("Percent, one decimal"), when it says.
_DECIMALS: ContextVar[int | None] = ContextVar("decimals_asked", default=None)
# Whether a margin is computed by its definition ("net income as a percentage of total
# revenue" no longer says "margin"): its part keeps its sign, a loss.
_MARGIN: ContextVar[bool] = ContextVar("margin_defined", default=False)


@dataclass
class LookupResult:
    """A looked-up or derived figure with everything needed to cite and explain it."""

    value: float
    unit: str
    period: str
    facts: list[Fact]
    confident: bool
    explanation: str
    formula: str | None = None
    label: str = ""
    notes: list[str] = field(default_factory=list)
    alternatives: list[Fact] = field(default_factory=list)
    defined_by_question: bool = False  # computed by a definition the question gives
    # The periods asked for which the figure the question names is printed for other
    # periods only ("net sales in fiscal 2021" of a 2020 annual report).
    unprinted: tuple[str, ...] = ()


class FactLookup:
    def __init__(self, index: DeckIndex, ranker: Ranker | None = None) -> None:
        self.index = index
        self.ranker = ranker or load_ranker()
        self.facts = list(index.facts)
        # The document's own company: a one-word name ("Acme", "ACM") stays in the
        # question (rows that name it are the closer) but asks for nothing; a longer one
        # ("Acme Stores") is read as "the company".
        names = index.manifest.names
        self._long_names = tuple(name for name in names if len(tokenize(name)) > 1)
        self._filler = FILLER_TERMS | {tokens[0] for name in names if len(tokens := tokenize(name)) == 1}
        self._cover_words = set(tokenize(index.slides[0].text)) if index.slides else set()
        # The first word of a longer name, when the document only ever writes it as a name
        # ("Acme" of "Acme Systems"; not "General" of "General Foods"), is the company too.
        written = "\n".join(slide.text for slide in index.slides)
        self._text = written.lower()  # for `_writes`
        self._filler |= {
            tokens[0]
            for name in names
            if len(tokens := tokenize(name)) > 1
            and not re.search(rf"(?<![\w./@-]){re.escape(tokens[0])}(?!\w|\.\w)", written)
        }
        titles = {slide.number: slide.title for slide in index.slides}
        tables = {table.table_id: table for table in index.tables}
        totalled = _what_totals_total(index.tables)
        # Facts repeat their parts (a row's label, a column's period, a table's title):
        # each part is read once, and a fact's word set is the union of its parts'.
        words = functools.lru_cache(maxsize=None)(lambda text: frozenset(expand(tokenize(text))))
        terms_of = functools.lru_cache(maxsize=None)(lambda text: tuple(tokenize(text)))
        # In a table, a heading tells a row's part ("Domestic" over "Operating income") when
        # the same row is printed under another heading too; "Current assets" over the one
        # "Inventories" row is a section, which the question need not name.
        headings_of: dict[tuple[str, str], set[str]] = {}
        for fact in self.facts:
            headings_of.setdefault((fact.table_id, (fact.row or fact.label).lower()), set()).add(fact.heading)
        self._phrases = _initial_phrases(fact.row for fact in self.facts if fact.row)  # a row names; a sentence runs on
        self._written = {
            word.lower() for slide in index.slides for word in ACRONYM_RE.findall(f"{slide.title} {slide.text}")
        }
        # A row the document also names by its joined initials ("SG&A" for "Selling,
        # general and administrative expenses") holds them: either name asks for it.
        joined = {
            phrase: letters
            for letters in self._written
            if re.search(r"[&/]", letters) and (phrase := self._phrases.get(re.sub(r"[&/]", "", letters)))
        }
        # A figure printed in a heading ("minutes 70,000 watched online") is named by the
        # heading's own words, not by a heading above it.
        headings = {chunk.chunk_id for chunk in index.chunks if chunk.kind == "heading"}
        above = _lines_above(index.chunks)
        below = _captions_below(index.chunks)
        narrow_sets, metric_sets, own_sets = [], [], []
        row_terms: list[list[str]] = []
        qualifiers: list[list[str]] = []
        for fact in self.facts:
            table_title = tables[fact.table_id].title if fact.table_id in tables else ""
            parts = [fact.label, fact.row, fact.column, fact.heading, table_title]
            parts.append(totalled.get((fact.table_id, fact.row), ""))
            parts += named_by_row(fact, tables[fact.table_id]) if fact.table_id in tables else []
            row_words = " ".join(re.findall(r"[A-Za-z][A-Za-z'-]*", fact.row)).lower()
            parts += [letters for phrase, letters in joined.items() if phrase in row_words]
            if not fact.table_id:
                parts.append(_sentence_with(fact.context, fact.raw))
                if not fact.heading:
                    parts.append(above.get(fact.fact_id.rsplit("-f", 1)[0], ""))
                parts.append(below.get(fact.fact_id.rsplit("-f", 1)[0], ""))
            if fact.unit == "%":
                parts.append("ratio percentage")  # a share of something is a ratio
            if "change" in fact.tags:  # "up JPY49.4 billion from FY15" is an increase
                parts.append("change increase growth" if fact.value >= 0 else "change decrease decline")
            narrow = frozenset().union(*(words(part) for part in parts))
            narrow_sets.append(narrow)
            metric_sets.append(narrow | words(titles.get(fact.slide, "")))
            # Around the fact: its own words, then (`_wide`) its slide's.
            own_sets.append(narrow | words(fact.context))
            row_terms.append(
                list(
                    terms_of(
                        REFERENCE_RE.sub(
                            " ",
                            fact.row
                            or (
                                fact.label
                                if "chart" in fact.tags or fact.fact_id.rsplit("-f", 1)[0] in headings
                                else ""
                            )
                            or fact.heading
                            or table_title,
                        )
                    )
                )
            )
            label_tokens = set(terms_of(fact.label)) | set(terms_of(fact.row))
            qualifiers.append(
                [t for t in dict.fromkeys(terms_of(fact.heading)) if t not in label_tokens]
                if not fact.table_id or len(headings_of[(fact.table_id, (fact.row or fact.label).lower())]) > 1
                else []
            )
        self._narrow = WordSets(narrow_sets)
        self._metric = WordSets(metric_sets)
        self._own = WordSets(own_sets)
        slide_numbers = [slide.number for slide in index.slides]
        self._slides = WordSets([expand(tokenize(f"{slide.title} {slide.text}")) for slide in index.slides])
        self._slide_words = np.array([len(tokenize(slide.text)) for slide in index.slides], dtype=np.int64)
        # Words, not figures: a chart's labels and data make no slide about more things.
        self._slide_prose = np.array(
            [sum(1 for word in tokenize(slide.text) if word.isalpha() and len(word) > 2) for slide in index.slides],
            dtype=np.int64,
        )
        position = {number: index for index, number in enumerate(slide_numbers)}
        self._fact_slide = np.array([position.get(fact.slide, -1) for fact in self.facts], dtype=np.int64)
        self._fact_page = np.array([fact.slide for fact in self.facts], dtype=np.int64)
        # Inverse document frequency over the deck's passages: rare words ("Seven",
        # "Dalton") decide more than common ones ("revenue").
        documents = [set(tokens) for tokens in index.chunk_tokens]
        frequency = Counter(token for document in documents for token in document)
        self._idf = {token: math.log((1 + len(documents)) / (1 + df)) + 1 for token, df in frequency.items()}
        # Words the document writes in more than one passage are its words, however a
        # dictionary reads them ("YoY"); OCR's debris of a picture is written once.
        common = {token for token, df in frequency.items() if df > 1}
        self._idf_by_stem: dict[str, float] = {}
        for token, weight in self._idf.items():
            key = stem(token)
            self._idf_by_stem[key] = max(weight, self._idf_by_stem.get(key, 0.0))
        names = _proper_nouns(written)
        self._rare = {token for token, df in frequency.items() if df <= RARE_TERM_PASSAGES and token in names}
        self._vectors = index.fact_vectors  # embedded at ingest (`fact_description`)
        self._slide_periods = {slide.number: set(slide.periods) for slide in index.slides}
        # Where each fiscal year the document names ends ("FY22" -> "2022-12-31"): a
        # balance on that day is the year-end figure.
        self.year_ends = _year_ends(self.facts)
        # Each period a heading dates ("Three Months Ended Nov. 20, 2022" is 1Q23): its end,
        # when all its figures agree on it.
        ends: dict[str, set[str]] = {}
        for fact in self.facts:
            if fact.period and fact.period_end:
                ends.setdefault(fact.period, set()).add(fact.period_end)
        self._period_ends = {period: days.pop() for period, days in ends.items() if len(days) == 1}
        self.deck_periods = {fact.period for fact in self.facts if fact.period}
        # The periods the document's tables report figures for (a target is not reported).
        self._reported = {f.period for f in self.facts if f.period and f.table_id and "target" not in f.tags}
        # The statement each table fact is printed in, as its page names it ("" when none).
        named = {slide.number: primary_statement(slide.text, slide.title) for slide in index.slides}
        self._statements = np.array([named.get(fact.slide, "") if fact.table_id else "" for fact in self.facts])
        self._on_statement = self._statements != ""
        # The document's fiscal year (the month it ends in, how its names count), when the
        # reader of the question knows it (`understand.periods.Calendar`).
        self.fiscal_year: tuple[int, int] | None = None
        # The last day the document's primary statements report: a year or a quarter ending
        # after it had not ended when the document was written.
        self._reported_until = max(
            (
                fact.period_end
                for fact, named in zip(self.facts, self._statements, strict=True)
                if named and fact.period_end
            ),
            default="",
        )
        self.deck_periods |= {period for periods in self._slide_periods.values() for period in periods}
        self.deck_periods |= set(self.year_ends)  # a year whose closing balances are printed

        # A year a table writes as a thing's name (an album "1989" in its "Title" column,
        # for which no figure is reported), not a period.
        # Its column is one of names: most of its cells are words.
        def names_column(table: Table, column: int) -> bool:
            cells = [row[column] for row in table.rows if column < len(row) and row[column].strip()]
            worded = [cell for cell in cells if _a_name(cell)]
            return 2 * len(worded) > len(cells)

        self._name_years = {
            cell.strip()
            for table in index.tables
            for row in table.rows
            for column, cell in enumerate(row)
            if column > 0
            and _a_year(cell.strip())
            and column < len(table.header)
            and "year" not in table.header[column].lower()
            and not any(character.isdigit() for character in table.header[column])
            and not any(same_period(cell.strip(), known) for known in self.deck_periods)
            and names_column(table, column)
        }
        # The weights of each fact's row words and part words do not depend on the question.
        qualifiers = [[t for t in terms if t not in self._filler] for terms in qualifiers]
        self._row_terms = TermLists(row_terms, [{t: self._weight(t) for t in terms} for terms in row_terms])
        self._qualifiers = TermLists(qualifiers, [{t: self._weight(t) for t in terms} for terms in qualifiers])
        # What the score's unit and tag rules read of each fact, as arrays.
        units = [fact.unit for fact in self.facts]
        self._is_target = np.array(["target" in fact.tags for fact in self.facts], dtype=bool)
        self._is_change = np.array(["change" in fact.tags for fact in self.facts], dtype=bool)
        self._is_percent = np.array([unit in ("%", "points") for unit in units], dtype=bool)
        self._is_points = np.array([unit == "points" for unit in units], dtype=bool)
        self._is_year = np.array([unit == "year" for unit in units], dtype=bool)
        self._is_money = np.array([is_money(unit) for unit in units], dtype=bool)
        self._is_scaled = np.array([bool(split_unit(unit)[1]) for unit in units], dtype=bool)
        self._is_prose = np.array([not fact.table_id for fact in self.facts], dtype=bool)
        self._table_ids = np.array([fact.table_id for fact in self.facts], dtype=object)
        # "Proposal 3", "Note 12": a number that is part of a name, not a figure.
        self._is_numbering = np.array(
            [
                fact.raw.isdigit() and bool(re.fullmatch(rf"[A-Z][a-z]+\.?\s+{fact.raw}", fact.label))
                for fact in self.facts
            ],
            dtype=bool,
        )
        # A figure among OCR's debris of a picture ("O 1 9 ] B18} OPO"): letters beside it,
        # none of which read as words, say it is no figure the page prints.
        ocr_pages = index.manifest.ocr_pages
        self._is_debris = np.array(
            [fact.slide in ocr_pages and not fact.table_id and _in_debris(fact, common) for fact in self.facts],
            dtype=bool,
        )
        self._values = [(fact.value, fact.unit) for fact in self.facts]
        self._sizes = np.abs(np.array([fact.value for fact in self.facts], dtype=np.float64))
        self._position = {fact.fact_id: i for i, fact in enumerate(self.facts)}
        # What a fact's label or section negates ("Non-GAAP" negates "gaap"): asked for
        # the plain measure, the negated one is not it.
        self._negated = {
            i: negated
            for i, fact in enumerate(self.facts)
            if (negated := set(re.findall(r"\bnon[- ]?([a-z]+)", f"{fact.label} {fact.row} {fact.heading}".lower())))
        }
        # What a table row leaves out ("Pharmaceutical excluding COVID-19 Vaccine"): asked
        # about what it leaves out, it is not the figure.
        self._left_out = {
            i: left_out
            for i, fact in enumerate(self.facts)
            if fact.table_id
            and (match := EXCLUDING_RE.search(f"{fact.label} {fact.column}"))
            and (left_out := set(tokenize(match.group("rest"))))
        }
        # Facts that read the same to the period rule share one answer per question.
        # A balance "at beginning of period" (a cash flow statement's opening cash) is not
        # the balance on the day its period ends: it is not matched to that day.
        period_keys = [
            (
                fact.period,
                "" if OPENING_RE.search(f"{fact.label} {fact.row}") else fact.period_end,
                "" if fact.period else fact.context,
                0 if fact.period else fact.slide,
            )
            for fact in self.facts
        ]
        distinct = {key: number for number, key in enumerate(dict.fromkeys(period_keys))}
        self._period_keys = list(distinct)
        self._context_periods: dict[str, list[str]] = {}
        # Abbreviations the row labels write ("Non-GAAP ROI"), letters only.
        self._row_acronyms = sorted(
            {
                word.lower()
                for fact in self.facts
                if fact.row
                for word in ACRONYM_RE.findall(fact.row)
                if _abbreviation(word)
            }
        )
        self._period_cache: dict[tuple[str, ...], tuple[np.ndarray, np.ndarray]] = {}
        self._period_key = np.array([distinct[key] for key in period_keys], dtype=np.int64)

    def spelled_out(self, question: str, letters_only: bool = True) -> str:
        """Abbreviations the document does not write, written out as its row labels spell
        them: "R&D" -> "research and development", "EPS" -> "earnings per share" (the
        phrase whose words' initials they are; the most frequent when several).
        `letters_only` off: only those joined by "&" or "/", which never name a company."""

        def phrase(match: re.Match[str]) -> str:
            letters = match.group("letters")
            # One the document writes itself ("GAAP", "SG&A", its own name) stays; so does
            # a bare one when asked (it may name another company by its ticker).
            if letters.lower() in self._written or letters.lower() in self._filler or MONEY_RE.fullmatch(letters):
                return letters  # (a currency is a unit: "USD" is no "U.S. domestic")
            if letters.isalpha() and not letters_only:
                return letters
            spelled = self._phrases.get(re.sub(r"[&/]", "", letters).lower(), letters)
            # "&" is an "and": "D&A" is no "designated as", "M&A" no "miscellaneous accruals".
            return letters if "&" in letters and " and " not in f" {spelled} " else spelled

        return ACRONYM_RE.sub(phrase, question)

    def abbreviated(self, question: str) -> str:
        """`question` with the abbreviation the document writes for words it spells out
        added: "return on investment" -> "return on investment ROI" when a row says "ROI"
        (the other way round from `spelled_out`)."""
        added = []
        content = set(key_terms(question)) - self._filler
        for letters in self._row_acronyms:
            if letters in question.lower().split():
                continue
            # Consecutive content words whose initials are the letters, little words
            # between them aside ("return on investment"; not "what was" for "WW").
            pattern = r"\s+(?:(?:and|of|on|the|for|in|to)\s+)?".join(rf"{letter}[a-z]*" for letter in letters)
            for match in re.finditer(rf"\b{pattern}\b", question, re.IGNORECASE):
                words = re.findall(r"[a-z]+", match.group(0).lower())
                named = [word for word in words if word not in CONNECTORS]
                # ... a phrase the document writes ("return on assets" for ROA; not "aim to
                # maintain" for ATM).
                if (
                    len(words) == len(letters)
                    and all(word in content and len(word) > 2 for word in named)
                    and " ".join(words) in self._text
                ):
                    added.append(letters.upper())
                    break
        return f"{question} {' '.join(added)}" if added else question

    def _writes(self, metric: Metric) -> bool:
        """Whether the document writes one of `metric`'s names anywhere: its figures under
        that name are the document's own (and may not be the standard definition's)."""
        return any(re.search(rf"(?<![\w&]){re.escape(alias.lower())}(?![\w&])", self._text) for alias in metric.aliases)

    def names_quoted(self, question: str) -> str:
        """`question` with a year the document writes as a name ("an artist's 1989")
        in quotes, which no period is read from."""
        for year in self._name_years:
            question = re.sub(rf"(?<![\w\"“'‘]){year}(?![\w\"”'’])", f'"{year}"', question)
        return question

    def reports(self, period: str) -> bool:
        """Whether the document's tables report figures for `period` (a plan or target
        for it, or a mention in the text, is not a reported figure)."""
        return any(same_period(period, reported) for reported in self._reported)

    def covers(self, period: str) -> bool:
        """Whether the document has figures or words for `period` ("2023" is covered by
        "FY23" or "Dec. 31, 2023"). A calendar year, or a month of one, is covered when the
        document writes that year anywhere, however it sets it ("2006 Health IT Staffing
        Needs", a table column "2014", "Tweets Per Day in Jun '12")."""
        if any(same_period(period, known) for known in self.deck_periods):
            return True
        year = CALENDAR_PERIOD_RE.fullmatch(period)
        if year is None:
            return False
        full, short = year.group("year"), year.group("year")[2:]
        written = rf"(?<![\w.,]){full}(?![\w]|[.,]\d)|[‘’'`]\s?{short}\b"
        return re.search(written, self._text) is not None

    def _known(self, term: str) -> bool:
        return any(candidate in self._idf for candidate in (term, term.rstrip("s"), *SYNONYMS.get(term, ()))) or (
            stem(term) in self._idf_by_stem
        )

    def _weight(self, term: str) -> float:
        weight = max((self._idf.get(c, 0.0) for c in (term, term.rstrip("s"), *SYNONYMS.get(term, ()))), default=1.0)
        # A word the document writes in another form ("inventory" for "inventories").
        return weight or self._idf_by_stem.get(stem(term), 0.0)

    def _coverage(self, sets: WordSets, terms: list[str], weights: dict[str, float]) -> np.ndarray:
        """Per fact, the weighted share of `terms` its words in `sets` hold."""
        found = np.zeros(sets.size, dtype=np.float64)
        total = 0.0
        for term in terms:
            weight = weights.get(term, 1.0)
            total += weight
            found += weight * sets.holding(term)
        return found / total if total else found

    def _named_by_slide(self, head: list[str], weights: dict[str, float], named: np.ndarray) -> np.ndarray:
        """Per fact, whether its slide names what `head` asks for, for a figure no fact of
        the slide names: a slide of few words is about one thing, and its words (a chart's
        legend, a table's header) name its figures ("Average weekday ridership" over a
        table of stations; "confirmed human cases" beside a map's prisms)."""
        known = self._fact_slide >= 0
        slide = np.where(known, self._fact_slide, 0)
        names = np.zeros(self._slides.size, dtype=bool)  # per slide: a fact of it is named
        np.logical_or.at(names, slide[known], named[known])
        on_slide = self._coverage(self._slides, head, weights) >= 0.5
        return known & (self._slide_words[slide] <= SLIDE_WORDS) & on_slide[slide] & ~names[slide]

    def _on_short_slide(self, term: str) -> np.ndarray:
        """Which facts' slides, of at most SLIDE_WORDS words (figures aside), hold `term`."""
        known = self._fact_slide >= 0
        slide = np.where(known, self._fact_slide, 0)
        return known & (self._slide_prose[slide] <= SLIDE_WORDS) & self._slides.holding(term)[slide]

    def page_holds(self, fact: Fact, terms: Iterable[str]) -> bool:
        """Whether `fact`'s page (its title and text) holds every one of `terms`, in any form."""
        position = self._position[fact.fact_id]
        return all(self._wide(term)[position] for term in terms)

    def _wide(self, term: str) -> np.ndarray:
        """Which facts hold `term` in their own words or anywhere on their slide."""
        on_slide = self._slides.holding(term)[self._fact_slide] & (self._fact_slide >= 0)
        return self._own.holding(term) | on_slide

    def _period_scores(self, periods: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Per fact, whether its period fits `periods` and how (its PERIOD_CATEGORIES code;
        the same few periods come back with every question: remembered)."""
        key = tuple(periods)
        if key not in self._period_cache:
            if len(self._period_cache) >= 256:
                self._period_cache.clear()
            self._period_cache[key] = self._period_fits(periods)
        return self._period_cache[key]

    def _period_fits(self, periods: list[str]) -> tuple[np.ndarray, np.ndarray]:
        fits = [
            _period_fit(
                periods,
                Fact("", slide, "", 0.0, "", period, "", "", period_end=period_end),
                self._slide_periods.get(slide, set()),
                self._periods_in(context),
                # A quarter's or a year's closing balance: the day its flows end on.
                {**self._period_ends, **self.year_ends},
            )
            for period, period_end, context, slide in self._period_keys
        ]
        ok = np.array([fit[0] for fit in fits], dtype=bool)
        category = np.array([fit[1] for fit in fits], dtype=np.int64)
        return ok[self._period_key], category[self._period_key]

    def _periods_in(self, context: str) -> list[str]:
        """The periods a fact's context names (read once, on the first question asking a period)."""
        found = self._context_periods.get(context)
        if found is None:
            found = self._context_periods[context] = (
                (find_periods(context) or self._bare_quarters(context)) if context else []
            )
        return found

    def _bare_quarters(self, text: str) -> list[str]:
        """Quarters named without a year ("net sales for the first quarter", "in Q4"): the
        latest of that quarter the document has figures for."""
        found = []
        for match in BARE_QUARTER_RE.finditer(text):
            number = ORDINALS.get((match.group("ordinal") or "").lower()) or match.group("digit")
            latest = sorted(
                (period for period in self.deck_periods if re.fullmatch(rf"{number}Q\d\d", period)),
                key=period_sort_key,
            )
            if latest and latest[-1] not in found:
                found.append(latest[-1])
        return found

    # -- single figures -------------------------------------------------------------

    def rank(
        self, question: str, periods: list[str] | None = None, change: bool | None = None, limit: int = 40
    ) -> list[Match]:
        """The `limit` facts ranked best for `question`; `periods` overrides the periods
        named in it; `change` keeps only changes (True) or only levels (False)."""
        return self._ranked(question, periods, change, limit)[0]

    def _ranked(
        self,
        question: str,
        periods: list[str] | None,
        change: bool | None,
        limit: int,
        within: np.ndarray | None = None,
    ) -> tuple[list[Match], float]:
        """The ranked matches (as `rank`; of the facts `within` when given) and the
        confidence that the first is right."""
        if not self.facts:
            return [], 0.0
        found = self.features(question, periods)
        score = self.ranker.score(found.features)
        candidates = np.arange(len(self.facts)) if within is None else within
        focus = _FOCUS.get()
        if focus is not None and np.isin(candidates, focus).any():
            candidates = candidates[np.isin(candidates, focus)]
        pages = _PAGES.get()
        if pages is not None:
            candidates = candidates[np.isin(self._fact_page[candidates], pages)]
        # A line the question names in quotes ("the 'Debt' line") is that line.
        quoted = {_label_key(phrase) for phrase in QUOTED_RE.findall(question)}
        if quoted:
            named = np.array([_label_key(self.facts[i].label) in quoted for i in candidates], dtype=bool)
            if named.any():
                candidates = candidates[named]
        if change is not None:
            candidates = candidates[self._is_change[candidates] == change]
        if found.excluded is not None and found.excluded[candidates].any() and (~found.excluded[candidates]).any():
            candidates = candidates[~found.excluded[candidates]]
        order = candidates[np.argsort(-score[candidates], kind="stable")][:limit]
        if not len(order):
            return [], 0.0
        matches = [
            Match(
                self.facts[i],
                float(score[i]),
                float(found.column("wide")[i]),
                bool(found.head_found[i]),
                bool(found.period_ok[i]),
                tuple(term for term in found.rare_terms if not found.rare_held[term][i]),
            )
            for i in order
        ]
        return matches, self.ranker.confidence(confidence_features(found, score, order, self._values))

    def features(self, question: str, periods: list[str] | None = None) -> Candidates:
        """Every fact's FEATURES for `question` (periods as in `rank`)."""
        periods = find_periods(question) if periods is None else periods
        # "long-term debt, excluding the current portion": the excluded words name what is
        # not asked; they take no part in the match, and a fact they describe is left out.
        # A document that prints the exclusion in a row's label ("Worldwide excluding COVID-19
        # Vaccine") names that row with it: then the words stay.
        exclusions = [
            (match.group(0), match.group("excluded"))
            for match in EXCLUSION_RE.finditer(question)
            if not self._labels_holding(" ".join(tokenize(match.group(0))[:2])).any()
        ]
        for clause, _ in exclusions:
            question = question.replace(clause, " ")
        # "before adjusting for gas prices and FX": what is kept in; its words name no row,
        # and a figure that leaves it out is not the one asked.
        kept_in: set[str] = set()
        for match in BEFORE_ADJUSTING_RE.finditer(question):
            kept_in |= expand(tokenize(match.group("kept")))
            question = question.replace(match.group(0), " ")
        metric_text = _without_periods(question)
        # The filer the cover names, as the owner of what is asked ("Acme's revenue"), is
        # the document's company, not a word of the figure's name.
        filler = self._filler | (self._cover_words & {owner.lower() for owner in OWNER_RE.findall(question)})
        # Words the deck never uses cannot tell facts apart (the refusal policy judges them).
        # Currency and scale words say the unit asked ("how many dollars"), not which row.
        terms = [
            term
            for term in tokenize(metric_text)
            if term not in filler and self._known(term) and not MONEY_RE.fullmatch(term)
        ]
        head = [
            term
            for term in head_terms(metric_text)
            if term not in filler and self._known(term) and not MONEY_RE.fullmatch(term)
        ]
        # "net income attributable to shareholders" of a filing none of whose net income
        # rows, nor their pages, says to whom: its net income is meant (a filing that does
        # say, in a row or a footnote beside it, keeps the words).
        qualifiers = set(qualifier_terms(metric_text)) & set(terms)
        if qualifiers and head:
            # The rows the question names, the qualifier aside ("Net income", "Net Income*").
            named = self._row_terms.found_share(expand(tokenize(question))) >= 1.0
            named &= np.logical_and.reduce([self._narrow.holding(term) for term in head])
            said = np.logical_and.reduce([named, *(self._wide(term) for term in qualifiers)])
            if not said.any():
                terms = [term for term in terms if term not in qualifiers]
        weights = {term: self._weight(term) for term in {*terms, *head}}
        rare_terms = [term for term in terms if term in self._rare and written_as_name(term, question)]
        question_tokens = expand(tokenize(question))
        wants_target = bool(TARGET_RE.search(question))
        wants_change = bool(CHANGE_RE.search(question))
        wants_percent = bool(PERCENT_RE.search(question)) or bool(GROWTH_RATE_RE.search(question))
        wants_year = bool(YEAR_RE.search(question))
        wants_count = bool(COUNT_RE.search(question))
        wants_points = bool(POINTS_RE.search(question))
        wants_money = asks_money(question)
        vector = self.index.embedder.encode([metric_text])[0]
        dense = (self._vectors @ vector).astype(np.float64)
        wide = np.zeros(len(self.facts), dtype=np.float64)
        total = 0.0
        for term in terms:
            weight = weights.get(term, 1.0)
            total += weight
            wide += weight * self._wide(term)
        coverage = wide / total if total else wide
        narrow_coverage = self._coverage(self._narrow, terms, weights)
        metric_coverage = self._coverage(self._metric, terms, weights)
        head_found = self._coverage(self._metric, head, weights) >= 0.5 if head else metric_coverage > 0
        if head:
            head_found = head_found | self._named_by_slide(head, weights, head_found)
        if periods:
            period_ok, period_category = self._period_scores(periods)
        else:
            period_ok, period_category = np.ones(len(self.facts), dtype=bool), np.zeros(len(self.facts), dtype=np.int64)
        row_in_question = self._row_terms.found_share(question_tokens)
        # A figure for a part ("SI" under "Gross Margin") answers a question that
        # names the part; asked without it, the whole is meant.
        unasked = np.where(self._qualifiers.nonempty, 1.0 - self._qualifiers.found_share(question_tokens), 0.0)
        # "GAAP diluted EPS" is not the "Non-GAAP" row.
        asked = set(tokenize(question))
        negated = np.zeros(len(self.facts))
        if "non" not in asked:
            for i, negated_words in self._negated.items():
                if negated_words & asked:
                    negated[i] = 1.0
        if not EXCLUDING_RE.search(question):
            for i, left_out in self._left_out.items():
                if left_out & (asked | kept_in):
                    negated[i] = 1.0
        # A name is held by a figure that its own words write, or, for a sentence's figure,
        # the words of its slide of few words (about one thing: a show's name over "At
        # 382,000 each airing ... tweets") when its own words name what is asked. A table's
        # row is named by its own label: a name in another row (another office, above the
        # "Europe Limited" row) is another row's.
        named_here = self._is_prose & (
            self._coverage(self._own, head, weights) >= 0.5 if head else np.zeros(len(self.facts), bool)
        )
        rare_held = {
            term: self._metric.holding(term) | (self._on_short_slide(term) & named_here) for term in rare_terms
        }
        names_missing = np.zeros(len(self.facts))
        for term in rare_terms:
            names_missing += ~rare_held[term]
        if rare_terms:
            names_missing /= len(rare_terms)
        columns = {
            "dense": dense,
            "narrow": narrow_coverage,
            "wide": coverage,
            "metric": metric_coverage,
            "row_asked": row_in_question,
            **{f"period_{name}": period_category == code for code, name in enumerate(PERIOD_CATEGORIES) if name},
            "target_asked_is": wants_target & self._is_target,
            "target_asked_not": wants_target & ~self._is_target,
            "target_unasked_is": (not wants_target) & self._is_target,
            "change_asked_is": wants_change & self._is_change,
            "change_unasked_is": (not wants_change) & self._is_change,
            "percent_asked_is": wants_percent & self._is_percent,
            "percent_asked_not": wants_percent & ~self._is_percent,
            "percent_unasked_is": (not wants_percent) & self._is_percent,
            "year_mismatch": self._is_year != wants_year,
            "count_asked_amount": wants_count & (self._is_money | self._is_percent),
            "points_asked_is": wants_points & self._is_points,
            "points_asked_money": wants_points & self._is_money,
            "money_asked_not": (wants_money and not wants_points) & ~self._is_money,
            "part_unasked": unasked,
            "negated_asked": negated,
            "names_missing": names_missing,
            "prose": self._is_prose,
            # A primary statement's row that names what is asked: the filing's own figure.
            "statement": self._on_statement * narrow_coverage,
        }
        features = np.column_stack([np.asarray(columns[name], dtype=np.float64) for name in FEATURES])
        if ALONE_RE.search(question):
            # "R&D expenses alone": not a row that names more ("SG&A/R&D").
            head_found = head_found & (row_in_question >= 1.0)
        # An amount per share is never printed in millions ("JPY15 billion" is no dividend
        # per share; a per-share row read with its table's scale is misread).
        excluded = self._is_scaled.copy() if asks_per_share(question) else np.zeros(len(self.facts), dtype=bool)
        excluded |= self._is_numbering | self._is_debris
        # A threshold or a span the question states ("funds of over EUR 100M", "in the last
        # 24 months") says which figure is asked; it is not the answer. (A figure stated
        # plainly may be an operand: "to hit the 158bn target".)
        stated = [
            figure.value
            for figure in find_figures(question)
            if figure.unit != "year" and (figure.qualifier or SPAN_RE.match(question, figure.end))
        ]
        if stated:
            excluded |= np.isin(self._sizes, np.abs(stated))
        for _, phrase in exclusions:
            words = [term for term in tokenize(phrase) if self._known(term)]
            if words:
                excluded |= np.logical_and.reduce([self._narrow.holding(term) for term in words])
        return Candidates(features, head_found, period_ok, tuple(rare_terms), rare_held, excluded)

    def _names_another_row(self, fact: Fact, question: str) -> bool:
        """A table's figure in a row the question names no word of, when it names words of
        another row of that table ("an internal breach of security" beside a chart's "External
        Breach of Security" row, its own row's value lost to OCR): another row is asked."""
        if not fact.table_id or not fact.row:
            return False
        tokens = expand(tokenize(question))
        shares = self._row_terms.found_share(tokens)
        position = self._position[fact.fact_id]
        # A row under a section the question names ("Vaccines" over "Worldwide") is named.
        if shares[position] > 0 or self._qualifiers.found_share(tokens)[position] > 0:
            return False
        return bool((shares[self._table_ids == fact.table_id] > 0).any())

    def _counts_another(self, fact: Fact, question: str) -> bool:
        """ "How many days did the training last?": a sentence's figure that counts
        something else ("48 interviewers") does not state the count asked."""
        if fact.table_id or not COUNT_QUESTION_RE.search(question):
            return False
        counted = counted_words(fact.context, fact.raw)  # the word after it: "48 interviewers"
        if not counted:
            return False
        asked = {stem(term) for term in expand(head_terms(question))}
        # "execs" counts executives: a word shortened is the same word.
        return bool(asked) and not any(
            a.startswith(c) or c.startswith(a) for a in asked for c in counted if min(len(a), len(c)) >= 3
        )

    def _labels_holding(self, words: str) -> np.ndarray:
        """Which facts' labels or column headings print `words` ("excluding impact") in
        this order, in any form ("Excluding the impacts from ...")."""
        wanted = " ".join(stem(word) for word in tokenize(words))
        return np.array(
            [
                bool(wanted) and wanted in " ".join(stem(word) for word in tokenize(f"{fact.label} {fact.column}"))
                for fact in self.facts
            ]
        )

    def find(
        self,
        question: str,
        periods: list[str] | None = None,
        change: bool | None = None,
        within: np.ndarray | None = None,
    ) -> LookupResult | None:
        """The figure `question` asks for (of the facts `within`, when given), confident
        or not; None when there are no facts."""
        matches, probability = self._ranked(question, periods, change, limit=40, within=within)
        if not matches:
            return None
        # "Wave I" is not "Wave II" ("I" is read as a stopword, so the words alone agree).
        matches = [match for match in matches if not _other_numeral(match.fact, question)] or matches
        # "How much more productive ...": an amount, not the year a citation prints beside it.
        if AMOUNT_QUESTION_RE.search(question):
            matches = [match for match in matches if match.fact.unit != "year"] or matches
        best = _nearest_in_its_sentence(_most_precise(_whole_over_parts(matches)), matches, question)
        # A figure whose own words name what is asked, scored about as high, before one whose
        # words do not (which would not be answered).
        if not best.head_found:
            named = [
                match
                for match in matches
                if match.head_found and match.coverage >= MIN_COVERAGE and match.score >= best.score - NAMED_MARGIN
            ]
            best = named[0] if named else best
        fact = best.fact
        asked_periods = find_periods(question) if periods is None else periods
        unknown_periods = [p for p in asked_periods if not self.covers(p)]
        # "What was net income for full-year 2023?" of a report on its first half: not over yet.
        unended = [p for p in asked_periods if self._unended(p)] if not FORWARD_RE.search(question) else []
        if unended and _decided_for(fact, unended):
            unended = []  # "the Board authorized a dividend of $0.605 per share effective in 2023"
        # A figure for another period than the one asked, one whose description does not
        # name the metric, a period the document never covers, a name the figure's page
        # never writes: not this figure, however well the rest matches.
        confident = (
            probability >= self.ranker.threshold
            and best.coverage >= MIN_COVERAGE
            and best.period_ok
            and best.head_found
            and not unknown_periods
            and not unended
            and not best.rare_missing
            # "How many funds ...", "how much more productive ...": a count or an amount, not
            # the year a label or a citation prints ("1999 vs 2011", "Source: Smith et al. 2011").
            and not (fact.unit == "year" and AMOUNT_QUESTION_RE.search(question))
            and not (fact.unit != "year" and YEAR_QUESTION_RE.search(question))
            and not self._counts_another(fact, question)
            and not self._names_another_row(fact, question)
            # "How much does it cost ...": an amount, not the share of those who named it.
            and not (fact.unit in ("%", "points") and asks_money(question))
            and not _label_says_otherwise(fact)
            # A plan or an outlook answers a question about one, never one about what was.
            and not ("target" in fact.tags and not TARGET_RE.search(question))
        )
        explanation = (
            f"best fact {fact.fact_id} '{fact.label}' = {fact.raw} ({fact.period or 'no period'}), "
            f"score {best.score:.2f}, confidence {probability:.2f}, coverage {best.coverage:.2f}, "
            f"metric named: {best.head_found}, "
            f"period ok: {best.period_ok}"
            + (f", not named by it: {', '.join(best.rare_missing)}" if best.rare_missing else "")
        )
        alternatives = _same_metric_other_periods(fact, [m.fact for m in matches[1:40]])
        # Everything but the period fits: the metric is printed in a table, not for the
        # period asked (a sentence's date may be another event's: a dividend's payment).
        unprinted = tuple(unended) or (
            tuple(period for period in asked_periods if self.covers(period))
            if not best.period_ok
            and fact.table_id
            and probability >= self.ranker.threshold
            and best.coverage >= MIN_COVERAGE
            and best.head_found
            and not best.rare_missing
            and not ("target" in fact.tags and not TARGET_RE.search(question))
            else ()
        )
        notes = []
        if unknown_periods:
            explanation += f"; the deck has no figures for {', '.join(unknown_periods)}"
        if not asked_periods and alternatives:
            listed = ", ".join(f"{alt.raw} ({_period_label(alt)})" for alt in alternatives[:4])
            notes.append(f"The question names no period; this is {_period_label(fact)}. Also in the deck: {listed}.")
        return LookupResult(
            value=fact.value,
            unit=fact.unit,
            period=fact.period,
            facts=[fact],
            confident=confident,
            explanation=explanation,
            label=fact.label,
            notes=notes,
            alternatives=alternatives,
            unprinted=unprinted,
        )

    # -- questions, single or derived ---------------------------------------------------

    def answer(
        self, question: str, statements: Sequence[str] = (), decimals: int | None = None, pages: Sequence[int] = ()
    ) -> LookupResult | None:
        """A figure for `question`: derived (difference, change, sum, ratio) when the
        question asks for arithmetic, else a single looked-up figure. `statements`: the
        statements to rely on ("balance sheet", ...): their figures are the candidates,
        when the document prints them. `decimals`: the places the figure is asked in; a
        rate printed with fewer is computed instead, when it can be. `pages`: the only
        pages to read figures on (those the question names)."""
        focus = np.flatnonzero(np.isin(self._statements, list(statements))) if statements else np.array([], int)
        token = _FOCUS.set(focus if len(focus) else None)
        places = _DECIMALS.set(decimals)
        on_pages = _PAGES.set(tuple(pages) or None)
        try:
            return self._answer_question(question)
        finally:
            _FOCUS.reset(token)
            _DECIMALS.reset(places)
            _PAGES.reset(on_pages)

    def explained(self, question: str) -> Fact | None:
        """The table figure a question about what drove it names ("What drove operating
        margin change in 2022?", "Why did cost of sales rise as a percent of sales?"):
        asked as the figure itself, without the words of its cause and its change; None
        when no table prints it confidently."""
        figure = " ".join(CHANGE_WORDS_RE.sub(" ", CAUSE_QUESTION_RE.sub("What was", question, count=1)).split())
        found = self.find(figure)
        if found is None or not found.confident or not found.facts[0].table_id:
            return None
        return found.facts[0]

    def _answer_question(self, question: str) -> LookupResult | None:
        # "Unadjusted operating income" is the plain one (a non-GAAP row is "Adjusted ...").
        question = UNADJUSTED_RE.sub("", without_names(question, self._long_names))
        # A figure the question defines, by the question's own names for it ("FCF here is
        # defined as ..."): not the document's expansion of the letters.
        defined = computed_as_defined(question, self)
        if defined is not None:
            return defined
        result = self._answer_undefined(question)
        defined_terms = definitions(question)
        if result is not None and not result.formula and defined_terms:
            # Not one of its operands, however well it matches the question's words.
            said = "; ".join(f"{term} as {formula}" for term, formula in defined_terms.items())
            explanation = f"the question defines {said}, and not every operand is printed; {result.explanation}"
            return replace(result, confident=False, explanation=explanation)
        return result

    def _answer_undefined(self, question: str) -> LookupResult | None:
        # An analyst's abbreviation ("net PP&E") is the catalogue's metric, not a phrase of
        # the document with its initials ("Purchases of Property and Equipment").
        catalogued = defined_metric(question)
        asked = question
        question = self.abbreviated(self.spelled_out(question))
        if catalogued is None:
            catalogued, asked = defined_metric(question), question
        if catalogued is not None:
            # An analyst's metric named, not spelled out: the document's own figure when the
            # document writes the metric's name (a deck whose "gross margin" is an amount
            # of yen means that; a release prints its "GAAP tax rate") or the question's
            # words compute it, else the metric by its standard definition.
            metric, written, asked_as = catalogued
            own = self._answer_as_written(question)
            if (
                own is not None
                and own.confident
                and (own.formula or (self._writes(metric) and _precise_enough(own)))
                and self._owns(own, metric)
            ):
                return own
            found = self._by_definitions(metric, asked_as)
            if found is not None:
                definition, result = found
                name = f"{metric.name[:1].upper()}{metric.name[1:]}"
                note = f"{name} is taken as {definition} (the standard definition)."
                return replace(result, notes=[*result.notes, note], explanation=f"{metric.name}: {result.explanation}")
            if own is None or not self._owns(own, metric):
                return None
            if unit_kind(own.unit) != unit_kind(metric.unit) and not self._key_terms(asked.replace(written, " ")):
                # A question naming nothing but the metric ("What was the net profit margin
                # in 2015?") asks for it: a figure of another kind (the net loss) is none.
                return None
            return own
        spelled = named_metric(question)
        if spelled is not None:
            # The metric's formula or operands in the question's words: read from its statements.
            return self._on_statements(spelled[0].statements, lambda: self._answer_as_written(question))
        return self._answer_as_written(question)

    def by_definition(self, metric: Metric, period: str) -> LookupResult | None:
        """`metric` for `period` as its definition computes it from the statements its line
        items are read from (None when they do not print them)."""
        found = self._by_definitions(metric, [f"What was the {asked} in {period}?" for asked in metric.definitions])
        return found[1] if found is not None else None

    def _by_definitions(self, metric: Metric, asked_as: Sequence[str]) -> tuple[str, LookupResult] | None:
        """`metric` by each of its definitions, asked as `asked_as` on its statements: the
        one `_best_named` keeps, with that definition."""
        token = _MARGIN.set(bool(MARGIN_RE.search(metric.name)))
        try:
            return self._best_named(
                (definition, self._on_statements(metric.statements, lambda asked=asked: self._answer(asked), True))
                for definition, asked in zip(metric.definitions, asked_as, strict=True)
            )
        finally:
            _MARGIN.reset(token)

    def _best_named(self, computed: Iterable[tuple[str, LookupResult | None]]) -> tuple[str, LookupResult] | None:
        """Of a metric's definitions computed, the confident one whose line items the
        figures' descriptions name most fully, the first on a tie: "capital expenditures"
        beside "purchases of property, plant and equipment", when the filing's row is
        "Capital expenditures" and the nearest to the other is "Removal costs from
        property, plant and equipment retirements"."""
        best: tuple[float, str, LookupResult] | None = None
        for definition, result in computed:
            if result is None or not result.confident:
                continue
            share = self._named_share(result, definition)
            if best is None or share > best[0]:
                best = (share, definition, result)
        return (best[1], best[2]) if best is not None else None

    def _named_share(self, result: LookupResult, words: str) -> float:
        """The share of `words`' key terms that the descriptions of `result`'s figures hold."""
        terms = self._key_terms(words)
        positions = [self._position[fact.fact_id] for fact in result.facts if fact.fact_id in self._position]
        if not terms or not positions:
            return 0.0
        return sum(any(self._narrow.holding(term)[p] for p in positions) for term in terms) / len(terms)

    def line_item(self, item: str, period: str) -> LookupResult | None:
        """The line item `item` for `period`, as a definition's operand means it: printed on
        a primary statement when the document prints one that has it."""
        printed = sorted({name for name in self._statements if name})
        return self._on_statements(printed, lambda: self._answer_question(f"What was the {item} in {period}?"))

    def _owns(self, own: LookupResult, metric: Metric) -> bool:
        """Whether `own`, a figure found for a question naming `metric`, is the document's
        own figure of it. In a filing that prints the metric's statements, a figure of the
        metric's kind is one read from them or one its label names: "gross profit as a
        percentage of revenue" in a segment's table is the segment's, "Effective tax rate"
        in the discussion is the company's. A figure of another kind answers something else
        the question asks ("the write-down that hit gross margin")."""
        printed = np.isin(self._statements, list(metric.statements))
        if not printed.any() or unit_kind(own.unit) != unit_kind(metric.unit):
            return True
        on_statements = self._printed_on(own, printed)
        labels = " ".join(f"{f.label} {f.column}" for f in own.facts).lower()
        return on_statements or any(alias.lower() in labels for alias in metric.aliases)

    def _on_statements(
        self, statements: Sequence[str], answer: Callable[[], LookupResult | None], strict: bool = False
    ) -> LookupResult | None:
        """`answer()` with the facts of `statements` as the candidates, when the question
        named no statement of its own and the document prints them (a metric's line items
        are read from the primary statements, not from a segment's table or a sentence).
        When they do not answer it confidently: with every fact, unless `strict` (a
        standard definition's line items are on the statements or nowhere)."""
        focus = np.flatnonzero(np.isin(self._statements, list(statements)))
        if _FOCUS.get() is not None or not len(focus):
            return answer()
        token = _FOCUS.set(focus)
        try:
            result = answer()
        finally:
            _FOCUS.reset(token)
        return result if strict or (result is not None and result.confident) else answer()

    def _answer_as_written(self, question: str) -> LookupResult | None:
        definition = DEFINITION_RE.search(question)
        if definition and SPELLED_SUM_RE.search(definition.group("bracketed") or definition.group("restated")):
            # "working capital (total current assets minus total current liabilities)": the
            # question says how the figure is made; made so, it is the answer.
            words = definition.group("bracketed") or definition.group("restated")
            defined = self._answer(f"{words} {_period_words(question)}".strip())
            if defined is not None and defined.confident and defined.formula:
                return defined
        answered = self._answer(question)
        if definition and (answered is None or not answered.confident):
            # "capital expenditures (additions to property and equipment) in fiscal 2022":
            # the words in brackets say what is asked in the document's words; with the
            # question's periods, they may find what the question's own words do not.
            words = definition.group("bracketed") or definition.group("restated")
            defined = self._answer(f"{words} {_period_words(question)}".strip())
            asks_rate = bool(PERCENT_RE.search(question) or GROWTH_RATE_RE.search(question))
            if defined is not None and defined.confident and (defined.unit in ("%", "points")) == asks_rate:
                return defined
        return answered

    def _answer(self, question: str) -> LookupResult | None:
        derived = self._derived(question)
        if derived is not None:
            return derived
        return self.find(question)

    def _derived(self, question: str) -> LookupResult | None:
        lowered = question.lower()
        periods = find_periods(question)
        if (
            TARGET_RE.search(lowered)
            and PERCENT_RE.search(lowered)
            and re.search(r"\b(achieved|reached|attained|met|progress|completed)\b", lowered)
        ):
            return self._versus_target(question, "share")
        if re.search(
            # "forecast to reach" names the forecast itself, not what is left to reach it.
            r"\b(still needed|needed|need|needs|remaining|remains?|left|gap|short of|shortfall)\b",
            lowered,
        ) and TARGET_RE.search(lowered):
            return self._versus_target(question, "-")
        end = RANGE_END_RE.search(question)
        if end:
            return self._range_end(question, end)
        two_metrics = _split_two_metrics(question)
        if two_metrics is not None:
            first_text, second_text, operation = two_metrics
            if operation not in ("share", "/"):
                return self._combine_metrics(question, first_text, second_text, operation, periods)
            # The document may print the ratio itself ("% of Revenues"): quoted when it
            # names the part asked about, else when the ratio cannot be computed. A
            # percentage change is no share.
            direct = self.find(question)
            printed = (
                direct is not None
                and direct.confident
                and direct.unit in ("%", "ratio")
                and not _is_change(direct.facts[0])
            )
            if printed and direct is not None and self._describes(direct.facts[0], first_text):
                return direct
            computed = self._combine_metrics(question, first_text, second_text, operation, periods)
            if printed and (computed is None or not computed.confident):
                return direct
            return computed
        if (
            MARGIN_ASKED_RE.search(question)
            and not re.search(r"\b(?:how much|amount|dollars?|ratio|points?)\b", lowered)
            and not CHANGE_RE.search(question)
        ):
            margin = self._margin(question, periods)
            if margin is not None:
                return margin
        if re.search(r"\bimpl(?:ied|ies|y)\b", lowered) and periods and not GROWTH_RATE_RE.search(question):
            return self._implied_base(question, periods)
        summing = re.search(r"\b(sum|summing|total|combined|altogether|add up|adds up|in all|cumulative)\b", lowered)
        changing = (
            CHANGE_RE.search(lowered)
            or re.search(r"\b(difference|compared|versus|vs\.?|between)\b", lowered)
            or re.search(r"\b(more|fewer|less|higher|lower)\b.*\bthan\b", lowered)
        )
        # "total assets change from A to B" is a change; "total SG&A for 1Q16 through 3Q16" a sum.
        if len(periods) >= 2 and changing:
            return self._change_between(question, periods)
        if len(periods) >= 2 and summing:
            return self._sum_periods(question, _expand_periods(periods, lowered))
        if len(periods) >= 2 and re.search(r"\bfrom\b", lowered):
            return self._change_between(question, periods)
        if len(periods) == 1 and YEAR_OVER_YEAR_RE.search(lowered):
            return self._year_over_year(question, periods[0])
        # "total assets" names a figure; "in total" asks for a sum.
        adds_up = re.search(r"\b(sum|summing|combined|altogether|add up|adds up|in all|cumulative|in total)\b", lowered)
        if len(periods) == 1 and CHANGED_RE.search(lowered) and not adds_up:
            # "By how much did net sales grow in Q1 FY23?": a change, never the level. When
            # the figure found is an amount, not a rate or a change: the change the document
            # prints for the period on the figure's own line, else the year-over-year one.
            # The figure itself: what changed, without the words of the change or its rate.
            plain = self.find(" ".join(IN_PERCENT_RE.sub(" ", CHANGE_WORDS_RE.sub(" ", question)).split()))
            found = plain is not None and plain.confident
            level = found and plain.unit not in ("%", "points") and not _is_change(plain.facts[0])
            if level:
                printed = self.find(question, periods=periods, change=True)
                if (
                    printed is not None
                    and printed.confident
                    and _precise_enough(printed)
                    and _same_line(printed.facts[0], plain.facts[0])
                ):
                    return printed
            # A level's change, or a change printed rounded ("9%" of "Percent, one decimal"): computed.
            if level or (found and not _precise_enough(plain)):
                changed = self._year_over_year(question, periods[0])
                if changed is not None and changed.confident and (level or changed.formula):
                    return changed
        if not periods and YEAR_OVER_YEAR_RE.search(lowered):
            # "the year-over-year growth ... for the quarter": the latest period printed.
            latest = self.latest_period(question)
            return self._year_over_year(question, latest) if latest else None
        if summing and re.search(
            # "all" the rows, not "in all" (in total: "How many personnel in all for A and B?")
            r"\b(categories|subsidiaries|items|rows|breakdown|(?<!\bin )all|five|three|each|targets|segments|add up|adds up)\b"
            r"|\+",
            lowered,
        ):
            return self._sum_rows(question)
        return None

    def _range_end(self, question: str, end: re.Match[str]) -> LookupResult | None:
        """The low or high end, or the midpoint, of a range the document prints ("revenue of
        $43.8 billion to $45.2 billion"): the figure asked for without the words of the
        end, then the range it is one end of."""
        asked = question[: end.start()] + " " + question[end.end() :]
        found = self.find(asked)
        # The best figures that are an end of a range: "the low end" says there is one.
        ranged = [
            (match.fact, pair)
            for match in self.rank(asked, limit=RANGE_CANDIDATES)
            if (pair := self._range_of(match.fact))
        ]
        if not ranged:
            return _not_found(found, "no figure asked for is an end of a printed range")
        within = np.array([self._position[fact.fact_id] for fact, _ in ranged])
        found = self.find(asked, within=within)
        if found is None or not found.confident:
            return found
        pair = next(pair for fact, pair in ranged if fact is found.facts[0])
        low, high = sorted(pair, key=lambda fact: fact.value)
        if end.group("mid"):
            formula = f"({number_text(low.value)} + {number_text(high.value)}) / 2"
            return LookupResult(
                value=round(evaluate(formula), 6),
                unit=low.unit,
                period=low.period,
                facts=[low, high],
                confident=True,
                explanation="midpoint of a printed range",
                formula=formula,
                label=f"midpoint of {low.raw} to {high.raw}",
            )
        fact = low if end.group("low") else high
        return self.find(asked, within=np.array([self._position[fact.fact_id]]))

    def _range_of(self, fact: Fact) -> tuple[Fact, Fact] | None:
        """`fact` and the other end of the range it is printed in ("$43.8 billion to $45.2
        billion", "$10.50 - $10.70"): a figure of the same passage or cell, in its unit."""
        position = self._position[fact.fact_id]
        for other in self.facts[max(0, position - 1) : position + 2]:
            if other is fact or other.unit != fact.unit or other.context != fact.context:
                continue
            first, second = (other, fact) if self._position[other.fact_id] < position else (fact, other)
            if re.search(rf"{re.escape(first.raw)}\s*(?:to|-|–|—)\s*{re.escape(second.raw)}", fact.context):
                return first, second
        return None

    def _sum_rows(self, question: str) -> LookupResult | None:
        """The sum of a table column ("total CAPEX summing the breakdown categories")."""
        best = self.find(_without_sum_words(question), change=False)
        if best is None or not best.confident or not best.facts[0].table_id:
            return _not_found(best, "no table column matched")
        anchor = best.facts[0]
        # The items of one cell ("FY20 Cloud ... JPY45 billion; FY20 MVNO ... JPY65 billion;
        # ..."), else the column's main figures (not "(of ...)" parts).
        cell = anchor.fact_id.rsplit("-", 1)[0]
        column = [
            fact
            for fact in self.facts
            if fact.fact_id.rsplit("-", 1)[0] == cell and fact.unit == anchor.unit and fact.tags == anchor.tags
        ]
        if len(column) < 2:
            column = [
                fact
                for fact in self.facts
                if fact.table_id == anchor.table_id
                and fact.column == anchor.column
                and fact.unit == anchor.unit
                and fact.fact_id.endswith("-0")
                and "change" not in fact.tags
            ]
        if len(column) < 2:
            return _not_found(best, "the column has one figure")
        formula = " + ".join(number_text(fact.value) for fact in column)
        return LookupResult(
            value=evaluate(formula),
            unit=anchor.unit,
            period=anchor.period,
            facts=column,
            confident=True,
            explanation=f"sum of {len(column)} figures of {anchor.table_id} ('{anchor.column}')",
            formula=formula,
            label=f"sum of {anchor.column or 'the column'}",
        )

    def _versus_target(self, question: str, operation: str) -> LookupResult | None:
        """What is still needed to reach a fiscal-year target ("-"), or the share of it
        achieved so far ("share"), from the year's latest year-to-date result."""
        metric = re.sub(
            r"\b(still needed|needed|remaining|remain|left|to reach|to achieve|gap|short of|shortfall|in 4Q\d\d|"
            r"what percentage of|what share of|percentage|percent|achieved|reached|attained|had been|has been|"
            r"by the end of|by)\b|%",
            " ",
            question,
            flags=re.I,
        )
        # The target is for a fiscal year; "in Q4 FY16" names its last quarter.
        years = list(dict.fromkeys(f"FY{year}" for year in map(period_year, find_periods(question)) if year))
        metric = _without_periods(metric)
        target = self.find(f"{metric} target", periods=years or None)
        if target is None or not target.confident or "target" not in target.facts[0].tags:
            return _not_found(target, "no target figure matched")
        target_fact = target.facts[0]
        actual_period = _latest_partial_period(self.deck_periods, target_fact.period)
        if not actual_period:
            return _not_found(target, "no partial-year result for the target's year")
        # The result to compare is the same row of the same table, when there is one.
        same_row = [
            fact
            for fact in self.facts
            if fact.table_id == target_fact.table_id
            and fact.row == target_fact.row
            and fact.row
            and fact.period == actual_period
            and "change" not in fact.tags
            and fact.unit == target_fact.unit
        ]
        if same_row:
            actual = LookupResult(
                value=same_row[0].value,
                unit=same_row[0].unit,
                period=actual_period,
                facts=[same_row[0]],
                confident=True,
                explanation=f"same row as the target, {actual_period}",
            )
        else:
            actual = self.find(_without_target_words(metric), periods=[actual_period], change=False)
        if actual is None or not actual.confident:
            return _not_found(actual, f"no {actual_period} result matched")
        if operation == "share":
            return _combine(
                actual,
                target,
                "share",
                f"{actual_period} result as a share of the {_period_label(target_fact)}",
                f"share of the {_period_label(target_fact)} achieved by {actual_period}",
            )
        return _combine(
            target,
            actual,
            "-",
            f"{_period_label(target_fact)} minus {actual_period} result",
            f"still needed to reach the {_period_label(target_fact)}",
        )

    def _implied_base(self, question: str, periods: list[str]) -> LookupResult | None:
        """A figure the deck implies but does not print: "FY20 target approx. JPY65 billion
        (up JPY49.4 billion from FY15)" implies FY15 = 65 - 49.4."""
        metric = _without_periods(re.sub(r"\bimpl(?:ied|ies|y)\b|\bby\b", " ", question, flags=re.I))
        increase = self.find(f"{metric} increase", periods=[], change=True)
        if increase is None or not increase.confident:
            return _not_found(increase, "no printed increase matched")
        change = increase.facts[0]
        base_periods = [p for p in periods if p in change.label + " " + change.context]
        if not base_periods:
            return _not_found(increase, f"the increase is not stated from {', '.join(periods)}")
        cell = change.fact_id.rsplit("-", 1)[0]
        levels = [
            fact
            for fact in self.facts
            if fact.fact_id.rsplit("-", 1)[0] == cell
            and fact.label == change.label
            and "change" not in fact.tags
            and fact.fact_id != change.fact_id
        ]
        if not levels:
            return _not_found(increase, "no level printed beside the increase")
        level = LookupResult(levels[0].value, levels[0].unit, levels[0].period, [levels[0]], True, "")
        result = _combine(
            level,
            increase,
            "-",
            f"{_period_label(levels[0])} minus its increase from {base_periods[0]}",
            f"{base_periods[0]} level implied",
        )
        if result is not None:
            result.period = base_periods[0]
        return result

    def _change_between(self, question: str, periods: list[str], percent: bool | None = None) -> LookupResult | None:
        """The change from the earlier to the later period; in % when `percent` (by default,
        when the question says so)."""
        ordered = self.chronological(periods[:2])
        if percent is None:
            percent = bool(re.search(r"(%|percent|percentage|rate of change|growth rate)", question, re.I)) and not (
                POINTS_RE.search(question)
            )
        # The two amounts are named by what is left once the words of rate, change and
        # comparison are gone.
        levels = " ".join(COMPARISON_RE.sub(" ", CHANGE_WORDS_RE.sub(" ", PERCENT_WORDS_RE.sub(" ", question))).split())
        if not percent:
            # A printed change ("Changes" column, "up 320 YoY") answers directly.
            direct = self.find(question, periods=[ordered[1]], change=True)
            if direct is not None and direct.confident and _unit_asked_fits(question, direct.unit):
                return direct
        earlier = self.find(levels, periods=[ordered[0]], change=False)
        later = self.find(levels, periods=[ordered[1]], change=False)
        if not (earlier and later and earlier.confident and later.confident):
            return _not_found(earlier if not (earlier and earlier.confident) else later, "a period's figure is missing")
        if earlier.facts[0].fact_id == later.facts[0].fact_id:
            return _not_found(earlier, "both periods resolved to the same figure")
        if percent and earlier.unit != "%":
            return _combine(
                later, earlier, "pct", f"change from {ordered[0]} to {ordered[1]} in %", "percentage change"
            )
        if _asks_gap(question):
            result = _combine(later, earlier, "gap", f"difference between {ordered[0]} and {ordered[1]}", "difference")
            if result is not None and earlier.unit == "%" and later.unit == "%":
                result.unit = "points"
            return result
        if earlier.unit == "%" and later.unit == "%":
            result = _combine(later, earlier, "-", f"change from {ordered[0]} to {ordered[1]}", "change")
            if result is not None:
                result.unit = "points"
            return result
        return _combine(later, earlier, "-", f"change from {ordered[0]} to {ordered[1]}", "change")

    def latest_period(self, question: str) -> str:
        """The latest period the document prints the figure `question` names for; ""
        when no figure matches."""
        metric = " ".join(CHANGE_WORDS_RE.sub(" ", YEAR_OVER_YEAR_RE.sub(" ", question)).split())
        # Only a figure printed for a period has a year before it.
        dated = np.array([index for index, fact in enumerate(self.facts) if fact.period], dtype=np.int64)
        found = self.find(metric, change=False, within=dated)
        if found is None or not found.confident:
            return ""
        periods = [fact.period for fact in (*found.facts, *found.alternatives) if fact.period]
        return self.chronological(periods)[-1] if periods else ""

    def chronological(self, periods: list[str]) -> list[str]:
        """`periods` earliest first: by the days they end on when the document dates them
        all (a fiscal year by its closing balance sheet), else by their names."""
        ends = [self._period_end(period) for period in periods]
        if all(ends):
            return [period for _, period in sorted(zip(ends, periods, strict=True))]
        return sorted(periods, key=period_sort_key)

    def _unended(self, period: str) -> bool:
        """Whether fiscal year or quarter `period` ("FY23", "2023", "3Q23") ends after the
        last day the document's statements report, in the document's fiscal calendar
        (`fiscal_year`: the month its years end in, and how their names count)."""
        match = re.fullmatch(r"(FY|[1-4]Q|20)(\d\d)", period)
        if not match or not self._reported_until or self.fiscal_year is None:
            return False
        end_month, offset = self.fiscal_year
        year = 2000 + int(match.group(2)) - offset
        # A quarter ends three months apart back from its year's end.
        back = 3 * (4 - int(match.group(1)[0])) if match.group(1)[1:] == "Q" else 0
        month = end_month - back
        if month < 1:
            year, month = year - 1, month + 12
        # It ends in that month, on a day a 52-53-week calendar may set anywhere in it.
        return datetime.date(year, month, 1) > datetime.date.fromisoformat(self._reported_until)

    def _period_end(self, period: str) -> str:
        """The ISO day `period` ends on, as the document dates it; "" when it does not."""
        base = period.replace("-end", "")
        return _iso_date(base) or self.year_ends.get(base, "") or self._period_ends.get(base, "")

    def _year_over_year(self, question: str, period: str) -> LookupResult | None:
        """A change on the same period a year earlier ("How fast did R&D grow year over year
        in 2022?"): the document's printed change when it has one, else computed; None
        (a plain lookup) when neither is found."""
        wants_percent = bool(PERCENT_RE.search(question) or GROWTH_RATE_RE.search(question))
        printed = self.find(question, periods=[period], change=True)
        if (
            printed is not None
            and printed.confident
            and (printed.unit in ("%", "points")) == wants_percent
            and _precise_enough(printed)
        ):
            return printed
        earlier = year_before(period)
        if not earlier or not self.covers(earlier):
            return None
        # The figures compared are named by what is left once the words of change are gone.
        metric = " ".join(CHANGE_WORDS_RE.sub(" ", YEAR_OVER_YEAR_RE.sub(" ", question)).split())
        computed = self._change_between(metric, [earlier, period], percent=wants_percent)
        return computed if computed is not None and computed.confident else None

    def _sum_periods(self, question: str, periods: list[str]) -> LookupResult | None:
        question = _without_sum_words(question)
        parts = [self.find(question, periods=[period], change=False) for period in periods]
        if not all(part and part.confident for part in parts):
            return _not_found(next((p for p in parts if p and not p.confident), None), "a period's figure is missing")
        facts = [part.facts[0] for part in parts if part]
        if len({fact.fact_id for fact in facts}) != len(facts):
            return _not_found(parts[0], "periods resolved to the same figure")
        unit = facts[0].unit
        values = [convert(fact.value, fact.unit, unit) for fact in facts]
        formula = " + ".join(number_text(value) for value in values)
        return LookupResult(
            value=evaluate(formula),
            unit=unit,
            period=f"{periods[0]} to {periods[-1]}",
            facts=facts,
            confident=True,
            explanation=f"sum over {', '.join(periods)}",
            formula=formula,
            label=f"{facts[0].label} (sum)",
        )

    def _combine_metrics(
        self,
        question: str,
        first_text: str,
        second_text: str,
        operation: str,
        periods: list[str],
        among_items: bool = True,
    ) -> LookupResult | None:
        """`first_text` <operation> `second_text`. A share's part is looked for among the
        items its whole adds up (`among_items`), unless it is no part of it (a margin)."""
        # What the question says around the two parts applies to both: "the FY16 target
        # (operating income / revenues)".
        wants_target = bool(TARGET_RE.search(question))
        first_text, second_text = (
            f"{part} target" if wants_target and not TARGET_RE.search(part) else part
            for part in (first_text, second_text)
        )
        first, second = self._operands(first_text, second_text, operation, periods, among_items)
        problem = _pair_problem(first, second, operation)
        if problem:
            # A part naming too little borrows the other's words ("the estimate ... from
            # the actual result"), and is still a figure its own words name ("inventories"
            # is not "Sales to customers" for borrowing "cost of sales").
            own = (self._key_terms(first_text), self._key_terms(second_text))
            if len(own[1]) < 2:
                second_text = f"{second_text} {_without_periods(first_text)}"
            if len(own[0]) < 2:
                first_text = f"{first_text} {_without_periods(second_text)}"
            first, second = self._operands(first_text, second_text, operation, periods, among_items)
            problem = _pair_problem(first, second, operation) or next(
                (
                    f"'{' '.join(terms)}' names no figure"
                    for terms, result in zip(own, (first, second), strict=True)
                    if result is not None and result.facts and not self._names_fact(result.facts[0], terms)
                ),
                "",
            )
        if problem or first is None or second is None:
            return _not_found(first if not (first and first.confident) else second, problem)
        description = {"-": "difference", "gap": "difference", "/": "ratio", "share": "share", "+": "sum"}[operation]
        margin = MARGIN_RE.search(question) or _MARGIN.get()
        if operation == "share" and not margin and first.value * second.value < 0:
            # What share of earnings was paid out as dividends: a part of a whole, as sizes;
            # the statement prints the payment as an outflow. A margin keeps its sign (a loss).
            first = _magnitude(first)
        if (
            operation == "-"
            and SPELLED_SUM_RE.search(question)
            and second.value < 0
            and (first.value >= 0 or self._read_from(second, "cash flow statement"))
        ):
            # "operating cash flow minus additions to property and equipment": what is
            # taken away is the amount spent, which the statement prints as an outflow
            # (however the first figure is signed: "net cash used in operating activities").
            second = _magnitude(second)
        if (
            operation == "/"
            and first.value > 0 > second.value
            and self._read_from(second, "income statement", "cash flow statement")
        ):
            # "operating income to interest expense": an income or cash-flow statement prints
            # the expense as a deduction; the ratio is of the amounts.
            second = _magnitude(second)
        result = _combine(first, second, operation, description, description)
        if result is not None and operation in ("-", "gap") and first.unit == "%" and second.unit == "%":
            result.unit = "points"
        return result

    def _read_from(self, result: LookupResult, *statements: str) -> bool:
        """Whether every figure of `result` is read from one of `statements`."""
        return self._printed_on(result, np.isin(self._statements, statements))

    def _printed_on(self, result: LookupResult, printed: np.ndarray) -> bool:
        """Whether every fact of `result` is one of the `printed` (a mask over the facts)."""
        return all(fact.fact_id in self._position and printed[self._position[fact.fact_id]] for fact in result.facts)

    def _margin(self, question: str, periods: list[str]) -> LookupResult | None:
        """A margin the document does not print as a percentage: the income it names over
        the revenue of the same subject and period ("Network and Edge operating margin"
        = its operating income / its revenue). None when the document prints the margin (a
        percentage, or an amount it calls a margin); not confident when neither it nor
        the two figures are found."""
        direct = self.find(question)
        if (
            direct is not None
            and direct.confident
            and (direct.unit == "%" or self._describes(direct.facts[0], "margin"))
        ):
            return None  # printed: as a percentage, or as an amount the document calls a margin
        match = MARGIN_ASKED_RE.search(question)
        assert match is not None
        income = question[: match.start()] + f"{match.group('kind')} income" + question[match.end() :]
        revenue = question[: match.start()] + "revenue" + question[match.end() :]
        computed = self._combine_metrics(question, income, revenue, "share", periods, among_items=False)
        if computed is not None and computed.confident:
            return computed
        # An amount is no margin: not the answer, however well its row matches.
        return _not_found(direct, "a margin is a percentage, and neither it nor its income and revenue were found")

    def _operands(
        self, first_text: str, second_text: str, operation: str, periods: list[str], among_items: bool = True
    ) -> tuple[LookupResult | None, LookupResult | None]:
        """The two figures a derived figure is made of."""
        second_periods = find_periods(second_text) or periods[-1:]
        second = self._part(second_text, second_periods)
        first = None
        if among_items and operation == "share" and second is not None and second.confident and len(second.facts) == 1:
            # A share of a total is one of the items the total adds up; of several totals
            # of that name and period (a segment's "International" and the company's),
            # the one the part is an item of.
            first = self._among_items(first_text, second_text, second.facts[0], periods)
            if not (first and self._names_a_part(first, first_text, second)):
                # Anywhere in the document, named with the whole's words too ("worldwide").
                anywhere = self._part(
                    f"{first_text} {_without_periods(second_text)}", find_periods(first_text) or periods[:1]
                )
                wholes = [
                    (whole, self.find(second_text, second_periods, within=np.array([self._position[whole.fact_id]])))
                    for whole in self._namesakes(second, second_text, second_periods)
                ]
                # The part among a namesake's items; else a section's total printed above
                # its items: the part anywhere in the whole's table.
                pairs = [(self._among_items(first_text, second_text, whole, periods), named) for whole, named in wholes]
                pairs += [
                    (anywhere, named)
                    for whole, named in wholes
                    if anywhere and anywhere.facts[0].table_id == whole.table_id
                ]
                for found, named in pairs:
                    if found and named and self._names_a_part(found, first_text, named):
                        first, second = found, named
                        break
        if first is None or not first.confident:
            first = self._part(first_text, find_periods(first_text) or periods[:1])
        elif not self._describes(first.facts[0], first_text):
            # An item of the whole that does not name the part ("Other income" for "income
            # tax provision") gives way to a figure that does, wherever it is printed.
            named = self._part(first_text, find_periods(first_text) or periods[:1])
            if named is not None and named.confident and self._describes(named.facts[0], first_text):
                first = named
        return first, second

    def _among_items(self, first_text: str, second_text: str, whole: Fact, periods: list[str]) -> LookupResult | None:
        """The share's part among the items `whole` adds up. The total's own words are
        asked too: they are what the items' headings repeat ("Operating segment
        revenue"), so long as the item found names the part. Else the part's own words."""
        items = self._items_of(whole)
        if not len(items):
            return None
        among = f"{first_text} {_without_periods(second_text)}"
        first = self.find(among, find_periods(first_text) or periods[:1], within=items)
        if not (first and first.confident and self._describes(first.facts[0], first_text)):
            first = self.find(first_text, find_periods(first_text) or periods[:1], within=items)
        return first

    def _names_a_part(self, part: LookupResult, text: str, whole: LookupResult) -> bool:
        """Whether `part`, found for `text`, is confidently it and can be a part of `whole`."""
        return part.confident and self._describes(part.facts[0], text) and _part_and_whole(part, whole)

    def _namesakes(self, found: LookupResult, text: str, periods: list[str]) -> list[Fact]:
        """Other figures `text` finds with the same label, heading, period and unit as `found`'s."""
        fact = found.facts[0]
        matches, _ = self._ranked(text, periods, None, limit=NAMESAKES)
        return [
            match.fact
            for match in matches
            if match.fact is not fact
            and (match.fact.label.lower(), match.fact.heading.lower(), match.fact.period, match.fact.unit)
            == (fact.label.lower(), fact.heading.lower(), fact.period, fact.unit)
        ]

    def _items_of(self, total: Fact) -> np.ndarray:
        """The figures a table's total adds up: those above it in its column, in its unit,
        below the previous total (none when `total` is not in a table)."""
        if not total.table_id:
            return np.zeros(0, dtype=np.int64)
        items: list[int] = []
        for i in range(self._position[total.fact_id] - 1, -1, -1):
            fact = self.facts[i]
            if fact.table_id != total.table_id:
                break
            if fact.column != total.column or fact.unit != total.unit:
                continue
            if fact.label.lower().startswith("total"):
                break
            items.append(i)
        return np.array(items[::-1], dtype=np.int64)

    def _describes(self, fact: Fact, text: str) -> bool:
        """Whether `fact`'s own description (label, row, column, heading, table title)
        holds every key word of `text`."""
        position = self._position[fact.fact_id]
        return all(self._narrow.holding(term)[position] for term in self._key_terms(text))

    def _part(self, text: str, periods: list[str]) -> LookupResult | None:
        """One operand of a derived figure: the figure printed for `periods`, or, for a
        "cumulative"/"total" over a quarter range the deck prints only per quarter, the
        sum of the quarters ("cumulative ATM-related SG&A in 1Q-3Q16")."""
        difference = re.fullmatch(r"(?P<a>.+?) (?:less(?! than)|minus) (?P<b>.+)", text.strip(), re.IGNORECASE)
        if difference:  # "net sales less merchandise costs": made so, whatever else it matches
            computed = self._combine_metrics(text, difference.group("a"), difference.group("b"), "-", periods)
            if computed is not None and computed.confident:
                return computed
        catalogued = named_metric(text)
        if catalogued is not None and periods:
            # An analyst's name for a line item the document prints under another ("capex"
            # for "purchases of property, plant and equipment"): read by its definition.
            metric, match = catalogued
            rest = _without_periods(text[: match.start()] + text[match.end() :])
            if not self._key_terms(rest):
                defined = self.by_definition(metric, periods[0])
                if defined is not None:
                    return defined
        found = self.find(text, periods=periods)
        if found is not None and found.confident:
            return found
        quarters = _range_quarters(periods[0]) if len(periods) == 1 else []
        if quarters and re.search(r"\b(cumulative|total|combined|sum)\b", text, re.I):
            summed = self._sum_periods(_without_periods(text), quarters)
            if summed is not None and summed.confident:
                return summed
        return found

    def _names_fact(self, fact: Fact, terms: list[str]) -> bool:
        """Whether `terms` (an operand's own words) name `fact`: one of them is in its description."""
        position = self._position.get(fact.fact_id)
        return position is None or not terms or any(self._narrow.holding(term)[position] for term in terms)

    def _key_terms(self, text: str) -> list[str]:
        return [
            term
            for term in tokenize(_without_periods(text))
            if term not in self._filler and term not in MEASURE_WORDS and self._known(term)
        ]


# -- helpers -----------------------------------------------------------------------------


def _proper_nouns(text: str) -> set[str]:
    """Words the deck writes capitalized nearly every time: names ("Seven", "Deutschland")."""
    capitalized: dict[str, int] = {}
    total: dict[str, int] = {}
    for word in re.findall(r"[A-Za-z][A-Za-z0-9]+", text):
        token = word.lower()
        total[token] = total.get(token, 0) + 1
        if word[0].isupper():
            capitalized[token] = capitalized.get(token, 0) + 1
    return {token for token, count in total.items() if capitalized.get(token, 0) >= 0.8 * count}


def _sentence_with(text: str, raw: str) -> str:
    """The sentence or clause group of `text` that holds the printed figure `raw`."""
    position = text.find(raw)
    if position < 0 or len(text) <= 200:
        return text[:200]
    start = max(text.rfind(". ", 0, position), text.rfind("; ", 0, position)) + 1
    end_candidates = [i for i in (text.find(". ", position), text.find("; ", position)) if i >= 0]
    end = min(end_candidates) if end_candidates else len(text)
    return text[start:end][:200]


def _without_periods(text: str) -> str:
    return strip_periods(text)


def _without_target_words(text: str) -> str:
    return " ".join(TARGET_RE.sub(" ", text).split())


def _period_fit(
    periods: list[str],
    fact: Fact,
    slide_periods: set[str],
    context_periods: list[str],
    year_ends: dict[str, str],
) -> tuple[bool, int]:
    """(acceptable, PERIOD_CATEGORIES code) for a fact's period given the asked periods. A
    figure printed without a period is acceptable when its slide is about that period.
    A date asked is the period ending on it ("the quarter ended November 20, 2022"); a
    fiscal year or quarter asked of a balance is the day it ends on (`year_ends`: "FY23"
    -> "2023-01-28", "2Q24" -> "2023-07-29", as the document's dated figures say)."""
    if not periods:
        return True, 0
    if any(same_period(period, fact.period) for period in periods):
        # A bare year asked ("for 2022") is the year's figure before one of its quarters'.
        part_of_year = all(re.fullmatch(r"(19|20)\d\d", period) for period in periods) and re.match(
            r"\dQ(?!-)", fact.period
        )
        return True, 2 if part_of_year else 1
    day = _iso_date(fact.period)  # a balance's day, or a column headed by its date alone
    end = fact.period_end or day
    if end and any(
        _iso_date(period) == end or (day and _same_week(year_ends.get(period, ""), end)) for period in periods
    ):
        return True, 1
    if not fact.period and any(same_period(period, p) for period in periods for p in context_periods):
        return True, 3
    if not fact.period and any(same_period(period, p) for period in periods for p in slide_periods):
        return True, 4
    return False, 5


def _year_ends(facts: list[Fact]) -> dict[str, str]:
    """Where each fiscal year ends ("FY22" -> "2022-08-28"), from the document's dated
    figures: its fiscal-year columns, else its balances on the month its years close in
    (the prior year end a balance sheet prints beside the latest quarter)."""
    years = {fact.period: fact.period_end for fact in facts if fact.period_end and fact.period.startswith("FY")}
    balances = sorted({fact.period_end for fact in facts if fact.period_end and _iso_date(fact.period)})
    if years:
        closing_month = fiscal_year_end_month_of(list(years.values()))
    elif len(balances) > 1:
        closing_month = fiscal_year_end_month_of(balances[:-1])
    else:
        return years
    for end in balances:
        if fiscal_year_end_month_of([end]) == closing_month:
            years.setdefault(period_name(Period("duration", end, 12), closing_month), end)
    return years


# A word: two letters or more.
WORD_RE = re.compile(r"[A-Za-z]{2}")


def words_besides_figures(text: str) -> bool:
    """Whether `text` says a word besides its figures ("W 5 %. .." does not)."""
    figures = find_figures(text)
    return bool(
        WORD_RE.search("".join(c for i, c in enumerate(text) if not any(f.start <= i < f.end for f in figures)))
    )


def _a_name(cell: str) -> bool:
    """Whether a table cell is words, not a figure."""
    return bool(WORD_RE.search(cell)) and not find_figures(cell)


def _a_year(text: str) -> bool:
    return len(text) == 4 and text.isdigit() and text[:2] in ("19", "20")


def named_by_row(fact: Fact, table: Table) -> list[str]:
    """The cells of words in a table fact's row besides its label: a row ranked in its
    first column names its thing in another ("1 | <an artist> | 1989 | 1,608")."""
    # Its id is its table's, then "-r<row>c<column>-<position>".
    row = fact.fact_id[len(fact.table_id) + 2 :].split("c")[0]
    if not row.isdigit() or not 0 < int(row) <= len(table.rows):
        return []
    cells = table.rows[int(row) - 1]
    return [cell for cell in cells[1:] if _a_name(cell)]


TOTAL_ROW_RE = re.compile(r"(?:grand\s+)?totals?\s*:?", re.IGNORECASE)


def _what_totals_total(tables: Iterable[Table]) -> dict[tuple[str, str], str]:
    """A row labelled "Total" alone, by its table and label, with the words every other
    row's label writes: below "Skyline Phase 1" and "Skyline Phase 2", "Total" is Skyline's."""
    totalled = {}
    for table in tables:
        labels = [row[0] for row in table.rows if row and row[0]]
        others = [set(tokenize(label)) for label in labels if not TOTAL_ROW_RE.fullmatch(label.strip())]
        if len(others) < 2 or len(others) == len(labels):
            continue
        shared = set.intersection(*others)
        for label in labels:
            if shared and TOTAL_ROW_RE.fullmatch(label.strip()):
                totalled[(table.table_id, label)] = " ".join(sorted(shared))
    return totalled


def _initial_phrases(labels: Iterable[str]) -> dict[str, str]:
    """Each run of 2-5 words in the labels by its initials ("research and development"
    under "rd"), the most frequent phrase for each; connecting words do not count."""
    counts: Counter[tuple[str, str]] = Counter()
    for label in set(labels):
        words = re.findall(r"[A-Za-z][A-Za-z'-]*", label)
        for start in range(len(words)):
            content = 0
            for end in range(start + 1, min(len(words), start + 9) + 1):
                word = words[end - 1].lower()
                if word in CONNECTORS:
                    continue
                content += 1
                if words[start].lower() in CONNECTORS or content > 5:
                    break
                if content >= 2:
                    run = words[start:end]
                    initials = "".join(w[0].lower() for w in run if w.lower() not in CONNECTORS)
                    counts[(initials, " ".join(run).lower())] += 1
    best: dict[str, tuple[int, str]] = {}
    for (initials, text), count in counts.items():
        if count > best.get(initials, (0, ""))[0]:
            best[initials] = (count, text)
    return {initials: text for initials, (_, text) in best.items()}


def year_before(period: str) -> str:
    """The same period a year earlier: "FY22" -> "FY21", "4Q22" -> "4Q21", "2022" -> "2021",
    "Dec. 31, 2022" -> "Dec. 31, 2021"; "" when the period names no year."""
    match = re.search(r"(\d{4}|\d{2})(-end)?$", period)
    if not match:
        return ""
    year = match.group(1)
    earlier = f"{(int(year) - 1) % 10 ** len(year):0{len(year)}d}"
    return period[: match.start(1)] + earlier + (match.group(2) or "")


def _label_key(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def _abbreviation(word: str) -> bool:
    """Whether a row's word in capitals may abbreviate a phrase ("ROI", "GAAP"): a roman
    numeral ("Tier II") does not."""
    return word.isalpha() and 2 <= len(word) <= 4 and not re.fullmatch(r"[IVX]+", word)


def _precise_enough(result: LookupResult) -> bool:
    """Whether a rate found printed has the decimal places the question asks for: "31%"
    does not answer "gross margin, one decimal" when the margin can be computed."""
    asked = _DECIMALS.get()
    if asked is None or result.formula or result.unit not in ("%", "points") or len(result.facts) != 1:
        return True
    number = re.search(r"\d[\d,]*(?:\.(\d+))?", result.facts[0].raw)
    return number is None or len(number.group(1) or "") >= asked


def _whole_over_parts(matches: list[Match]) -> list[Match]:
    """`matches` with the whole first when the best is one of its parts: rows of one column,
    or columns of one row, that match the question as well as each other ("Net product
    sales", "Net service sales", "Total net sales"; a segment table's "Regulated
    Businesses", "Other", "Consolidated"), one of them the sum of others. Asked without a
    part's name, the whole is meant."""
    best = matches[0]
    if not best.fact.table_id:
        return matches
    close = [
        match
        for match in matches[:WHOLE_RIVALS]
        if best.score - match.score <= WHOLE_MARGIN
        and match.fact.table_id == best.fact.table_id
        and (match.fact.column == best.fact.column or match.fact.label == best.fact.label)
        and match.fact.unit == best.fact.unit
        and match.fact.period == best.fact.period
    ]
    for whole in close:
        if whole is best or whole.fact.value == 0:
            continue
        parts = [match.fact.value for match in close if match is not whole]
        if best.fact.value in parts and any(
            math.isclose(sum(combination), whole.fact.value, rel_tol=1e-3)
            for size in range(2, min(4, len(parts)) + 1)
            for combination in itertools.combinations(parts, size)
            if best.fact.value in combination
        ):
            return [whole, *(match for match in matches if match is not whole)]
    return matches


def _most_precise(matches: list[Match]) -> Match:
    """The best match, or the same figure printed more precisely among the close runners-up
    (a statement's "2,306,072" thousand over the discussion's "2,306.1" million), or with
    the scale its page states (a table read without its "in millions")."""
    best = matches[0]
    for other in matches[1:PRECISE_RIVALS]:
        if best.score - other.score > PRECISE_MARGIN or not (other.head_found and other.period_ok):
            continue
        (kind, scale), (other_kind, other_scale) = split_unit(best.fact.unit), split_unit(other.fact.unit)
        if kind == other_kind and not scale and other_scale and other.fact.value == best.fact.value:
            return other  # the same amount, once with the scale its page states ("3,877" in millions)
        try:
            value = convert(other.fact.value, other.fact.unit, best.fact.unit)
        except ValueError:
            continue
        same = math.isclose(value, best.fact.value, rel_tol=5e-4) and best.fact.value != 0
        if same and _digits(other.fact.raw) > _digits(best.fact.raw):
            return other
    return best


def _decided_for(fact: Fact, periods: list[str]) -> bool:
    """Whether a sentence states `fact` as decided for one of `periods`, not as expected."""
    return (
        not fact.table_id
        and any(same_period(period, fact.period) for period in periods)
        and not FORWARD_RE.search(_sentence_with(fact.context, fact.raw))
    )


def _nearest_in_its_sentence(best: Match, matches: list[Match], question: str) -> Match:
    """Of the figures of one sentence that match alike, the one the question's words name:
    the words since the figure before it and the few right after it ("the consideration
    transferred was $11.2 billion, which consisted of $10.9 billion in cash" answers the
    consideration with the first; "72 field personnel comprising 24 supervisors" answers
    the supervisors with the second), or, for a figure opening its clause, the words after
    it ("87.8% of cloud revenue is recognized in X, 12.2% in Y"); the metric the question
    asks for counts double. The sentence's words match every figure in it alike, so the
    ranker's figure stays unless its own words name nothing the question asks."""
    fact = best.fact
    if fact.table_id:
        return best
    rivals = [
        match
        for match in matches[:PRECISE_RIVALS]
        if not match.fact.table_id
        and match.fact.context == fact.context
        and best.score - match.score <= SENTENCE_RIVAL_MARGIN
        and match.period_ok == best.period_ok
        and unit_kind(match.fact.unit) == unit_kind(fact.unit)
    ]
    if len(rivals) < 2:
        return best
    head = {stem(term) for term in head_terms(question)}
    asked = {stem(term) for term in key_terms(question)} | head
    text = fact.context
    spans = [(figure.start, figure.end, figure.raw) for figure in find_figures(text)]

    def named(match: Match) -> int:
        printed = match.fact.raw
        at = next((i for i, (_, _, raw) in enumerate(spans) if raw in printed or printed in raw), None)
        if at is None:
            return 0
        before = text[spans[at - 1][1] if at else 0 : spans[at][0]]
        following = text[spans[at][1] : spans[at + 1][0] if at + 1 < len(spans) else len(text)]
        if not before.strip() or before.rstrip()[-1] in ",;:(":
            own = tokenize(following)  # a figure opening its clause is named after it ("87.8% of X is ...")
        else:
            own = [*tokenize(before), *tokenize(following)[:FOLLOWING_WORDS]]
        words = {stem(token) for token in own}
        return len(asked & words) + len(head & words)

    # Only a best figure whose own words name nothing asked gives way (a list's subject,
    # "operates 847 warehouses, including ... 107 in Canada", names its items too).
    if named(best):
        return best
    return max(rivals, key=lambda match: (named(match), match is best))


def _digits(raw: str) -> int:
    return len(re.sub(r"\D", "", raw))


def _same_week(first: str, second: str) -> bool:
    """Whether two ISO dates are at most `YEAR_END_DAYS` apart: a 52-53-week fiscal year's
    end, dated by its balance sheet ("November 27, 2015") and by a table of years whose
    days the document does not print, is one end."""
    if not first or not second:
        return False
    return abs((datetime.date.fromisoformat(first) - datetime.date.fromisoformat(second)).days) <= YEAR_END_DAYS


def _iso_date(period: str) -> str:
    """ "Nov. 20, 2022" -> "2022-11-20"; "" for anything that is not a day."""
    match = re.fullmatch(r"(\w{3})\.? (\d{1,2}), (\d{4})", period)
    if not match:
        return ""
    months = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    if match.group(1) not in months:
        return ""
    return f"{match.group(3)}-{months.index(match.group(1)) + 1:02d}-{int(match.group(2)):02d}"


def same_period(asked: str, stated: str) -> bool:
    if not stated:
        return False
    if asked == stated:
        return True
    if re.fullmatch(r"(19|20)\d\d", asked):  # a calendar year matches any period ending in it
        return stated.endswith(asked) or (
            re.search(r"\d\d$", stated) is not None and stated[-2:] == asked[-2:] and not re.search(r"\d{4}$", stated)
        )
    asked_base, stated_base = asked.replace("-end", ""), stated.replace("-end", "")
    if asked_base == stated_base:
        return True
    # "Dec. 2016" asked, "Dec. 31, 2016" stated.
    asked_month = re.fullmatch(r"(\w+\.?) (\d{4})", asked)
    stated_day = re.fullmatch(r"(\w+\.?) \d{1,2}, (\d{4})", stated)
    if asked_month and stated_day:
        return asked_month.groups() == stated_day.groups()
    return False


def _same_metric_other_periods(fact: Fact, others: list[Fact]) -> list[Fact]:
    """Facts with the same label and unit kind but another period (for ambiguity notes)."""
    seen = {fact.period}
    alternatives = []
    for other in others:
        if (
            other.label == fact.label
            and other.period not in seen
            and split_unit(other.unit)[0] == split_unit(fact.unit)[0]
        ):
            alternatives.append(other)
            seen.add(other.period)
    return alternatives


def _period_label(fact: Fact) -> str:
    if not fact.period:
        return "no period stated"
    return f"{fact.period} target" if "target" in fact.tags else fact.period


def _latest_partial_period(periods: set[str], target_period: str) -> str:
    """For a fiscal-year target ("FY16"), the latest year-to-date period of that year ("1Q-3Q16")."""
    year = target_period[-2:]
    partial = [p for p in periods if p.endswith(year) and "Q" in p and "-" in p]
    return max(partial, key=period_sort_key) if partial else ""


def _expand_periods(periods: list[str], lowered: str) -> list[str]:
    """ "1Q16 through 3Q16" -> 1Q16, 2Q16, 3Q16; "FY13-FY15" -> FY13, FY14, FY15."""
    years = [p for p in periods if re.fullmatch(r"FY\d\d", p)]
    if len(years) == 2 and re.search(r"\b(through|to|until|thru|over)\b|-", lowered):
        first, last = sorted(int(p[2:]) for p in years)
        return [f"FY{year:02d}" for year in range(first, last + 1)][:12]
    return _expand_quarters(periods, lowered)


def _range_quarters(period: str) -> list[str]:
    """ "1Q-3Q16" -> 1Q16, 2Q16, 3Q16; anything else -> []."""
    match = re.fullmatch(r"([1-4])Q-([1-4])Q(\d\d)", period)
    if not match or int(match.group(1)) >= int(match.group(2)):
        return []
    return [f"{quarter}Q{match.group(3)}" for quarter in range(int(match.group(1)), int(match.group(2)) + 1)]


def _expand_quarters(periods: list[str], lowered: str) -> list[str]:
    """ "1Q16 through 3Q16" -> 1Q16, 2Q16, 3Q16."""
    quarters = [p for p in periods if re.fullmatch(r"[1-4]Q\d\d", p)]
    if len(quarters) == 2 and re.search(r"\b(through|to|until|thru)\b|-", lowered):
        (q1, y1), (q2, y2) = [(int(q[0]), int(q[2:])) for q in quarters]
        expanded = []
        quarter, year = q1, y1
        while (year, quarter) <= (y2, q2) and len(expanded) < 12:
            expanded.append(f"{quarter}Q{year:02d}")
            quarter, year = (1, year + 1) if quarter == 4 else (quarter + 1, year)
        return expanded
    return periods


# A phrase ending a sum's second operand that says whose or where ("for the Country
# genre", "in Europe").
SHARED_QUALIFIER_RE = re.compile(r"\s(?:for|in|among|across|at) (?:the )?[\w\s&/'-]+$", re.I)


def _lines_above(chunks: Sequence[Chunk]) -> dict[str, str]:
    """Per passage, the line of a few words without a figure right above it on its slide
    ("Launching <a product>" over "... reached 100,000 installs in its first week"): a heading
    the layout did not mark as one (an OCR'd slide's, often), which names what the
    passage's figures are of."""
    found = {}
    for previous, chunk in itertools.pairwise(chunks):
        if (
            previous.slide == chunk.slide
            and chunk.kind in ("text", "bullet")
            and previous.kind in ("text", "heading")
            and len(previous.text.split()) <= LINE_ABOVE_WORDS
            and not find_figures(previous.text)
        ):
            found[chunk.chunk_id] = previous.text
    return found


def _captions_below(chunks: Sequence[Chunk]) -> dict[str, str]:
    """Per passage that is a figure and no words, its caption (`caption`)."""
    return {
        chunk.chunk_id: said for chunk, following in itertools.pairwise(chunks) if (said := caption(chunk, following))
    }


def caption(chunk: Chunk, following: Chunk) -> str:
    """The caption of a number set large: when `chunk` is a figure and no words ("5%",
    "W 5 %. .." as OCR reads a big number), the line of a few words without a figure
    right below it on its slide ("more productive"); else ""."""
    if (
        following.slide == chunk.slide
        and following.kind in ("text", "bullet", "heading")
        and len(following.text.split()) <= LINE_ABOVE_WORDS
        and not find_figures(following.text)
        and find_figures(chunk.text)
        and not words_besides_figures(chunk.text)
    ):
        return following.text
    return ""


def _split_two_metrics(question: str) -> tuple[str, str, str] | None:
    patterns = (
        (r"\bratio of (?P<a>.+?) to (?P<b>.+)", "/"),
        (r"\b(?P<a>.+?) as a (?:percentage|share|proportion|%) of (?P<b>.+)", "share"),
        (
            r"\bwhat (?:percentage|share|proportion|percent|fraction) of (?P<b>.+?) (?:is|was|were|are|came from|comes from|is accounted for by) (?P<a>.+)",
            "share",
        ),
        # "What fraction of X did Y account for", "What percentage of X did the company pay out as Y"
        (
            r"\bwhat (?:percentage|share|proportion|percent|fraction) of (?P<b>.+?) (?:did|does|do) (?P<a>.+?) account for\b",
            "share",
        ),
        # "... did the company pay out as dividends": the figure is what it is paid out as
        (
            r"\bwhat (?:percentage|share|proportion|percent|fraction) of (?P<b>.+?) (?:did|does|do) "
            r"(?:\S+(?: \S+){0,3} as )?(?P<a>.+)",
            "share",
        ),
        (r"\bhow far apart (?:was|were|is|are) (?P<a>.+?) and (?P<b>.+)", "gap"),
        (r"\bshare of (?P<a>.+?) in (?P<b>.+)", "share"),
        (r"\bdifference between (?P<a>.+?) and (?P<b>.+)", "gap"),
        (r"\bhow far (?:off )?(?:was|is|were) (?P<a>.+?) from (?P<b>.+)", "gap"),
        (r"\((?P<a>[^()/]{3,}?)\s*/\s*(?P<b>[^()/]{3,}?)\)", "/"),
        (r"\bhow much (?:higher|more|larger|bigger|greater) (?:was|is|were) (?P<a>.+?) than (?P<b>.+)", "-"),
        # "How many more <cars> would <A> give compared with <B>": the thing counted is
        # both operands'; "fewer" counts from the other side.
        (
            r"\bhow (?:many|much) (?P<more>more|fewer|less) (?P<m>[\w\s&/'%-]+?) "
            r"(?:would|will|does|did|do|is|are|was|were|can|could|has|have|had) (?P<a>.+?)(?: \w+)? "
            r"(?:compared (?:with|to)|than|versus|vs\.?) (?P<b>.+)",
            "-",
        ),
        (r"\bhow much (?:lower|less|smaller) (?:was|is|were) (?P<b>.+?) than (?P<a>.+)", "-"),
        (r"\bcombined (?P<m>[\w%-]+) of (?P<a>.+?) and (?P<b>.+)", "+"),
        (r"\b(?:sum|total) of (?P<a>.+?) and (?P<b>.+)", "+"),
        # "How many <personnel> in all for <A> and <B>": the thing counted is both's.
        (
            r"\bhow (?:many|much) (?P<m>[\w\s&/'%-]+?) (?:in all|in total|altogether|combined) "
            r"(?:for|in|across|of|at) (?P<a>.+?) and (?P<b>.+)",
            "+",
        ),
        (r"\b(?P<a>.+?) plus (?P<b>.+)", "+"),
        (r"\b(?P<a>.+?) (?:minus|less(?! than)) (?P<b>.+)", "-"),
    )
    for pattern, operation in patterns:
        match = re.search(pattern, question, re.IGNORECASE)
        if match:
            first, second = match.group("a").strip(" ?."), match.group("b").strip(" ?.")
            if "m" in match.re.groupindex:
                if len(find_periods(question)) >= 2:
                    return None  # "... in April 2017 than it hired in April 2016": two periods, compared as such
                first, second = (f"{match.group('m')} {part}" for part in (first, second))
                if "more" in match.re.groupindex and match.group("more").lower() != "more":
                    first, second = second, first
            if operation == "+":
                # "the combined share of A and B for the Country genre": what follows B
                # qualifies both.
                shared = SHARED_QUALIFIER_RE.search(second)
                if shared and not SHARED_QUALIFIER_RE.search(first):
                    first = f"{first} {shared.group(0).strip()}"
            second = re.sub(r",?\s*in (?:points|percent|%|JPY \w+)$", "", second, flags=re.I)
            if operation == "/" and re.search(r"\b(margin|percentage|percent|share)\b|%", question, re.I):
                operation = "share"
            # "difference between FY15 and FY16" names periods, not metrics.
            if not _without_periods(first).strip() or not _without_periods(second).strip():
                return None
            return first, second, operation
    return None


def _combine(
    first: LookupResult, second: LookupResult, operation: str, explanation: str, description: str
) -> LookupResult | None:
    """`first` <operation> `second`; either may itself be derived (a sum), in which case
    its formula becomes part of this one."""
    notes = []
    b_value = second.value
    unit = first.unit
    y = f"({second.formula})" if second.formula else number_text(second.value)
    if first.unit != second.unit:
        try:
            b_value = convert(second.value, second.unit, first.unit)
        except ValueError:
            return _not_found(first, f"units differ ({first.unit} vs {second.unit})")
        printed = second.facts[0].raw if len(second.facts) == 1 else number_text(second.value)
        notes.append(f"{printed} {second.unit} converted to {number_text(b_value)} {first.unit}.")
        y = number_text(b_value)
    x = f"({first.formula})" if first.formula else number_text(first.value)
    if operation == "gap":  # a difference as a magnitude: the larger minus the smaller
        formula = f"{x} - {y}" if first.value >= b_value else f"{y} - {x}"
    elif operation == "-":
        formula = f"{x} - {y}"
    elif operation == "+":
        formula = f"{x} + {y}"
    elif operation == "/":
        formula, unit = f"{x} / {y}", "ratio"
    elif operation == "share":
        formula, unit = f"{x} / {y} * 100", "%"
    else:  # percentage change of first over second
        formula, unit = f"({x} - {y}) / {y} * 100", "%"
    value = evaluate(formula)
    return LookupResult(
        value=round(value, 6),
        unit=unit,
        period=first.period if first.period == second.period else f"{second.period} / {first.period}".strip(" /"),
        facts=list({fact.fact_id: fact for fact in (*first.facts, *second.facts)}.values()),
        confident=True,
        explanation=explanation,
        formula=formula,
        label=description,
        notes=[*first.notes, *second.notes, *notes],
    )


def _part_and_whole(part: LookupResult, whole: LookupResult) -> bool:
    """Whether `part` can be a share of `whole`: two amounts in one unit (after scaling),
    the part no larger than the whole and not the whole itself. A percentage is no amount."""
    if "%" in (part.unit, whole.unit) or {f.fact_id for f in part.facts} == {f.fact_id for f in whole.facts}:
        return False
    try:
        whole_value = convert(whole.value, whole.unit, part.unit) if whole.unit != part.unit else whole.value
    except ValueError:
        return False
    return abs(part.value) <= abs(whole_value)


def _period_words(question: str) -> str:
    """The periods `question` names, written so that `find_periods` reads them again ("for
    2022": a bare year is a period only after a preposition)."""
    return " ".join(f"for {period}" for period in find_periods(question))


def _pair_problem(first: LookupResult | None, second: LookupResult | None, operation: str) -> str:
    """Why two figures make no derived figure together; "" when they do."""
    if not (first and second and first.confident and second.confident):
        return "one of the two figures is missing"
    if first.facts[0].fact_id == second.facts[0].fact_id and not (first.formula or second.formula):
        # (A derived part may use the whole: "(net sales less merchandise costs) as a % of net sales".)
        return "both parts resolved to the same figure"
    # A figure made of others ("operating cash flow minus capital expenditures") as a
    # percentage of another is a rate, not a part of it: it may exceed the whole.
    made = bool(first.formula) and "%" not in (first.unit, second.unit)
    if operation == "share" and not made and not _part_and_whole(first, second):
        return "no part and whole to take a share of"
    if _per_unit(first.unit) != _per_unit(second.unit):
        # An amount per share and a total in millions are no two of one kind.
        return f"an amount per unit and a total ({first.unit}, {second.unit})"
    return ""


def _magnitude(result: LookupResult) -> LookupResult:
    """`result` with its value as a size (the facts cited stay as printed)."""
    return dataclasses.replace(result, value=abs(result.value), notes=[*result.notes])


def unit_kind(unit: str) -> str:
    """A figure's kind of unit: "%" (a percentage or points), "" (a ratio, a count) or
    "money"."""
    if unit in ("%", "points"):
        return "%"
    return "money" if is_money(unit) or unit == "money" else ""


def _per_unit(unit: str) -> bool:
    """A currency amount with no scale: per share, per unit ("USD", not "USD million")."""
    return is_money(unit) and not split_unit(unit)[1]


def _same_line(change: Fact, level: Fact) -> bool:
    """Whether `change` is printed for the line item `level` is: its label holds every
    word of the level's ("Total revenue" beside "Total revenue", not "Total hedging
    impact")."""
    return set(tokenize(level.label)) <= set(tokenize(change.label))


def _is_change(fact: Fact) -> bool:
    """A figure that is a change ("up 320", a "% change" or "growth" column)."""
    return "change" in fact.tags or bool(re.search(r"\b(?:change|growth)\b", f"{fact.label} {fact.column}", re.I))


# Words after a count that say per what it is, not what it counts.
DISTRIBUTIVES = frozenset(["each", "every", "per", "a", "an"])


# A Roman numeral after a name: "Wave III", "Phase II", "Tier 1" aside.
NUMERAL_RE = re.compile(r"\b([A-Z][A-Za-z]+)\s+(IX|IV|V?I{1,3}|V|X)\b")


def _other_numeral(fact: Fact, question: str) -> bool:
    """Whether the fact's label or column writes a name with another Roman numeral than
    the question writes it with ("Wave II" for "Wave I")."""
    asked = {name.lower(): numeral for name, numeral in NUMERAL_RE.findall(question)}
    if not asked:
        return False
    written = NUMERAL_RE.findall(f"{fact.label} {fact.column}")
    return any(name.lower() in asked and asked[name.lower()] != numeral for name, numeral in written)


def counted_words(text: str, raw: str) -> set[str]:
    """The stems of the words that follow `raw` where `text` prints it, up to a stopword
    or a verb (at most COUNTED_WORDS: "48 interviewers administered" -> {"interview"}, "24 active
    venture capital firms in Europe" -> {"activ", "ventur", "capit", "firm"}); empty
    where a stopword or nothing follows. A noun joined to it counts too ("four-day training"
    -> {"day", "train"})."""
    counted = set()
    following = rf"(?:(?:\s+|-)[A-Za-z][A-Za-z-]+)(?:\s+[A-Za-z][A-Za-z-]+){{0,{COUNTED_WORDS - 1}}}"
    for match in re.finditer(rf"(?<![\w.,]){re.escape(raw)}({following})", text):
        words = match.group(1).removeprefix("-").split()
        if words[0].lower() in DISTRIBUTIVES or _participle(words[0].lower()):
            # "At 382,000 each airing", "70,000 watched online": what follows says per what,
            # or what was done, not what is counted.
            continue
        phrase = list(
            itertools.takewhile(lambda word: word.lower() not in STOPWORDS and not _only_verb(word.lower()), words)
        )
        counted |= {stem(word) for word in expand(tokenize(" ".join(phrase)))}
    return counted


def _in_debris(fact: Fact, common: AbstractSet[str] = frozenset()) -> bool:
    """Whether the passage `fact` was read from holds words besides its figures and
    periods, none of which is a word or one of the document's `common` words ("@1 Mp
    eveavaay"; not "$50 M", "1250 MB/s", "Eatingout 10% he", "up 7.0% YoY")."""
    text = fact.context
    for figure in reversed(find_figures(text)):
        text = text[: figure.start] + " " + text[figure.end :]
    words = re.findall(r"[A-Za-z]{2,}", strip_periods(text))
    return bool(words) and readable_words(" ".join(words)) == 0 and not any(word.lower() in common for word in words)


def _only_verb(word: str) -> bool:
    """Whether `word` is a form of a verb and of nothing else ("ran", "administered")."""
    from lemminflect import getAllLemmas

    return set(getAllLemmas(word)) == {"VERB"}


def _participle(word: str) -> bool:
    """Whether `word` is a past participle and no noun ("watched", not "hundred")."""
    from lemminflect import getAllLemmas

    return word.endswith("ed") and set(getAllLemmas(word)) == {"VERB"}


def _unit_asked_fits(question: str, unit: str) -> bool:
    """Whether `unit` is what "by how many points" / "by how many JPY billion" asks for."""
    if POINTS_RE.search(question):
        return unit == "points"
    if MONEY_RE.search(question):
        return is_money(unit)
    return True


def _without_sum_words(question: str) -> str:
    """ "total cloud-related CAPEX over FY13-FY15" asks for the sum of "cloud-related CAPEX"."""
    return re.sub(
        r"\b(total|sum|summing|combined|cumulative|altogether|in all|add up|adds up)\b", " ", question, flags=re.I
    )


def _asks_gap(question: str) -> bool:
    """ "What is the difference in X between A and B", "how far off": a magnitude."""
    return bool(re.search(r"\bdifference\b|\bhow far\b|\bgap between\b", question, re.I)) and not CHANGE_RE.search(
        question
    )


def _not_found(partial: LookupResult | None, reason: str) -> LookupResult | None:
    if partial is None:
        return None
    return LookupResult(
        value=partial.value,
        unit=partial.unit,
        period=partial.period,
        facts=partial.facts,
        confident=False,
        explanation=f"{reason}; {partial.explanation}",
    )


__all__ = ["SCALES", "FactLookup", "LookupResult"]
