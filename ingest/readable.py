"""Whether a passage reads as text. OCR of a picture leaves the letters of a logo, bits of
a chart and broken words ("e fa st er s e r v", "Wé#H", "iHL»>") among the lines it
reads well; they are no answer, and an answer made of them is a fragment.

A word reads as a word when English knows it (the lemmatizer's dictionary, or a whole
word of the embedding model's vocabulary), or when it is written as a name ("Sofinnova")
or an acronym ("EMV"). Figures and punctuation are neither. A passage reads as text
when it holds an English word of `ANCHOR_WORD` letters or more (or two known words of
`MIN_WORD` or more: names, acronyms) and at most `MAX_UNKNOWN` of its words are unknown.
"""

from __future__ import annotations

import functools
import itertools
import re

from lemminflect import getAllLemmas

from ingest.text import model_words

MIN_WORD = 3
# A passage reads as text around an English word at least this long ("the" is not one).
ANCHOR_WORD = 4
MAX_UNKNOWN = 0.34
# An answer needs this many readable words to be more than a fragment.
PHRASE_WORDS = 3
# Letters OCR leaves around a word (quotes, bullets, bars) that are not part of it.
EDGES = " \t\"'“”‘’`*•·|»«()[]{}<>,.;:!?…–—-_/\\~^"
POSSESSIVE_RE = re.compile(r"['’]s$")
PARTS_RE = re.compile(r"[-/&'’.]")
MAX_CAPITALS = 12
VOWEL_RE = re.compile(r"[AEIOUY]")
MARKER_RE = re.compile(r"\[(?:Slide|Page) \d+\]|\*\*")


@functools.cache
def _english(word: str) -> bool:
    """`word` (lower case) is an English word: one of MIN_WORD letters or more in either
    dictionary, or one of the few shorter words."""
    if len(word) >= MIN_WORD:
        return bool(getAllLemmas(word)) or word in model_words()
    return word in SHORT_WORDS


# Words of one and two letters that are words. OCR breaks longer words into pieces of this
# size ("fa st er"), so only these count.
SHORT_WORDS = frozenset({"a", "i", "am", "an", "as", "at", "be", "by", "do", "go", "he", "if", "in", "is", "it", "me", "my", "no", "of", "on", "or", "so", "to", "up", "us", "we"})  # fmt: skip


def word_known(token: str) -> bool | None:
    """Whether `token` (as split on spaces) reads as a word; None when it holds no letter
    (a figure, punctuation)."""
    core = POSSESSIVE_RE.sub("", token.strip(EDGES))
    if not any(char.isalpha() for char in core) or any(char.isdigit() for char in core):
        return None  # a figure, a period, a code ("4Q22", "8-car")
    if _english(core.lower()):
        return True  # "wi-fi", "e-mail"
    parts = [part for part in PARTS_RE.split(core) if part]
    if len(parts) > 1 and all(part.isupper() for part in parts) and len("".join(parts)) >= MIN_WORD:
        return True  # "AT&T", "EMR/EHR"
    for part in parts:
        if not part.isalpha() or (not part.isascii() and not _latin(part)):
            return False
        if _english(part.lower()):
            continue
        if (
            part.isupper()
            and 2 <= len(part) <= MAX_CAPITALS
            and len(set(part)) > 1
            and (len(part) <= 4 or VOWEL_RE.search(part))
        ):
            continue  # an acronym or a name in capitals ("OO", "TT" are OCR's reading of a shape)
        if len(part) >= MIN_WORD and part[0].isupper() and part[1:].islower():
            continue  # a name
        if (
            len(part) >= MIN_WORD + 1
            and part[0].isupper()
            and any(c.isupper() for c in part[1:])
            and part[-1].islower()
        ):
            continue  # a name with an inner capital ("KitKat", "LinkedIn")
        return False
    return True


def _latin(part: str) -> bool:
    """Letters of a Latin alphabet with accents ("Tiếng", "Café"), not symbols."""
    import unicodedata

    return all(unicodedata.name(char, "").startswith("LATIN") for char in part)


# OCR reads letter-spaced type ("f a s t e r  s e r v i c e") as a run of this many
# letters and pairs or more.
SPACED_RUN = 4
SPACED_RUN_RE = re.compile(rf"(?<![\w-])[A-Za-z]{{1,2}}(?:\s+[A-Za-z]{{1,2}}){{{SPACED_RUN - 1},}}(?![\w-])")


# A year in letter-spaced type, read digit by digit ("2 0 1 4").
SPACED_YEAR_RE = re.compile(r"(?<!\d )(?<![\w.,$/-])(1 9|2 0) (\d) (\d)(?![\w.,%/-]| \d\b)")


