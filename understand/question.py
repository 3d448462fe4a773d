"""Checks and features of a question: validation, intent, key terms."""

from __future__ import annotations

import re

from ingest.errors import DeckQAError
from ingest.text import tokenize
from understand.terms import QUESTION_FILLER

MAX_QUESTION_CHARS = 1000


class QuestionError(DeckQAError, ValueError):
    """The question cannot be answered as asked (empty, too long)."""


def validate_question(question: str) -> str:
    """The question stripped, or a `QuestionError` saying what is wrong."""
    if not isinstance(question, str):
        raise QuestionError("the question must be text")
    stripped = " ".join(question.split())
    if not stripped:
        raise QuestionError("the question is empty")
    if len(question) > MAX_QUESTION_CHARS:
        raise QuestionError(f"the question is {len(question)} characters; the limit is {MAX_QUESTION_CHARS}")
    return stripped


LIST_INTENT_RE = re.compile(
    r"^\s*(what\s+(are|were)|which|list|name|explain|describe|summari[sz]e|outline|how\s+(does|do|is|will)|"
    r"why|tell me about|what\s+is\s+(iij'?s\s+)?(the\s+)?\w+\s+(model|strategy|strategies)|give)\b",
    re.IGNORECASE,
)
PLURAL_HINTS = (
    "advantages", "strategies", "reasons", "risks", "points", "features", "highlights",
    "factors", "drivers", "plans", "model", "developments", "services", "differentiation",
    "competitors", "trends", "cases", "examples", "customers", "subsidiaries",
)  # fmt: skip

# Words that say little about which passage answers: they occur all over the deck.
GENERIC_TERMS = QUESTION_FILLER | frozenset({"iij", "iij's", "business"})


def wants_list(question: str) -> bool:
    lowered = question.lower()
    return bool(LIST_INTENT_RE.search(question)) or any(hint in lowered for hint in PLURAL_HINTS)


def key_terms(question: str) -> list[str]:
    """Content tokens of the question that are specific enough to look for."""
    return [token for token in tokenize(question) if token not in GENERIC_TERMS]
