"""Tokenising shared by the BM25 index (ingest) and keyword matching (retriever)."""

from __future__ import annotations

import functools
import re

TOKEN_RE = re.compile(r"[a-z0-9]+(?:[.,][0-9]+)*", re.IGNORECASE)
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "did",
        "do",
        "does",
        "for",
        "from",
        "has",
        "have",
        "how",
        "i",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "our",
        "so",
        "than",
        "that",
        "the",
        "their",
        "them",
        "there",
        "these",
        "this",
        "those",
        "to",
        "was",
        "were",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "will",
        "with",
        "you",
        "your",
        "about",
        "can",
        "could",
        "please",
        "tell",
        "me",
        "show",
        "give",
        "explain",
        "describe",
        "much",
        "many",
    ]
)


def tokenize(text: str) -> list[str]:
    """Lower-case word tokens without stopwords; "Acme's" -> "acme"; "1,066" -> "1066"."""
    tokens = []
    for match in TOKEN_RE.finditer(text.lower().replace("'s", "")):
        token = match.group(0).replace(",", "")
        if token not in STOPWORDS:
            tokens.append(token)
    return tokens


@functools.lru_cache(maxsize=65_536)
def stem(word: str) -> str:
    """A crude suffix stripper: "estimated", "estimates" -> "estimat"; "inventories",
    "inventory" -> "inventor"."""
    if word.endswith("ies") and len(word) >= 6:
        word = word[:-3] + "y"
    if word.endswith("y") and len(word) >= 6:
        return word[:-1]
    for suffix in ("ations", "ation", "ions", "ion", "ings", "ing", "ed", "es", "s", "e"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word
