"""A judgement asked of the figures ("Is the company capital-intensive?", "Does it have
positive working capital?", "Did its operating margin improve in FY2022?", "Was there any
drop in cash between FY2023 and Q2 FY2024?") is answered with the figures that decide it,
for each period compared, and the direction they show; never with a verdict the figures do
not show.

What decides it: a judgement the catalogue lists (`metrics.json`, "judgements") by its
deciding metrics; else the metric the question names; else the line item it names, in the
document's words. Which periods: the ones the question names; one period and a change
("improving", "grow") also the year before it; "historically" or "consistent" the three
latest years.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass

from figures.lookup import FactLookup, LookupResult, unit_kind, year_before
from figures.metrics import CATALOGUE, Metric, catalogue
from figures.metrics import named as named_metric
from ingest.numbers import find_periods, strip_periods

# A question that asks yes or no, after an optional lead-in ("For the company, did ..."): its
# asking words ("Was there any") are not the line item's.
ASKING_RE = re.compile(
    r"^(?:[^,?]{0,60},\s*)?(?:is|are|does|do|did|has|have|was|were)\b\s*(?:there\s+)?(?:any\s+)?", re.IGNORECASE
)
# A direction asked about: a change between periods, or the figure's sign.
CHANGE_RE = re.compile(
    r"\b(?:improv\w*|increas\w*|grow|grew|grown|growth|decreas\w*|declin\w*|drop\w*|fall|fell|rise|rose|"
    r"accelerat\w*|decelerat\w*|deteriorat\w*|expand\w*|contract\w*|shr[iu]nk\w*)\b",
    re.IGNORECASE,
)
SIGN_RE = re.compile(r"\b(?:positive|negative|deficit|surplus)\b", re.IGNORECASE)
HISTORY_RE = re.compile(r"\b(?:historically|consistent\w*|stable|stability|fluctuat\w*|volatil\w*|over\s+time)\b", re.I)
HISTORY_YEARS = 3


@dataclass(frozen=True)
class Judgement:
    name: str
    aliases: tuple[str, ...]
    deciding: tuple[str, ...]  # the catalogue's metrics that decide it


@functools.cache
def judgements() -> tuple[Judgement, ...]:
    data = json.loads(CATALOGUE.read_text(encoding="utf-8"))
    return tuple(
        Judgement(item["name"], tuple(item["aliases"]), tuple(item["deciding"])) for item in data.get("judgements", [])
    )


@dataclass(frozen=True)
class Asked:
    """What a judgement question asks to see: each figure (a catalogue metric, or a line
    item in the question's words) over `periods` (none: the latest the document reports),
    and whether the direction between them (or the sign) is asked."""

    figures: tuple[Metric | str, ...]
    periods: tuple[str, ...]
    change: bool
    sign: bool
    history: bool
    judgement: str = ""


def asked(question: str) -> Asked | None:
    """What `question` asks to see, when it asks a judgement of figures; else None."""
    if not ASKING_RE.search(question):
        return None
    lowered = question.lower()
    change, sign, history = (
        bool(CHANGE_RE.search(question)),
        bool(SIGN_RE.search(question)),
        bool(HISTORY_RE.search(question)),
    )
    periods = tuple(find_periods(question))
    for judgement in judgements():
        if any(re.search(rf"(?<![\w-]){re.escape(alias)}(?![\w-])", lowered) for alias in judgement.aliases):
            metrics = {metric.name: metric for metric in catalogue()}
            figures = tuple(metrics[name] for name in judgement.deciding if name in metrics)
            return Asked(figures, periods, change, sign, history, judgement.name)
    if not (change or sign or history):
        return None
    found = named_metric(question)
    if found is not None:
        return Asked((found[0],), periods, change, sign, history)
    item = _line_item(question)
    if not item or not change:
        return None
    return Asked((item,), periods, change, sign, history)


def _line_item(question: str) -> str:
    """The line item a change is asked of, in the question's words ("drop in Cash & Cash
    equivalents between FY 2023 and Q2 of FY2024"): the question without its asking, its
    direction and its periods; the lookup reads past the other words."""
    text = strip_periods(ASKING_RE.sub(" ", CHANGE_RE.sub(" ", question)))
    return " ".join(re.sub(r"[?.]", " ", text).split())


@dataclass(frozen=True)
class Judged:
    """The figures that decide a judgement: per figure asked, its name and its value in
    each period (earliest first), and what they show."""

    figures: tuple[tuple[str, tuple[tuple[str, LookupResult], ...]], ...]
    findings: tuple[str, ...]  # the direction or the sign, in words, per figure
    judgement: str = ""


def judge(question: str, lookup: FactLookup) -> Judged | None:
    """The figures deciding the judgement `question` asks, found in the document; None
    when it asks none, or the document does not print what decides it (a change needs two
    periods of a figure)."""
    wanted = asked(question)
    if wanted is None:
        return None
    figures, findings = [], []
    for figure in wanted.figures:
        name = figure.name if isinstance(figure, Metric) else figure
        # A metric asked by its first name in the catalogue (the one its definition answers).
        words = (figure.aliases[0] if figure.aliases else figure.asks) if isinstance(figure, Metric) else figure
        periods = _periods(wanted, words, lookup)
        found: list[tuple[str, LookupResult]] = []
        for period in periods:
            # A metric compared across periods is computed alike for each: by its definition.
            result = lookup.by_definition(figure, period) if isinstance(figure, Metric) else None
            if result is None:
                result = lookup.answer(f"What was the {words} in {period}?")
            if result is None or not result.confident:
                continue
            if isinstance(figure, Metric) and unit_kind(result.unit) != unit_kind(figure.unit):
                continue  # another figure the metric's words name ("Total Fixed Income")
            facts = {fact.fact_id for fact in result.facts}
            if any(facts == {fact.fact_id for fact in other.facts} for _, other in found):
                continue  # another period's figure: this period's is not printed
            found.append((period, result))
        needed = 2 if (wanted.change or wanted.history) and not wanted.judgement else 1
        if len(found) < needed:
            continue
        if not isinstance(figure, Metric):
            name = found[0][1].facts[0].label  # a line item as the document names it
        figures.append((name, tuple(found)))
        findings.append(_finding(name, found, wanted))
    if not figures or (not wanted.judgement and len(figures) < len(wanted.figures)):
        return None
    return Judged(tuple(figures), tuple(finding for finding in findings if finding), wanted.judgement)


def _periods(wanted: Asked, name: str, lookup: FactLookup) -> list[str]:
    """The periods to show `name` for, earliest first."""
    periods = list(wanted.periods)
    if not periods:
        latest = lookup.latest_period(name)
        periods = [latest] if latest else []
    if len(periods) == 1:
        years = HISTORY_YEARS if wanted.history else 2 if wanted.change else 1
        while len(periods) < years and year_before(periods[0]):
            periods.insert(0, year_before(periods[0]))
    return lookup.chronological(periods)


def _finding(name: str, found: list[tuple[str, LookupResult]], wanted: Asked) -> str:
    """What the figures show, in words: the change from the first period to the last,
    the spread over them, the sign of the latest."""
    first_period, first = found[0]
    last_period, last = found[-1]
    subject = name[:1].upper() + name[1:]
    points = last.unit in ("%", "points")
    parts = []
    if len(found) > 1 and (wanted.change or wanted.history or wanted.judgement):
        difference = last.value - first.value
        if abs(difference) < 1e-9:
            parts.append(f"{subject} was unchanged from {first_period} to {last_period}")
        else:
            verb = "rose" if difference > 0 else "fell"
            if points:
                by = f"{abs(difference):.1f} points"
            elif first.value:
                by = f"{abs(difference) / abs(first.value) * 100:.1f}%"
            else:
                by = _number(abs(difference))
            parts.append(f"{subject} {verb} by {by} from {first_period} to {last_period}")
        if wanted.history and len(found) > 2:
            values = [result.value for _, result in found]
            spread = max(values) - min(values)
            unit = " points" if points else ""
            parts.append(
                f"over {len(found)} periods it ranged {_number(min(values))} to {_number(max(values))} "
                f"(a spread of {_number(spread)}{unit})"
            )
    if wanted.sign:
        parts.append(
            f"{subject} was {'positive' if last.value > 0 else 'negative' if last.value < 0 else 'zero'} "
            f"in {last_period}"
        )
    return "; ".join(parts) + "." if parts else ""


def _number(value: float) -> str:
    return f"{value:,.1f}" if abs(value) < 1000 else f"{value:,.0f}"
