"""Tokenising shared by the BM25 index (ingest) and keyword matching (retriever)."""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ingest.records import Chunk

# A paragraph longer than this many words is read sentence by sentence.
SPLIT_WORDS = 25
# A sentence ends at ".", "!" or "?" before a capital or a figure, unless the word before
# is an abbreviation ("approx.", "Inc.", "U.S.").
SENTENCE_END_RE = re.compile(r"(?<=[.!?])\s+(?=[\"“(]?[A-Z0-9$])")
ABBREVIATION_RE = re.compile(
    r"(?:\b[A-Za-z]|\b(?:approx|inc|co|corp|ltd|no|nos|vs|etc|mr|mrs|ms|dr|st|jr|fig|e\.g|i\.e|u\.s|"
    r"jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec))\.$",
    re.IGNORECASE,
)
TOKEN_RE = re.compile(r"[a-z0-9]+(?:[.,][0-9]+)*", re.IGNORECASE)
# Initials with full stops ("U.S.", "U.K.") are one word, as printed without them ("US").
DOTTED_RE = re.compile(r"\b[A-Za-z](?:\.[A-Za-z])+\.?(?![A-Za-z])")
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


def undotted(text: str) -> str:
    """`text` with initials written without their full stops: "U.S. sales" -> "US sales"."""
    return DOTTED_RE.sub(lambda match: match.group(0).replace(".", ""), text) if "." in text else text


def tokenize(text: str) -> list[str]:
    """Lower-case word tokens without stopwords; "Acme's" -> "acme"; "1,066" -> "1066"."""
    tokens = []
    for match in TOKEN_RE.finditer(undotted(text).lower().replace("'s", "")):
        token = match.group(0).replace(",", "")
        if token not in STOPWORDS:
            tokens.append(token)
    return tokens


@functools.cache
def model_words() -> frozenset[str]:
    """The whole words of the bundled embedding model's vocabulary (empty without it): what
    counts as a word of the language, not an abbreviation."""
    try:
        from ingest.embedding import default_model_path

        lines = (default_model_path() / "vocab.txt").read_text(encoding="utf-8").splitlines()
    except (ImportError, OSError):
        return frozenset()
    return frozenset(line for line in lines if line.isalpha())


# An abbreviation has at most this many letters and at most half those of its word.
ABBREVIATION_LETTERS = 5


def may_abbreviate(token: str) -> bool:
    """Whether `token` could be an abbreviation: a few letters that are no word of the
    model's vocabulary ("intl", "ww", "mgmt"; not "in", "us")."""
    return 2 <= len(token) <= ABBREVIATION_LETTERS and token.isalpha() and token not in model_words()


@functools.lru_cache(maxsize=65_536)
def abbreviates(token: str, word: str) -> bool:
    """Whether `token` abbreviates `word`: it may be an abbreviation, starts with the same
    letter and its letters appear in the word in order ("intl" -> "international",
    "ww" -> "worldwide")."""
    if len(word) < 2 * len(token) or not token or token[0] != word[0] or not may_abbreviate(token):
        return False
    letters = iter(word)
    return all(letter in letters for letter in token)


@functools.lru_cache(maxsize=65_536)
def root(word: str) -> str:
    """`stem`, with an irregular verb form first taken back to its verb ("chosen",
    "chose" -> "choose"; "grew", "grown" -> "grow"): how the composer matches a
    question's words with a passage's. (The figure ranker's weights are fitted on
    `stem`'s matches.)"""
    return stem(irregular_verb(word) or word)


def irregular_verb(word: str) -> str:
    """The verb `word` is an irregular form of, by the lemmatizer's dictionary of English
    ("chosen" -> "choose"); "" for a regular form ("buying") or no verb."""
    from lemminflect import getAllLemmas

    lemmas = getAllLemmas(word, upos="VERB").get("VERB", ())
    if not lemmas or lemmas[0] == word:
        return ""
    lemma = lemmas[0]
    regular = {lemma + end for end in ("s", "es", "d", "ed", "ing", lemma[-1] + "ed", lemma[-1] + "ing")}
    regular |= {lemma[:-1] + end for end in ("ing", "ies", "ied")}
    return "" if word in regular else lemma


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


def sentences(text: str) -> list[str]:
    """`text` cut into sentences (abbreviations such as "approx." do not end one)."""
    pieces: list[str] = []
    for piece in SENTENCE_END_RE.split(text):
        if pieces and ABBREVIATION_RE.search(pieces[-1]):
            pieces[-1] = f"{pieces[-1]} {piece}"
        else:
            pieces.append(piece)
    return [piece.strip() for piece in pieces if piece.strip()]


def passage_sentences(chunk: Chunk) -> list[str]:
    """The sentences of a paragraph or bullet longer than SPLIT_WORDS words; [] for a
    shorter passage or another kind (a table row, a heading)."""
    if chunk.kind not in ("text", "bullet") or len(chunk.text.split()) <= SPLIT_WORDS:
        return []
    return sentences(chunk.text)
