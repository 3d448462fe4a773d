"""A question as analysts write it: the question itself, and the instructions around it.

"Assume that you are a public equities analyst. Answer the following question by primarily
using information that is shown in the balance sheet: what is the year end FY2018 net PPNE
for 3M? Answer in USD billions." asks "what is the year end FY2018 net PPNE for 3M?"; the
rest says how to answer (the role, the statement to rely on, the scale, the rounding).
Those words are not to be matched against the document: taken as the question's words they
drown its own and an answerable question is refused.

The text is cut into sentences (and at a colon that introduces a question); a sentence is
an instruction when it is written as one: a role to play, a frame ("answer the following
question"), a source to rely on, a unit or a rounding to answer in, a form to write the
answer in ("Please write in string format."). What the instructions
ask for (scale, decimals, statement) is kept; the other sentences are the question, less a
lead-in that names the source ("Per the cash flow statement, what ..." asks "What ...";
the statement is kept, and narrows the figures looked at). When every sentence is an
instruction, the question is the text as written.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

# Sentence ends, and a colon that is followed by the question.
SEGMENT_RE = re.compile(
    r"(?<=[.?!])\s+(?=[A-Z(\"'])|(?<=:)\s+(?=(?:what|how|which|who|when|where|why|is|are|does|do|did)\b)"
    r"|(?<=;)\s+(?=if\b)",
    re.I,
)
# A rounding written as a bare element of a question: "..., %, one decimal", "... (1 dp)?".
# (A unit or a scale written so stays: it says what kind of figure is asked.)
ROUNDING = r"(?:\d|one|two|three|four)\s*(?:decimal(?:\s+places?|s)?|dp)"
ROUNDING_ELEMENT_RE = re.compile(rf"\s*\(\s*{ROUNDING}\s*\)|\s*,\s*{ROUNDING}\b", re.I)
# The source to rely on ("by relying on the details shown in the cash flow statement").
SOURCE_RE = re.compile(
    r"\b(?:using|use|utiliz\w*|rely\w*|bas(?:e|ed|ing)|refer\w*|according|consider\w*|drawing|in\s+agreement|per)\b"
    r"[^.?]{0,80}\b(?:statements?|balance\s+sheets?|p&l)\b",
    re.I,
)
# A clause before the question's interrogative ("Per the balance sheet, what ...").
LEAD_IN_RE = re.compile(
    r"^(?P<lead>[^,?]{0,160}),\s*(?=(?:what|how|which|who|when|where|why|is|are|does|do|did|was|were|has|have|"
    r"can|calculate|compute)\b)",
    re.I,
)
INSTRUCTION_RES = (
    # a role to play
    re.compile(
        r"^(?:please\s+)?(?:assume|imagine|pretend|suppose)\b|\bas if you\s+(?:are|were)\b|^you\s+are\s+an?\b", re.I
    ),
    # the frame around the question, or any sentence about "the question" itself
    re.compile(r"\bthe\s+(?:following\s+)?question\b", re.I),
    re.compile(
        r"^(?:please\s+)?(?:answer|respond\s+to|reply\s+to|give\s+a\s+response\s+to)\s+(?:the|this)\s+(?:following\s+)?question",
        re.I,
    ),
    SOURCE_RE,
    # what to say instead when the question does not apply ("If operating margin is not a
    # useful metric for a company like this, then please state that and explain why.")
    re.compile(r"^if\b[^.?]{0,120}\bnot\s+(?:an?\s+)?(?:useful|relevant|meaningful|applicable|appropriate)\b", re.I),
    # the unit or the rounding to answer in
    re.compile(
        r"^(?:please\s+)?(?:answer|respond|reply|give|provide|express|report|state|present)\b[^.?]{0,40}\bin\s+"
        r"(?:(?:usd|us\$|\$|eur|gbp|jpy|dollars?)\s*)?(?:thousands|millions|billions|percent(?:age)?s?|%|units)\b",
        re.I,
    ),
    re.compile(r"^(?:please\s+)?round\b|\bround(?:ed)?\s+(?:your\s+answer\s+)?to\b", re.I),
    re.compile(rf"^\W*(?:to\s+)?{ROUNDING}\W*$", re.I),  # "One decimal."
    re.compile(
        rf"^\W*(?:in\s+)?(?:percent(?:age)?s?|%)(?:\W+(?:to\s+)?{ROUNDING})?\W*$", re.I
    ),  # "Percent, one decimal."
    # the form to write the answer in ("Please write in string format.", "Answer with a
    # list of two numbers, for example [3000, 4000]", "The output should be a list ...")
    re.compile(
        r"^(?:please\s+)?(?:answer|write|respond|reply|output|give|provide)\b[^.?]{0,60}"
        r"\b(?:format|list|string|float|integer|for\s+example|e\.g\.)"
        r"|^(?:the\s+)?(?:output|answer)\s+(?:should|must)\b",
        re.I,
    ),
)
# A segment that asks: a question mark, or an interrogative opening it (after a lead-in).
# The words a question opens on: an interrogative, an auxiliary, a verb of calculating.
ASKING_WORDS = (
    r"what|how|which|who|when|where|why|is|are|does|do|did|was|were|has|have|"
    r"can|could|should|would|calculate|compute|estimate|determine"
)
ASKING_RE = re.compile(rf"\?|^(?:[^,:]{{0,160}}[,:]\s*)?(?:{ASKING_WORDS})\b", re.I)
# A segment that defines the question's terms ("DPO is defined as: ...", "Define X as ...").
DEFINITION_RE = re.compile(r"\b(?:defined\s+as|define[sd]?\b|is\s+calculated\s+as|is\s+computed\s+as)", re.I)
# A parenthesis that says how to answer, inside the question.
ASIDE_RE = re.compile(r"\((?=[^)]*\b(?:round|units?\s+of|in\s+(?:usd|percent|millions|billions)))[^)]*\)", re.I)
SCALE_RE = re.compile(
    r"\b(?:in\s+(?:(?:usd|us\$|\$|dollars?)\s*)?|(?:usd|us\$)\s*)(thousands|millions|billions)\b", re.I
)
# A percentage asked for: "in units of percents", "as a %", "in percentage terms".
# Or a bare "%" or "Percent" set apart as an element of its own (", % (1 dp)?", "Percent, one decimal").
PERCENT_ASKED_RE = re.compile(
    r"\b(?:in|as)\s+(?:(?:units|terms)\s+of\s+)?(?:an?\s+)?(?:percent(?:age)?s?\b|%)"
    r"|(?:(?<=[,;—–(?])|^)\s*(?:%|percent(?:age)?s?\b)\s*(?=[,;)(?.]|\s*to\s+(?:\d|one|two|three|four)\b|$)",
    re.IGNORECASE,
)
DECIMALS_RE = re.compile(
    r"\b(\d|one|two|three|four)\s*(?:decimal(?:\s+places?|s)?|dp)\b|\bnearest\s+(whole|tenth|hundredth)", re.I
)
DECIMAL_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "whole": 0, "tenth": 1, "hundredth": 2}
STATEMENT_RES = (
    ("cash flow statement", re.compile(r"\bcash\s+flows?\s+statement|\bstatements?\s+of\s+cash\s+flows?", re.I)),
    ("balance sheet", re.compile(r"\bbalance\s+sheets?|\bstatements?\s+of\s+financial\s+position", re.I)),
    (
        "income statement",
        re.compile(r"\bincome\s+statements?|\bstatements?\s+of\s+(?:income|operations|earnings)|\bp&l\b", re.I),
    ),
)


@dataclass(frozen=True)
class Instructions:
    question: str  # the question without the instructions around it
    scale: str | None = None  # "thousand", "million" or "billion" to answer in
    decimals: int | None = None  # decimal places to round to
    statements: tuple[str, ...] = ()  # the statements to rely on, in the order named
    percent: bool = False  # the figure is asked in percent ("in %", "in units of percents")
    instructions: tuple[str, ...] = ()  # the sentences taken out

    @property
    def summary(self) -> str:
        """What the instructions asked for, for the answer's trace ("" when nothing)."""
        parts = [f"rely on the {', '.join(self.statements)}"] if self.statements else []
        if self.scale:
            parts.append(f"answer in {self.scale}s")
        if self.decimals is not None:
            parts.append(f"round to {self.decimals} decimal places")
        return "; ".join(parts)