# A word's first letter set apart ("r eporting" for "reporting"): a lone lowercase letter
# that is no word ("a" and "i" are), before letters that spell a word of LONE_LETTER_WORD
# letters or more with it and none alone ("y en", "o de" are Spanish; "b and" a label).
LONE_LETTER_WORD = 5
LONE_LETTER_RE = re.compile(r"(?<![\w'’.&/-])([b-hj-z]) ([a-z]{2,})(?=[-\s,.;:!?)]|$)")


def _lone_letter(found: re.Match[str]) -> str:
    """The letter joined to the word it starts, where the rest alone is no word ("p rimarily";
    not "b and", a label and a word)."""
    joined = found.group(1) + found.group(2)
    whole = len(joined) >= LONE_LETTER_WORD and _english(joined) and not _english(found.group(2))
    return joined if whole else found.group()


# Digits OCR reads as letters or bars ("'II" for "'11", "’| |" for "’11").
DIGITS_READ_AS_LETTERS = str.maketrans({"|": "1", "l": "1", "I": "1", "O": "0"})
# A year shortened after an apostrophe, its digits read as bars or letters, a space between
# ("in ’| |" for "in ’11").
BARRED_YEAR_RE = re.compile(r"(?<=\s)(['‘’])\s?([|lIO0-9])\s?([|lIO0-9])(?=\s*$|\s*[,.;:)])")


def rejoined(text: str) -> str:
    """`text` with each run of letters OCR read apart from letter-spaced type rejoined
    into the English words they spell ("fa st er s e r v i c e" -> "faster service"): a
    run of SPACED_RUN pieces or more, at most half of them words ("it is in a" stays),
    spelling words all (the fewest that do; a run that spells none stays as read); a year
    read digit by digit joined ("2 0 1 4" -> "2014"), and a word's first letter read apart
    put back ("c onsisting of" -> "consisting of"), and a year shortened after an apostrophe
    read as bars put back ("$468M in ’| |" -> "$468M in ’11")."""
    text = SPACED_YEAR_RE.sub(lambda found: "".join(found.groups()).replace(" ", ""), text)
    text = LONE_LETTER_RE.sub(_lone_letter, text)
    text = BARRED_YEAR_RE.sub(
        lambda found: found.group(1) + (found.group(2) + found.group(3)).translate(DIGITS_READ_AS_LETTERS), text
    )

    def join(match: re.Match[str]) -> str:
        pieces = match.group().split()
        if sum(piece.lower() in SHORT_WORDS for piece in pieces) * 2 > len(pieces):
            return match.group()
        words = _spelled(match.group().replace(" ", "").replace("\n", "").replace("\t", ""))
        return " ".join(words) if words else match.group()

    return SPACED_RUN_RE.sub(join, text)


def _spelled(letters: str) -> list[str] | None:
    """`letters` split into the fewest English words (of MIN_WORD letters or more, or a
    two-letter word), or None."""
    lowered = letters.lower()
    best: list[list[int] | None] = [None] * (len(letters) + 1)
    best[0] = []
    for end in range(1, len(letters) + 1):
        for start in range(max(0, end - 20), end):
            before = best[start]
            if before is None or (best[end] is not None and len(before) + 1 >= len(best[end])):
                continue
            word = lowered[start:end]
            if (len(word) >= MIN_WORD and _english(word)) or (len(word) == 2 and word in SHORT_WORDS):
                best[end] = [*before, start]
    if best[-1] is None:
        return None
    starts = [*best[-1], len(letters)]
    return [letters[a:b] for a, b in itertools.pairwise(starts)]


def readable(text: str) -> bool:
    """Whether `text` reads as text (see the module's docstring): an English word of
    MIN_WORD letters or two known words, and few unknown ones."""
    tokens = MARKER_RE.sub(" ", text).split()
    known = [(token.strip(EDGES), word_known(token)) for token in tokens]
    words = [flag for _, flag in known if flag is not None]
    if not words or words.count(False) > MAX_UNKNOWN * len(words):
        return False
    english = any(flag and len(core) >= ANCHOR_WORD and _english(core.lower()) for core, flag in known)
    several = sum(len(part) >= MIN_WORD for core, flag in known if flag for part in PARTS_RE.split(core)) >= 2
    return english or several


def readable_words(text: str) -> int:
    """How many words of `text` read as words."""
    return sum(1 for token in MARKER_RE.sub(" ", text).split() if word_known(token))


def is_fragment(text: str) -> bool:
    """An answer shorter than a phrase, or one no line of which reads as text."""
    lines = [line for line in text.splitlines() if line.strip()]
    return readable_words(text) < PHRASE_WORDS or not any(readable(line) for line in lines)


def answer_is_fragment(text: str, refused: bool, figure: bool) -> bool:
    """Whether an answer is no answer: empty, shorter than a phrase, or made of what does
    not read as text. A refusal says what it says; a figure is an answer when the line
    stating it reads as text ("132,000 employees")."""
    if refused:
        return False
    if figure:
        return not any(readable(line) for line in text.splitlines() if line.strip())
    return is_fragment(text)
