"""Analysts' standard metrics as data (`metrics.json`): each metric's names, and the line
items it is made of, phrased as the lookup computes them ("gross profit as a percentage of
total revenue", "ratio of total current assets to total current liabilities").

A question that names a metric without spelling out its formula or operands, and whose
document never writes that name (a deck whose "gross margin" is an amount of
yen means that; a release prints its "GAAP tax rate"), is asked as the metric's definition
("What was the gross margin in fiscal 2016?" -> "What was the gross profit as a percentage
of total revenue in fiscal 2016?"); one that spells them out is asked as written, since
its own definition wins.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path

CATALOGUE = Path(__file__).with_name("metrics.json")
# A question that says how its figure is made: its own formula or operands.
SPELLED_OUT_RE = re.compile(
    r"\b(?:defined\s+as|define[sd]?|as\s+a\s+percent(?:age)?\s+of|divided\s+by|ratio\s+of|minus|less|plus)\b|[/÷]",
    re.IGNORECASE,
)
# An alias this short is an abbreviation, matched as written ("ROE", not "roe").
ABBREVIATION_CHARS = 4


@dataclass(frozen=True)
class Metric:
    name: str
    aliases: tuple[str, ...]
    asks: str  # the definition, in words the lookup computes
    statements: tuple[str, ...] = ()  # the primary statements its line items are read from
    alternatives: tuple[str, ...] = ()  # the definition in other line items a filing may print
    stated_unit: str | None = None  # its unit, where the definition's words do not say it

    @property
    def definitions(self) -> tuple[str, ...]:
        return (self.asks, *self.alternatives)

    @property
    def unit(self) -> str:
        """The unit of the figure its definition makes: "%", "" (a ratio) or "money"."""
        if self.stated_unit is not None:
            return self.stated_unit
        if re.search(r"\bas\s+a\s+percentage\s+of\b", self.asks):
            return "%"
        return "" if self.asks.startswith("ratio of") else "money"


@functools.cache
def catalogue() -> tuple[Metric, ...]:
    data = json.loads(CATALOGUE.read_text(encoding="utf-8"))
    return tuple(
        Metric(
            item["name"],
            tuple(item["aliases"]),
            item["asks"],
            tuple(item.get("statements", ())),
            tuple(item.get("or", ())),
            item.get("unit"),
        )
        for item in data["metrics"]
    )


def named(question: str) -> tuple[Metric, re.Match[str]] | None:
    """The metric `question` names, and where, however it asks for it."""
    aliases = [(alias, metric) for metric in catalogue() for alias in metric.aliases]
    for alias, metric in sorted(aliases, key=lambda pair: -len(pair[0])):
        flags = 0 if len(alias) <= ABBREVIATION_CHARS else re.IGNORECASE
        # "fixed assets to total assets ratio" names "fixed assets to total assets".
        match = re.search(rf"(?<![\w&]){re.escape(alias)}(?:\s+(?i:ratio))?(?![\w&])", question, flags)
        if match:
            return metric, match
    return _margin(question)


# "the FY2015 depreciation and amortization (D&A from the cash flow statement) % margin":
# a line item's percent margin is the item as a percentage of revenue (a bare "segment
# margin" may be the segment's own profit rate: not this). The item is the words before it
# back to a determiner, a period or a possessive, at most MARGIN_ITEM_WORDS.
MARGIN_RE = re.compile(r"(?P<aside>\s*\([^()]*\))?\s*(?:%|\bpercent(?:age)?)\s*margins?\b", re.IGNORECASE)
MARGIN_ITEM_WORDS = 5
ITEM_STOP_RE = re.compile(
    r"^(?:the|a|an|its|their|what|which|is|was|were|are|of|for|in|and|FY\d+|(?:19|20)\d\d|\w+['’]s?|\W+)$",
    re.IGNORECASE,
)


def _margin(question: str) -> tuple[Metric, re.Match[str]] | None:
    """A line item's margin the catalogue does not list, as its definition: the item as a
    percentage of total revenue."""
    for found in MARGIN_RE.finditer(question):
        words = question[: found.start()].split()
        item: list[str] = []
        for word in reversed(words[-MARGIN_ITEM_WORDS:]):
            if ITEM_STOP_RE.match(word) and not (word.lower() == "and" and item):
                break
            item.insert(0, word)
        if not item or item[0].lower() == "and":
            continue
        start = question.rfind(item[0], 0, found.start())
        aside = (found.group("aside") or "").strip()
        asks = " ".join([*item, aside, "as a percentage of total revenue"]).replace("  ", " ")
        match = re.compile(re.escape(question[start : found.end()])).search(question, start)
        if match is not None:
            # A flow over revenue: read from the statements that print flows.
            statements = ("income statement", "cash flow statement")
            return Metric(f"{' '.join(item)} margin", (match.group(0),), asks, statements, stated_unit="%"), match
    return None


def defined(question: str) -> tuple[Metric, str, list[str]] | None:
    """The metric `question` names, the name as written, and the question asked as each
    of the metric's definitions; or None (no metric named, or the question spells out how
    its figure is made, in words other than the metric's name: "capex as a percentage of
    revenue" is a name)."""
    found = named(question)
    if found is None:
        return None
    metric, match = found
    before, after = question[: match.start()], question[match.end() :]
    if SPELLED_OUT_RE.search(f"{before} {after}"):
        return None
    return metric, match.group(0), [before + definition + after for definition in metric.definitions]
