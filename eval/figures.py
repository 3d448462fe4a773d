"""Read figures out of answer text and convert them between units ("JPY0.19 billion"
-> 190 in a "JPY million" item). Written for the evaluator alone, independent of the
parser the system under test uses (`ingest.numbers`), so one parser's bug cannot hide
behind the same bug in the other. Pure functions; no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The gold unit vocabulary (eval/README.md, "Unit vocabulary").
CURRENCIES = ("JPY", "USD", "EUR", "GBP")
GOLD_UNITS = (
    *(f"{currency} {scale}" for currency in CURRENCIES for scale in ("trillion", "billion", "million", "thousand")),
    *CURRENCIES,
    "%",
    "points",
    "thousand",
    "million",
    "count",
    "year",
)

# Scale words and their factor. "mil", "mn" and "bn" are abbreviations answers use.
SCALE_FACTORS = {
    "trillion": 1e12,
    "billion": 1e9,
    "bn": 1e9,
    "million": 1e6,
    "mil": 1e6,
    "mn": 1e6,
    "thousand": 1e3,
}

# Families whose members convert into each other. A bare number (family None) is taken
# to be in the gold unit, as the README says. A scale word with no currency ("1.9
# trillion", as the deck prints the cloud market) is SCALED: it converts to yen or to
# plain quantities alike.
YEN = "JPY"
QUANTITY = "quantity"
SCALED = "scaled"
PERCENT = "%"
POINTS = "points"
YEAR = "year"
DOLLAR = "USD"


@dataclass(frozen=True)
class Amount:
    """A figure read from text or from a structured value: `value` counted in units of
    `scale` of `family` (family None: a bare number with no unit of its own)."""

    value: float
    family: str | None
    scale: float
    raw: str


def parse_unit(unit: str) -> tuple[str | None, float]:
    """(family, scale) of a unit name: "JPY billion" -> ("JPY", 1e9); "thousand" ->
    ("quantity", 1e3); "%" -> ("%", 1). Plain "count", "ratio", "" and unknown words
    give (None, 1): a number with no stated unit."""
    words = unit.replace("¥", " JPY ").replace("%", " % ").lower().split()
    scale = 1.0
    for word in words:
        if word in SCALE_FACTORS:
            scale = SCALE_FACTORS[word]
    if "jpy" in words or "yen" in words:
        return YEN, scale
    if "usd" in words or "$" in unit:
        return DOLLAR, scale
    if "eur" in words or "€" in unit:
        return "EUR", scale
    if "gbp" in words or "£" in unit:
        return "GBP", scale
    if "%" in words or "percent" in words:
        return PERCENT, 1.0
    if any(word in ("point", "points", "pts", "pp") for word in words):
        return POINTS, 1.0
    if "year" in words or "years" in words:
        return YEAR, 1.0
    if scale != 1.0:
        return SCALED, scale
    return None, 1.0


def convert_amount(amount: Amount, gold_unit: str) -> float | None:
    """`amount` expressed in `gold_unit`, or None when the two are different kinds of
    quantity (yen against a percentage, points against a percentage)."""
    gold_family, gold_scale = parse_unit(gold_unit)
    if gold_family == SCALED or gold_unit == "count":
        gold_family = QUANTITY  # the gold units "thousand", "million" and "count"
    if amount.family is None:
        return amount.value
    if amount.family != gold_family and not (amount.family == SCALED and gold_family in (YEN, QUANTITY)):
        return None
    return amount.value * amount.scale / gold_scale


# Periods and slide markers hold digits that are not figures: "1Q-3Q16", "FY2016",
# "[Slide 23]". A bare year ("December 1992") stays a figure, for "year" items.
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
SLIDE_MARKER_RE = re.compile(r"\[\s*slides?\s+\d+(?:\s*[,-]\s*\d+)*\s*\]", re.IGNORECASE)
NOT_FIGURES_RE = re.compile(
    SLIDE_MARKER_RE.pattern + r"|\bslides?\s+\d+\b"
    r"|\b[1-4]Q\s?-\s?[1-4]Q\s?(?:FY\s?)?(?:20)?\d{2}\b(?:\s?-?\s?end\b)?"
    r"|\b[1-4]Q\s?(?:FY\s?)?(?:20)?\d{2}\b(?:\s?-?\s?end\b)?"
    r"|\b[12]H\s?(?:FY\s?)?(?:20)?\d{2}\b"
    r"|\bFY\s?(?:20)?\d{2}\b",
    re.IGNORECASE,
)
# "Dec. 31, 2016" -> "Dec. 2016": the day is no figure; the year stays, for "year" items.
DATE_DAY_RE = re.compile(r"\b(" + _MONTH + r")\s?\d{1,2},\s?((?:19|20)\d{2})\b", re.IGNORECASE)
FIGURE_RE = re.compile(
    r"(?P<down>\b(?:down|minus|decreased?(?:\s+by)?|fell(?:\s+by)?)\s+)?"
    r"(?P<sign>[+\-\u2212])?"
    r"(?P<open>\()?"
    r"(?P<cur>(?:JPY|¥|US\$|\$)\s?)?"
    r"(?(cur)|(?:(?<![\w.,])|(?<=[A-Za-z]\.)))(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:\s?(?P<pct>%|percent\b))?"
    r"(?:\s?(?P<cur_after>JPY|yen)\b)?"
    r"(?:\s?(?P<scale>trillion|billion|million|thousand|bn|mn|mil)\b)?"
    r"(?:\s?(?P<cur_last>JPY|yen)\b)?"
    r"(?:\s?(?P<points>percentage points?|points?|pts|pp)\b)?"
    r"(?P<close>\))?"
    r"(?![A-Za-z0-9])",
    re.IGNORECASE,
)
MARKUP_RE = re.compile(r"\*\*|__|`")


def find_amounts(text: str) -> list[Amount]:
    """Every figure in `text`, left to right, with its unit family and scale.
    Parentheses around a figure make it negative, as in accounting tables (unless glued
    to a word: "NTT(21.6%)"); so do a leading minus and "down". Slide markers and periods are not figures."""
    cleaned = NOT_FIGURES_RE.sub(" ", DATE_DAY_RE.sub(r"\1 \2", MARKUP_RE.sub("", text)))
    amounts = []
    for match in FIGURE_RE.finditer(cleaned):
        number = match.group("num")
        has_unit = any(match.group(name) for name in ("pct", "cur", "cur_after", "cur_last", "scale", "points"))
        wrapped = bool(match.group("open")) and bool(match.group("close"))
        if wrapped and not has_unit and len(number) == 1:
            continue  # a footnote marker "(1)", not minus one
        # "NTT(21.6%)": a parenthesis glued to a word is an aside, not a negative figure.
        aside = wrapped and match.start("open") > 0 and cleaned[match.start("open") - 1].isalnum()
        value = float(number.replace(",", ""))
        if (wrapped and not aside) or match.group("sign") in ("-", "\u2212") or match.group("down"):
            value = -value
        unit_words = " ".join(
            match.group(name) or "" for name in ("cur", "pct", "cur_after", "scale", "cur_last", "points")
        )
        family, scale = parse_unit(unit_words)
        amounts.append(Amount(value=value, family=family, scale=scale, raw=match.group(0).strip()))
    return amounts


def _looks_like_year(amount: Amount) -> bool:
    return amount.family is None and amount.value.is_integer() and 1900 <= amount.value <= 2100


def headline_amount(text: str, gold_unit: str) -> Amount | None:
    """The figure an answer gives for a question in `gold_unit`: the first one whose
    unit converts to the gold unit; failing that the first bare number (a year-like
    one only when nothing else is there)."""
    amounts = find_amounts(text)
    for amount in amounts:
        if amount.family is not None and convert_amount(amount, gold_unit) is not None:
            return amount
    bare = [amount for amount in amounts if amount.family is None]
    if gold_unit != "year":
        bare.sort(key=_looks_like_year)  # stable: keeps order within each group
    return bare[0] if bare else None
