"""Words in a question that do not help find the passage that answers it."""

from __future__ import annotations

from ingest.text import tokenize

# Question words and fillers: "what does the deck say about ...".
QUESTION_FILLER = frozenset(
    [
        "company",
        "deck",
        "slide",
        "slides",
        "presentation",
        "say",
        "says",
        "said",
        "does",
        "mention",
        "mentioned",
        "according",
        "main",
        "key",
        "tell",
        "give",
    ]
)
# Corporate suffixes that never distinguish one passage from another.
_NAME_SUFFIXES = frozenset(["inc", "co", "ltd", "limited", "corp", "corporation", "corporate", "overview"])


def deck_name_terms(deck_title: str) -> frozenset[str]:
    """The company's own name, taken from the deck title ("Internet Initiative Japan Inc.
    Corporate Overview" -> iij, internet, initiative, japan, ...): it is on every slide."""
    words = [word for word in deck_title.replace(",", " ").split() if word[:1].isupper()]
    name_words = []
    for word in words:
        token = word.lower().strip(".")
        if token in _NAME_SUFFIXES:
            break
        name_words.append(token)
    acronym = "".join(word[0] for word in name_words)
    terms = set(tokenize(" ".join(name_words))) | set(_NAME_SUFFIXES)
    if len(acronym) >= 2:
        terms.add(acronym)
    return frozenset(terms)
