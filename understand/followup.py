"""Rewrite a follow-up ("and for FY15?", "what about its competitors?") into a
standalone question using the conversation history. Rule-based; the LLM answerer
does its own rewriting when configured."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from ingest.numbers import PERIOD_RE, find_periods
from understand.question import key_terms
from understand.terms import METRIC_WORDS, TARGET_RE

LEAD_IN_RE = re.compile(
    r"^\s*(and|also|ok|okay|so|then)?\s*(what about|how about|and for|and in|and at|and|same for|for|in|at)\s+",
    re.IGNORECASE,
)
PRONOUN_RE = re.compile(r"\b(its|their|it|they|them|that|those|this|these)\b", re.IGNORECASE)
# "after three quarters", "in the first two quarters": the year to date of the previous
# question's fiscal year.
ELAPSED_RE = re.compile(r"\b(?:after|in|for|during|over) (?:the )?(?:first )?(two|three|2|3) quarters\b", re.I)
ACHIEVED_RE = re.compile(r"\b(achiev\w*|actual\w*|results?|reached|delivered|made)\b", re.I)
# How many words of the previous question make the subject a pronoun stands for.
TOPIC_WORDS = 1
# A question this short (in key terms) leans on the conversation for its subject.
SHORT_FOLLOWUP_TERMS = 3


def previous_question(history: Sequence[Any] | None) -> str:
    """The last user turn in `history` (dicts with role/content, or objects with those attributes)."""
    for turn in reversed(list(history or [])):
        role = turn.get("role") if isinstance(turn, Mapping) else getattr(turn, "role", None)
        content = turn.get("content") if isinstance(turn, Mapping) else getattr(turn, "content", None)
        if role == "user" and isinstance(content, str) and content.strip():
            return content.strip()
    return ""


def rewrite_followup(question: str, history: Sequence[Any] | None) -> tuple[str, str]:
    """(standalone question, why it was rewritten or "")."""
    previous = previous_question(history)
    if not previous:
        return question, ""
    new_periods = find_periods(question)
    old_periods = find_periods(previous)
    focus = LEAD_IN_RE.sub("", question).strip().rstrip("?").strip()
    focus_without_periods = " ".join(PERIOD_RE.sub(" ", focus).split())
    is_lead_in = bool(LEAD_IN_RE.match(question))
    has_pronoun = bool(PRONOUN_RE.search(question))
    short = len(key_terms(question)) <= SHORT_FOLLOWUP_TERMS
    if not (is_lead_in or (has_pronoun and short)):
        return question, ""
    elapsed = ELAPSED_RE.search(question)
    fiscal_years = [p for p in old_periods if re.fullmatch(r"FY\d\d", p)]
    if elapsed and fiscal_years and not new_periods:
        # "and how much had they achieved after three quarters?" after "What is the FY16
        # operating income target?": the year to date of that fiscal year, as a result.
        quarters = {"two": 2, "2": 2, "three": 3, "3": 3}[elapsed.group(1).lower()]
        period = f"1Q-{quarters}Q{fiscal_years[0][2:]}"
        rewritten = _replace_periods(previous, old_periods, [period])
        if ACHIEVED_RE.search(question):
            rewritten = " ".join(TARGET_RE.sub(" ", rewritten).split()).replace(" ?", "?")
        return rewritten, f"period taken from the follow-up ({fiscal_years[0]} -> {period})"
    if new_periods and old_periods and len(key_terms(focus_without_periods)) == 0:
        rewritten = _replace_periods(previous, old_periods, new_periods)
        return rewritten, f"period swapped in the previous question ({old_periods[0]} -> {new_periods[0]})"
    if new_periods and not old_periods and not key_terms(focus_without_periods):
        rewritten = f"{previous.rstrip('?')} in {new_periods[0]}?"
        return rewritten, f"period added to the previous question ({new_periods[0]})"
    swapped = _swap_subject(previous, focus_without_periods) if is_lead_in and not has_pronoun else ""
    if swapped:
        # "and for MVNO?" after "What is the FY20 cloud business revenue target?"
        return swapped, f"subject swapped in the previous question ({focus_without_periods})"
    if old_periods and not new_periods and key_terms(focus_without_periods) and not has_pronoun:
        # "what about net income?" after "What was operating income in 1Q-3Q16?"
        rewritten = f"What about {focus} in {old_periods[0]}?"
        return rewritten, f"period taken from the previous question ({old_periods[0]})"
    topic = _topic(previous, exclude=set(key_terms(question)))
    if has_pronoun and topic:
        rewritten = PRONOUN_RE.sub(topic, focus, count=1)
    else:
        rewritten = f"{focus} of {topic}" if topic else focus
    rewritten = f"What about {rewritten}?" if is_lead_in else f"{rewritten}?"
    return rewritten, f"subject taken from the previous question ({topic})"


def _swap_subject(previous: str, focus: str) -> str:
    """The previous question with its subject (first key term that is no measure) replaced
    by `focus`, or "" when `focus` names a measure or the previous question has no subject."""
    focus_terms = key_terms(focus)
    if not focus_terms or any(term in METRIC_WORDS for term in focus_terms) or len(focus_terms) > 3:
        return ""
    words = re.findall(r"[\w&/'-]+", previous)

    def is_subject(word: str) -> bool:
        terms = key_terms(word)
        return bool(terms) and not find_periods(word) and terms[0] not in METRIC_WORDS | {"business"}

    for start, word in enumerate(words):
        if not is_subject(word):
            continue
        end = start + 1
        while end < len(words) and is_subject(words[end]):
            end += 1
        # "the company America" -> "the company Europe", not "the company the company Europe".
        lead = [word.lower() for word in focus.split()]
        for shared in (2, 1):
            if start >= shared and [word.lower() for word in words[start - shared : start]] == lead[:shared]:
                start -= shared
                break
        if any(term in focus_terms for term in key_terms(" ".join(words[start:end]))):
            return ""
        phrase = r"\W+".join(re.escape(w) for w in words[start:end])
        return re.sub(rf"\b{phrase}\b", focus, previous, count=1)
    return ""


def _replace_periods(text: str, old: list[str], new: list[str]) -> str:
    replacement = new[0]
    replaced = PERIOD_RE.sub(
        lambda match: replacement if find_periods(match.group(0)) else match.group(0), text, count=1
    )
    return replaced


def _topic(previous: str, exclude: set[str]) -> str:
    """The subject of the previous question: its first key term, the thing it was about
    ("cloud" in "What are the company's cloud competitive advantages?"), not what it asked."""
    terms = [term for term in key_terms(previous) if term not in exclude]
    words = previous.rstrip("?").split()
    kept = [word for word in words if key_terms(word) and key_terms(word)[0] in terms]
    phrase = " ".join(kept[:TOPIC_WORDS])
    return f"the company's {phrase}" if phrase and "the company" in previous.lower() else phrase
