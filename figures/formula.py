"""A figure the question defines, computed as defined.

"What is the FY2017 DPO? DPO is defined as: 365 * (average accounts payable between FY2016
and FY2017) / (FY2017 COGS + change in inventory between FY2016 and FY2017)." The
definition is parsed as arithmetic (+ - * / and brackets, or "divided by", "times",
"minus", "plus") over operands; an operand is a number, a term another definition in the
question defines ("CCC is defined as: DIO + DSO - DPO. DIO is defined as: ..."), "average X
between P1 and P2", "change in X between P1 and P2", or a line item X, for the period it
names or else the one the question asks. Each line item is looked up for its period (an
analyst's metric by its definition, in the statements it is read from); amounts are taken
as sizes, as a definition means them ("cash from operations - capex").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from figures.arithmetic import number_text
from figures.metrics import named
from ingest.numbers import convert, find_periods, is_money, strip_periods
from understand.instructions import DECIMALS_RE, PERCENT_ASKED_RE
from understand.terms import HEAD_RE

if TYPE_CHECKING:
    from figures.lookup import FactLookup, LookupResult
    from ingest.records import Fact

# "X is defined as: ...", "X here is defined as ...", "Define X as ...": up to the sentence end.
DEFINITION_RE = re.compile(
    r"(?:(?P<term>[A-Za-z][\w&'()\- ]{0,60}?)\s+(?:here\s+)?is\s+(?:defined|calculated|computed)\s+as:?"
    r"|\bdefine\s+(?P<named>[A-Za-z][\w&'()\- ]{0,60}?)\s+as:?)\s*(?P<formula>(?:[^.?]|\.\d)+)",
    re.IGNORECASE,
)
# Operators written as words.
WORD_OPERATOR_RE = re.compile(
    r"\b(?:(?P<div>divided\s+by|(?<!year\s)(?<!year-)over(?!\s+(?:the|a|an|its|time|fiscal|fy|\d|years?|quarters?)\b))"
    r"|(?P<mul>times|multiplied\s+by)|(?P<sub>minus|less(?!\s+than))|(?P<add>plus))\b",
    re.IGNORECASE,
)
WORD_OPERATORS = {"div": " / ", "mul": " * ", "sub": " - ", "add": " + "}
# "average accounts payable between FY2016 and FY2017", "change in inventory between ...".
OVER_TWO_RE = re.compile(
    r"^(?P<operation>average|change)\s+(?:of\s+|in\s+)?(?P<item>.+?)\s+between\s+(?P<first>.+?)\s+and\s+(?P<last>.+)$",
    re.IGNORECASE,
)
# "the FY2015 - FY2017 3 year average net profit margin": the years, and what is averaged.
YEARS_AVERAGE_RE = re.compile(
    r"(?P<first>(?:FY\s?)?(?:19|20)\d\d)\s*(?:[-–]|to)\s*(?P<last>(?:FY\s?)?(?:19|20)\d\d)\s+"
    r"(?:\w+[\s-]+years?\s+)?average\s+(?P<what>[^?(]+)",
    re.IGNORECASE,
)
DEPTH = 4  # terms defined by terms, at most this deep


class Undefined(ValueError):
    """A definition that does not parse, or an operand the document does not print."""


@dataclass
class Quantity:
    value: float
    money: str  # the unit of an amount ("USD million"); "" for a number or a ratio
    formula: str
    facts: list[Fact] = field(default_factory=list)


# A formula written bare after the question ("What was the effective tax rate in 2021?
# Provision for income taxes divided by income before income taxes."): it defines the
# figure the question asks for, named as the question names it (`understand.terms.HEAD_RE`).
BARE_FORMULA_RE = re.compile(
    rf"(?:(?<=\?)|(?<=\s[—–]))\s+(?P<formula>[A-Z][^.?]*?{WORD_OPERATOR_RE.pattern}[^.?]*)", re.IGNORECASE
)

# Arithmetic the question asks, named in brackets after it: "what is A + B (EBITDA)?".
NAMED_FORMULA_RE = re.compile(
    r"\bwhat\s+(?:is|was|were|are)\s+(?P<formula>[^?()]+?\s[+*/-]\s[^?()]+?)\s*"
    r"\((?!(?:as|in|to|for|of|on|from|excluding|including)\b)(?P<name>[A-Za-z][\w&/ -]{1,40})\)",
    re.IGNORECASE,
)
YEAR_RANGE_RE = re.compile(r"\b(?:FY\s?)?(?:19|20)?\d\d\s*[-–]\s*(?:FY\s?)?(?:19|20)?\d\d\b", re.IGNORECASE)
LEAD_IN_RE = re.compile(r"^(?:compute|calculate|derive|work\s+out|take)\b[^,]*?\bas\s+", re.IGNORECASE)


def definitions(question: str) -> dict[str, str]:
    """Each term the question defines, lower-cased, and its formula as written."""
    bare = BARE_FORMULA_RE.search(question)
    if bare and not DEFINITION_RE.search(question):
        before = question[: bare.start()]
        asked = HEAD_RE.search(before)
        # A question of a few words names its figure first ("Acme effective tax rate 2022 — ...").
        head = (
            asked.group("head")
            if asked
            else re.sub(r"\b(?:19|20)\d\d\b", " ", strip_periods(before)).strip(" —–-:,")
            if len(before.split()) <= 8
            else ""
        )
        term = re.split(r"['’]s?\s+", head)[-1]  # "Acme Works' effective tax rate"
        # "Compute it from the income statement as X over Y": the formula is what follows "as".
        formula = LEAD_IN_RE.sub("", bare.group("formula"))
        if term.strip():
            return {term.strip().lower(): _without_format(formula)}
    found = {}
    for match in DEFINITION_RE.finditer(question):
        term = (match.group("term") or match.group("named") or "").strip()
        # "What is the FY2019 cash conversion cycle (CCC)? CCC is defined as": the term is
        # its last words (the sentence's subject).
        term = re.sub(r"^.*?\b(?:the|a|an|and|FY\d{2,4})\s+", "", term, flags=re.I).strip()
        if term:
            found[term.lower()] = match.group("formula").strip()
    named = NAMED_FORMULA_RE.search(question)
    if not found and named and not YEAR_RANGE_RE.search(named.group("formula")):
        # "what is Acme's FY2021 operating income + depreciation (unadjusted EBITDA)?": the
        # name in brackets is the arithmetic's before it ("FY2015 - FY2017" is no minus).
        found[named.group("name").strip().lower()] = named.group("formula").strip()
    return found


def _without_format(formula: str) -> str:
    """A bare formula without how to write its answer after it (", in % to one decimal
    place", "rounded to two decimals")."""
    ends = [match.start() for pattern in (PERCENT_ASKED_RE, DECIMALS_RE) if (match := pattern.search(formula))]
    cut = formula[: min(ends)] if ends else formula
    return re.sub(r"[\s,]*(?:\bto|\brounded(?:\s+to)?)?[\s,]*$", "", cut, flags=re.I).strip()


def computed(question: str, lookup: FactLookup) -> LookupResult | None:
    """The figure `question` asks, computed by the definition it gives of it ("DPO is
    defined as ...") or as an average over a range of years it names ("the FY2015 - FY2017
    3 year average net profit margin"); None when it asks neither, or a definition does
    not parse or its operands are not printed."""
    from figures.lookup import LookupResult

    defined = definitions(question)
    if not defined:
        return _averaged(question, lookup)
    asking = DEFINITION_RE.split(question)[0]
    term = _asked_term(asking, defined) or next(iter(defined))
    periods = find_periods(asking)
    default = periods[0] if periods else ""
    try:
        quantity = _Evaluator(defined, lookup, default).term(term, 0)
    except Undefined:
        return None
    unit = quantity.money or "ratio"
    return LookupResult(
        value=quantity.value,
        unit=unit,
        period=default,
        facts=quantity.facts,
        confident=True,
        explanation=f"as the question defines {term}: {defined[term]}",
        formula=quantity.formula,
        label=f"{term}, as defined",
        defined_by_question=True,
    )


def _averaged(question: str, lookup: FactLookup) -> LookupResult | None:
    """The mean of a figure over each year of the range the question names: an analyst's
    metric by its definition, each year alike; else the figure as the document prints it."""
    from figures.lookup import LookupResult

    match = YEARS_AVERAGE_RE.search(question)
    if not match:
        return None
    first, last = _period(match.group("first")), _period(match.group("last"))
    years = [int(first[-2:]) + offset for offset in range(int(last[-2:]) - int(first[-2:]) + 1)]
    if not 2 <= len(years) <= 10:
        return None
    prefix = first[:-2]
    what = match.group("what").strip()
    metric = named(what)
    found = []
    for year in years:
        period = f"{prefix}{year % 100:02d}"
        result = lookup.by_definition(metric[0], period) if metric else None
        if result is None and metric:
            # Its line items printed elsewhere than on the statements the metric names.
            result = lookup.answer(f"What was the {metric[0].asks} in {period}?")
        if result is None or not result.confident:
            result = lookup.answer(f"What was the {what} in {period}?")
        if result is None or not result.confident:
            return None
        found.append(result)
    values = [result.value for result in found]
    formula = f"({' + '.join(number_text(round(value, 4)) for value in values)}) / {len(values)}"
    return LookupResult(
        value=sum(values) / len(values),
        unit=found[0].unit,
        period=f"{first}-{last}",
        facts=[fact for result in found for fact in result.facts],
        confident=True,
        explanation=f"average of {what} over {first} to {last}",
        formula=formula,
        label=f"average of {len(values)} years",
    )


def _asked_term(asking: str, defined: dict[str, str]) -> str:
    """The defined term the asking sentence names (the last it names, the one asked)."""
    lowered = asking.lower()
    named = [(lowered.rfind(term), term) for term in defined if re.search(rf"\b{re.escape(term)}\b", lowered)]
    return max(named)[1] if named else ""


class _Evaluator:
    def __init__(self, defined: dict[str, str], lookup: FactLookup, period: str) -> None:
        self.defined, self.lookup, self.period = defined, lookup, period

    def term(self, term: str, depth: int) -> Quantity:
        if depth > DEPTH:
            raise Undefined(f"{term} is defined in terms of itself")
        tokens = _tokens(self.defined[term])
        quantity, rest = self._sum(tokens, depth)
        if rest:
            raise Undefined(f"cannot read {term}'s definition at {rest[0]!r}")
        return quantity

    # expr := product (("+" | "-") product)*
    def _sum(self, tokens: list[str], depth: int) -> tuple[Quantity, list[str]]:
        left, tokens = self._product(tokens, depth)
        while tokens and tokens[0] in "+-":
            operator, (right, tokens) = tokens[0], self._product(tokens[1:], depth)
            left = _combine(left, operator, right)
        return left, tokens

    # product := factor (("*" | "/") factor)*
    def _product(self, tokens: list[str], depth: int) -> tuple[Quantity, list[str]]:
        left, tokens = self._factor(tokens, depth)
        while tokens and tokens[0] in "*/":
            operator, (right, tokens) = tokens[0], self._factor(tokens[1:], depth)
            left = _combine(left, operator, right)
        return left, tokens

    def _factor(self, tokens: list[str], depth: int) -> tuple[Quantity, list[str]]:
        if not tokens:
            raise Undefined("the definition ends too soon")
        token, rest = tokens[0], tokens[1:]
        if token == "(":
            inner, rest = self._sum(rest, depth)
            if not rest or rest[0] != ")":
                raise Undefined("an unclosed bracket")
            return Quantity(inner.value, inner.money, f"({inner.formula})", inner.facts), rest[1:]
        if token in "+-*/)":
            raise Undefined(f"an operator where an operand is due: {token!r}")
        return self._operand(token, depth), rest

    def _operand(self, phrase: str, depth: int) -> Quantity:
        phrase = re.sub(r"^(?:the|an?)\s+", "", phrase.strip(), flags=re.I)
        if phrase.replace(".", "", 1).isdigit():
            return Quantity(float(phrase), "", phrase)
        if phrase.lower() in self.defined:
            inner = self.term(phrase.lower(), depth + 1)
            return Quantity(inner.value, inner.money, f"({inner.formula})", inner.facts)
        match = OVER_TWO_RE.match(phrase)
        if match:
            first = self._item(match.group("item"), _period(match.group("first")))
            last = self._item(match.group("item"), _period(match.group("last")))
            if match.group("operation").lower() == "change":
                change = _combine(last, "-", first)
                return Quantity(change.value, change.money, f"({change.formula})", change.facts)
            total = _combine(first, "+", last)
            return Quantity(total.value / 2, total.money, f"({total.formula}) / 2", total.facts)
        periods = find_periods(phrase)
        return self._item(strip_periods(phrase) if periods else phrase, periods[0] if periods else self.period)

    def _item(self, item: str, period: str) -> Quantity:
        item = " ".join(item.split())
        if not item or not period:
            raise Undefined(f"no period for {item!r}")
        result = self.lookup.line_item(item, period)
        if result is None or not result.confident or result.unit in ("%", "points"):
            raise Undefined(f"{item} in {period} is not printed")
        money = result.unit if is_money(result.unit) else ""
        value = abs(result.value)  # a definition's operands are sizes: "cash from operations - capex"
        return Quantity(value, money, number_text(value), list(result.facts))


def _period(text: str) -> str:
    periods = find_periods(text)
    if not periods:
        raise Undefined(f"no period in {text!r}")
    return periods[0]


def _combine(left: Quantity, operator: str, right: Quantity) -> Quantity:
    formula = f"{left.formula} {operator} {right.formula}"
    facts = [*left.facts, *right.facts]
    if operator in "+-":
        if bool(left.money) != bool(right.money):
            raise Undefined(f"an amount and a number added: {formula}")
        value = right.value if not left.money else convert(right.value, right.money, left.money)
        total = left.value + value if operator == "+" else left.value - value
        return Quantity(total, left.money, formula, facts)
    if operator == "*":
        if left.money and right.money:
            raise Undefined(f"two amounts multiplied: {formula}")
        return Quantity(left.value * right.value, left.money or right.money, formula, facts)
    divisor = right.value if not (left.money and right.money) else convert(right.value, right.money, left.money)
    if divisor == 0:
        raise Undefined(f"division by zero: {formula}")
    money = left.money if not right.money else ""
    if right.money and not left.money:
        raise Undefined(f"a number divided by an amount: {formula}")
    return Quantity(left.value / divisor, money, formula, facts)


def _tokens(formula: str) -> list[str]:
    """Brackets, operators and the phrases between them. A hyphen is an operator only
    with spaces around it ("long-term debt" is one phrase)."""
    formula = WORD_OPERATOR_RE.sub(lambda match: WORD_OPERATORS[match.lastgroup or "add"], formula)
    tokens: list[str] = []
    phrase = ""
    for index, char in enumerate(formula):
        spaced = (index == 0 or formula[index - 1] == " ") and (index + 1 == len(formula) or formula[index + 1] == " ")
        if char in "()*/" or (char in "+-" and spaced):
            if phrase.strip():
                tokens.append(phrase.strip())
            tokens.append(char)
            phrase = ""
        else:
            phrase += char
    if phrase.strip():
        tokens.append(phrase.strip())
    return tokens
