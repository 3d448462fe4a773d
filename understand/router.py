"""Route a question to the table lookup (a figure is asked for) or to text retrieval.
The reason is returned so the Answer can explain the choice."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from ingest.numbers import find_periods, strip_periods
from ingest.text import tokenize
from understand.kinds import WHAT_IS_RE, asks_for_explanation
from understand.periods import ASKING_WORD_RE
from understand.question import key_terms
from understand.terms import METRIC_WORDS

NUMERIC_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"\bhow (much|many|big|large|high|low|fast)\b", "asks 'how much/many/big'"),
    (r"\bwhat (is|was|were|are)\b.{0,60}\b(revenues?|sales|income|margin|cost|cash|assets|capex|"
     r"expenses|borrowings|profit|ratio|share|growth rate|target|employees|headcount|subscriptions?|"
     r"investment|penetration|rate)\b", "asks 'what is <...> <metric>'"),
    (r"\bwhat (was|is|were|are) (the company'?s |the |its )?(total |number of |amount of )?"
     r"(revenue|revenues|sales|income|margin|cost|costs|cash|assets|liabilities|equity|capex|"
     r"expenses?|borrowings|profit|ratio|rate|share|growth|target|employees|headcount|"
     r"subscriptions?|subscribers|investment|depreciation|inventories|payable|receivable|"
     r"dividends?|deposits|goodwill)\b", "asks 'what was <metric>'"),
    (r"\b(percentage|percent|ratio|share of|proportion|margin ratio)\b|%", "asks for a percentage or ratio"),
    (r"\b(growth|grow|grew|increase|decrease|decline|change|changed|rise|rose|fell|drop)\b.*\b(by how much|how much|what)\b|\bby how much\b", "asks for a change"),
    (r"\b(when was|what year|which year|established|founded)\b", "asks when something was established"),
    (r"\bnumber of\b", "asks for a number of something"),
    (r"\b(stake|stakes|holding)\b", "asks for a stake"),
    (r"^\s*what\s+(?:[\w&/'-]+\s+){0,4}(rate|ratio|level|amount|percentage|size|value|margin)\b",
     "asks 'what <...> rate/level/amount'"),
    (r"\b(difference|sum|total of|combined|gap|remaining|still needed|left to reach|per cent|times)\b", "asks for arithmetic over figures"),
    (r"\b(target|forecast|goal)\b.*\b(revenue|income|subscri|margin)|\b(revenue|income|subscri|margin)\w*\b.*\btarget\b", "asks for a target figure"),
    (r"\b(headcount|staff count|employees)\b", "asks for a headcount"),
    (r"\b(jpy|yen|usd|dollars?|eur|euros?|gbp|pounds?|billion|million|thousand)\b|[$€£¥]", "mentions a currency or scale"),
)  # fmt: skip
DESCRIPTIVE_PATTERNS = re.compile(
    r"^\s*(why|explain|describe|what are|list|summari[sz]e|how does|how do|how will|how is|how did|tell me about)\b"
    r"|^\s*(?:what|which) (?:kinds?|types?|sorts?) of\b"
    r"|\b(model|strategy|strategies|advantages?|approach|overview|status|differen\w+ between|difference from|"
    r"developments|highlights|consist of|involve|mean|definition|defined?|used (?:for|to))\b",
    re.IGNORECASE,
)


# What a company says it expects, as a whole, not a figure of it.
OUTLOOK_WORDS = frozenset({"outlook", "guidance", "expectations"})
# "What does/did/will X <verb> ...": the question's object is "what" itself.
OPEN_WHAT_RE = re.compile(r"^\s*what\s+(?:do|does|did|will|would|should)\b")


@dataclass(frozen=True)
class Route:
    kind: Literal["table", "text"]
    reason: str


def asks_what_was_done(question: str) -> bool:
    """ "What does/did/will the company <verb> for <period>", naming nothing but its verb:
    what the company expects, said or did, not a figure. (The document's own name is
    "the company" by the time a question is routed.)"""
    terms = key_terms(strip_periods(question))
    if terms and set(terms) <= OUTLOOK_WORDS:
        return True  # "What is the company's outlook for 2023?": the outlook as it is written
    return bool(OPEN_WHAT_RE.match(question.lower())) and len(terms) <= 1


def route(question: str) -> Route:
    """ "table" when the question asks for a figure, else "text"."""
    # "whats", "what's" -> "what is"
    question = WHAT_IS_RE.sub("what is", question)
    lowered = question.lower()
    if asks_for_explanation(question):
        return Route("text", "asks for causes or what someone said")
    if DESCRIPTIVE_PATTERNS.search(question) and not re.search(
        r"\bhow (much|many|big|large|fast)\b|\bwhat (percentage|share)\b", lowered
    ):
        return Route("text", "asks for an explanation or a list")
    for pattern, reason in NUMERIC_PATTERNS:
        if re.search(pattern, lowered):
            return Route("table", reason)
    periods = find_periods(question)
    if periods and asks_what_was_done(question):
        # "What does the company expect for the first quarter of 2023?": what it expects,
        # said, did in a period, no figure named.
        return Route("text", f"asks what was expected or done in a period ({', '.join(periods)})")
    if periods and re.search(r"^\s*(what|how)\b", lowered):
        return Route("table", f"asks about a period ({', '.join(periods)})")
    # Telegraphic questions: "cash balance end of Dec 2016?", "diluted EPS in 2020?" (a noun
    # phrase naming a period asks for its figure).
    telegraphic = not ASKING_WORD_RE.match(question)
    # A question opening on an auxiliary asks whether ("Has the company paid dividends in
    # Q2?"): the text says, figures or not (a judgement of figures is answered before).
    if (
        periods
        and (METRIC_WORDS & set(tokenize(lowered)) or telegraphic)
        and not re.search(r"^\s*(why|who|where|which|has|have|had|did|does|do|is|are|was|were)\b", lowered)
    ):
        return Route("table", f"names a metric and a period ({', '.join(periods)})")
    return Route("text", "no numeric intent found")
