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


@functools.cache
def catalogue() -> tuple[Metric, ...]:
    data = json.loads(CATALOGUE.read_text(encoding="utf-8"))
    return tuple(Metric(item["name"], tuple(item["aliases"]), item["asks"]) for item in data["metrics"])


def defined(question: str) -> tuple[Metric, str, str] | None:
    """The metric `question` names, the name as written, and the question asked as the
    metric's definition; or None (no metric named, or the question spells out how its
    figure is made)."""
    if SPELLED_OUT_RE.search(question):
        return None
    named = [(alias, metric) for metric in catalogue() for alias in metric.aliases]
    for alias, metric in sorted(named, key=lambda pair: -len(pair[0])):
        flags = 0 if len(alias) <= ABBREVIATION_CHARS else re.IGNORECASE
        match = re.search(rf"(?<![\w&]){re.escape(alias)}(?![\w&])", question, flags)
        if match:
            return metric, match.group(0), question[: match.start()] + metric.asks + question[match.end() :]
    return None
