"""Check an LLM's answer against the slides it was given, before anyone sees it.

An answer passes when it cites at least one slide, cites only retrieved slides, and
every figure and period it states is printed on a slide it cites (or in the question).
Pure functions over text; the evidence is gathered by `llm.answerer`.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

from ingest.numbers import SCALES, Figure, find_figures, find_periods, split_unit

CITATION_RE = re.compile(r"\[Slide (\d+)\]")
# "[Slide 3, 5]", "[Slides 3 and 5]", "[slide 3]": models vary the marker; the UI links only "[Slide N]".
LOOSE_CITATION_RE = re.compile(
    r"\[\s*slides?\s+(\d+(?:\s*(?:,|;|&|and)\s*(?:slide\s+)?\d+)*)\s*\]",
    re.IGNORECASE,
)
# "1. " / "2) " at the start of a line numbers a markdown list; it is not a figure.
LIST_MARKER_RE = re.compile(r"^(\s*)\d+[.)]\s+", re.MULTILINE)
# Reasoning models (served by Ollama or llama.cpp) may print their thinking first.
THINKING_RE = re.compile(r"<think>.*?</think>", re.DOTALL | re.IGNORECASE)
# Two printed figures are the same number when they agree to this relative precision
# (float noise after unit conversion, not rounding: rounding needs a qualifier, below).
SAME_NUMBER = 1e-9
# A figure the answer marks as approximate may be the slide's figure rounded.
APPROXIMATE_QUALIFIERS = frozenset({"approx", "approx.", "approximately", "about", "around", "almost"})


@dataclass(frozen=True)
class SlideEvidence:
    """What one retrieved slide states: its text, and its figures as (value, unit)
    (from the text and from the index's facts, which know a table's unit)."""

    slide: int
    text: str
    figures: tuple[tuple[float, str], ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    reason: str
    cited: tuple[int, ...] = ()


def clean_answer(text: str) -> str:
    """The model's text with thinking removed and citation markers in the "[Slide N]" form."""
    without_thinking = THINKING_RE.sub("", text).strip()

    def split_markers(match: re.Match[str]) -> str:
        numbers = re.findall(r"\d+", match.group(1))
        return " ".join(f"[Slide {number}]" for number in numbers)

    return LOOSE_CITATION_RE.sub(split_markers, without_thinking)


def cited_slides(text: str) -> tuple[int, ...]:
    """Slide numbers cited in `text`, in order of first citation, without repeats."""
    return tuple(dict.fromkeys(int(number) for number in CITATION_RE.findall(text)))


def check_answer(
    text: str, retrieved: Collection[int], evidence: Mapping[int, SlideEvidence], question: str
) -> CheckResult:
    """Whether `text` (already `clean_answer`ed) may be shown. `retrieved` are the slides
    the model was given; `question` may supply figures and periods of its own."""
    cited = cited_slides(text)
    if not cited:
        return CheckResult(False, "the answer cites no slide")
    foreign = [slide for slide in cited if slide not in retrieved]
    if foreign:
        listing = ", ".join(str(slide) for slide in sorted(retrieved))
        return CheckResult(False, f"the answer cites Slide {foreign[0]}, which was not retrieved ({listing})", cited)
    cited_evidence = [evidence[slide] for slide in cited if slide in evidence]
    cited_text = "\n".join(item.text for item in cited_evidence)
    claims = _prose(text)
    known_periods = set(find_periods(cited_text)) | set(find_periods(question))
    for period in find_periods(claims):
        if period not in known_periods:
            return CheckResult(False, f"the answer states the period {period}, which no cited slide states", cited)
    known_figures = [figure for item in cited_evidence for figure in item.figures]
    known_figures += [(figure.value, figure.unit) for figure in find_figures(question)]
    for figure in find_figures(claims):
        if not _figure_supported(figure, known_figures, cited_text + "\n" + question):
            return CheckResult(False, f'the answer states "{figure.raw}", which no cited slide states', cited)
    return CheckResult(True, "cites retrieved slides; every figure is on a cited slide", cited)


def evidence_figures(text: str, facts: Iterable[tuple[float, str]] = ()) -> tuple[tuple[float, str], ...]:
    """The figures of a slide: those printed in `text`, plus `facts` (value, unit)."""
    return tuple((figure.value, figure.unit) for figure in find_figures(text)) + tuple(facts)


def _prose(text: str) -> str:
    """The answer without citation markers and list numbering, which are not claims."""
    return LIST_MARKER_RE.sub(r"\1", CITATION_RE.sub(" ", text))


def _figure_supported(figure: Figure, known: list[tuple[float, str]], known_text: str) -> bool:
    if figure.unit == "year":
        return _year_supported(int(figure.value), known_text)
    approximate = figure.qualifier in APPROXIMATE_QUALIFIERS
    decimals = _decimals(figure.raw)
    for value, unit in known:
        for candidate in _in_unit_of(value, unit, figure.unit):
            if _same(abs(candidate), abs(figure.value)):
                return True
            # Rounded to the answer's last digit: within half a unit of it.
            if approximate and abs(abs(candidate) - abs(figure.value)) <= 0.5 * 10**-decimals + SAME_NUMBER:
                return True
    return False


def _in_unit_of(value: float, unit: str, target: str) -> list[float]:
    """`value` as printed, and converted to `target`'s scale when the kinds agree or
    one side states no kind ("2,036" in a "JPY million" table, "JPY2,036 million")."""
    candidates = [value]
    kind, scale = split_unit(unit)
    target_kind, target_scale = split_unit(target)
    if scale != target_scale and (kind == target_kind or "count" in (kind, target_kind)):
        candidates.append(value * SCALES.get(scale, 1.0) / SCALES.get(target_scale, 1.0))
    return candidates


def _year_supported(year: int, known_text: str) -> bool:
    """A year is supported if printed ("2016", "FY2016") or named by a period ("FY16")."""
    if str(year) in known_text:
        return True
    short = f"{year % 100:02d}"
    return any(period.endswith((short, f"{short}-end")) or str(year) in period for period in find_periods(known_text))


def _decimals(raw: str) -> int:
    number = re.search(r"\d[\d,]*(?:\.(\d+))?", raw)
    return len(number.group(1)) if number and number.group(1) else 0


def _same(first: float, second: float) -> bool:
    return abs(first - second) <= SAME_NUMBER * max(abs(first), abs(second), 1.0)