@functools.lru_cache(maxsize=256)
def read_instructions(text: str) -> Instructions:
    """The question and its instructions (kept for the last questions: an answer reads
    them when it understands the question, looks up its figure and states it)."""
    segments = [segment.strip() for segment in SEGMENT_RE.split(text.strip()) if segment.strip()]
    # A sentence that asks is the question even when it says how to answer too.
    kept = [
        segment
        for segment in segments
        if "?" in segment or not any(pattern.search(segment) for pattern in INSTRUCTION_RES)
    ]
    kept = [_without_asides(segment) if ASKING_RE.search(segment) else _without_format(segment) for segment in kept]
    kept = [_without_lead_in(segment) for segment in kept]
    question = " ".join(segment for segment in kept if segment) or text.strip()
    if PERCENT_ASKED_RE.search(text) and not PERCENT_ASKED_RE.search(question):
        # "(in units of percents and round to one decimal place)": a percentage is asked.
        question = re.sub(r"\s*([?.]?)$", r" in percent\1", question, count=1)
    taken = tuple(segment for segment in segments if segment not in kept and question != text.strip())
    scale = SCALE_RE.search(text)
    decimals = DECIMALS_RE.search(text)
    statements = tuple(name for name, pattern in STATEMENT_RES if pattern.search(text))
    return Instructions(
        question=question,
        scale=scale.group(1).lower().rstrip("s") if scale else None,
        decimals=_decimals(decimals) if decimals else None,
        statements=statements,
        percent=bool(PERCENT_ASKED_RE.search(text)),
        instructions=taken,
    )


def _without_lead_in(segment: str) -> str:
    """ "According to the details outlined in the statement of income, what is ...": the
    question after its lead-in, when the lead-in names the source to rely on (kept as
    `statements`, which narrow the figures looked at)."""
    match = LEAD_IN_RE.match(segment)
    if match is None or not SOURCE_RE.search(match.group("lead")):
        return segment
    rest = segment[match.end() :]
    return rest[:1].upper() + rest[1:]


def _without_asides(segment: str) -> str:
    """ "(in units of percents and round to one decimal place)" out of a question."""
    return _without_format(ASIDE_RE.sub(" ", segment))


def _without_format(segment: str) -> str:
    """ ", one decimal" or "(1 dp)" out of a question."""
    return " ".join(ROUNDING_ELEMENT_RE.sub("", segment).split()).replace(" ?", "?")


def _decimals(match: re.Match[str]) -> int:
    word = (match.group(1) or match.group(2)).lower()
    return int(word) if word.isdigit() else DECIMAL_WORDS[word]
