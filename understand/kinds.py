"""What kind of explanation a question asks for, and which sentences give that kind.

The kinds are English grammar, not any document's vocabulary: "why" and "what drove"
ask for causes; "who" and "which companies" for names; "how does" for means; "what
is X" for a definition. The composer prefers sentences that answer in the asked way
("driven by", "due to" for a cause), and the router sends a cause question to the
text even when it names a figure ("What caused revenue to fall in Q4?").
"""

from __future__ import annotations

import re
from typing import Literal

Kind = Literal["cause", "who", "how", "steps", "definition", "said", "event", "other"]
# Kinds answered in sentences (causes, means, definitions, what was said, what happened) rather than in
# figures or names.
EXPLANATIONS: frozenset[Kind] = frozenset({"cause", "how", "steps", "definition", "said", "event"})

CAUSE_QUESTION_RE = re.compile(
    r"^\s*why\b|\bwhat\s+(?:[\w-]+\s+){0,2}(drove|drives|driven|caused|causes|led to|leads to|explains?|"
    r"affected|affects|offset|was behind|is behind|contributed)\b|\b(reasons?|drivers?|factors?)\b|"
    r"\bwhich\b.*\b(drove|drive|caused|offset|affected|contributed)\b|"
    # "What pushed the gross profit rate lower?": a verb moving something up or down.
    r"^\s*what\s+\w+ed\s+(?:[\w&'’-]+\s+){1,8}(?:lower|higher|down|up)\b",
    re.IGNORECASE,
)
WHO_QUESTION_RE = re.compile(
    r"^\s*(who|whom)\b|\bwith whom\b|\bcompet(e|es|ing|itors?)\b|"
    r"\bwhich\s+(companies|firms|customers|clients|partners|shareholders|subsidiaries)\b",
    re.IGNORECASE,
)
# "What happened with X?", "What did the company announce?", "What did it agree with X?":
# events, told in sentences.
EVENT_QUESTION_RE = re.compile(
    r"\bwhat\s+(?:has\s+)?happened\b|^\s*(?:what|which)\b.*\b(?:announce[ds]?|launch(?:ed|es)?|unveil(?:ed|s)?)\b"
    r"|^\s*what\s+(?:did|does|has|have|will)\b.*\b(?:agree[ds]?|sign(?:ed|s)?|settle[ds]?)\b",
    re.IGNORECASE,
)
# (Not inside a compound: "say-on-pay" is a vote.)
SAID_QUESTION_RE = re.compile(
    r"(?<![\w-])(say|said|says|characteri[sz]e\w*|comment\w*|quoted?)(?![\w-])", re.IGNORECASE
)
HOW_QUESTION_RE = re.compile(
    r"^\s*how\s+(does|do|did|is|are|was|were|will|can|could)\b|\bin how\b|\bhow\s+\w+\s+(is|are)\s+\w+ed\b",
    re.IGNORECASE,
)
# "What does becoming X involve?", "What is the plan for X?", "What steps ...": what is
# to be done.
STEPS_QUESTION_RE = re.compile(
    r"\b(?:involv(?:e[sd]?|ing)|entail(?:s|ed)?|requir(?:e[sd]?|ing)|steps?|the\s+plans?\s+(?:for|to)|roadmap)\b",
    re.IGNORECASE,
)
DEFINITION_QUESTION_RE = re.compile(
    r"^\s*(what|who)\s+(is|are)\s+(an?\s+|the\s+)?(?P<subject>[^?,]{1,40}?)\s*\??\s*$"
    r"|^\s*define\b|\bwhat does\b.*\b(mean|stand for)\b|\bused (for|to)\b|\bdefined\b|\bdefinition\b",
    re.IGNORECASE,
)
DEFINES_RE = re.compile(r"\bdefin(?:e|es|ed)\b|\bdefinition\b", re.IGNORECASE)
# A question that asks how things compare ("how do they compare", "stack up against",
# "differentiate from", "competitors"), and a heading that sets one side against another
# ("Competitors", "Differentiation points"): the grammar of comparison.
COMPARE_QUESTION_RE = re.compile(
    r"\bcompar(?:e|es|ed|ing|ison)\b|\bversus\b|\bvs\b|\bstacks? up\b|\bdifferentiat\w*|\bdiffers? from\b|"
    r"\bcompetitors?\b|\bcompetes?\b|\bcompetition\b",
    re.IGNORECASE,
)
COMPARISON_HEADING_RE = re.compile(
    r"\bcompetitors?\b|\bcompetition\b|\bdifferentiat\w*|\bcomparison\b|\bversus\b|\bvs\b", re.IGNORECASE
)
# A question about the document as a whole: "What topics does the presentation cover?",
# "What is on the agenda?", "Which sections does the report have?".
CONTENTS_QUESTION_RE = re.compile(
    r"\b(?:topics?|agenda|contents|outline|sections?|chapters?)\b"
    r"(?=.*\b(?:cover|covers|covered|include|includes|presentation|deck|document|report|release|filing)\b)"
    r"|\b(?:table of contents|agenda)\b",
    re.IGNORECASE,
)
# "What changed in how ... is calculated", "explain how ...": a how-clause inside the question.
EMBEDDED_HOW_RE = re.compile(r"\b(in|explain|describe)\s+how\b(?!\s+(much|many)\b)", re.IGNORECASE)
WHAT_IS_RE = re.compile(r"\bwhat['’]?s\b", re.IGNORECASE)
# A question asking for an amount: "how many", and "what share of" the people who said
# something ("What share of execs said ...?" asks for the share, not what they said).
HOW_MUCH_RE = re.compile(
    r"\bhow (much|many|big|large|high|low|fast)\b|^\s*what\s+(?:%|(share|percentage|proportion|fraction|percent)(?:\s+of)?\b)",
    re.IGNORECASE,
)

# Sentence cues for each kind: the grammar of an answer of that kind.
CAUSE_CUE_RE = re.compile(
    r"\b(due to|driven by|drive[ns]?|because|as a result|result(?:ed|ing)? (?:from|in)|reflect(?:s|ed|ing)?|"
    r"primarily|mainly|largely|attributable|led by|owing to|offset|impact(?:s|ed)? (?:of|by|from)|"
    r"thanks to|reason|contribut\w+)\b",
    re.IGNORECASE,
)
HOW_CUE_RE = re.compile(
    r"\b(by|through|using|via|exclud\w+|includ\w+|calculat\w+|based on|in order to|measured)\b", re.IGNORECASE
)
# A definition says what a thing is, or spells out the abbreviation it names:
# 'Data Communication Charge ("DCC")'.
DEFINITION_CUE_RE = re.compile(
    r"\b(?i:is|are|means?|refers? to|provides?|offers?|consists? of)\b|\(\W?[A-Z][A-Za-z]*[A-Z]\W?\)"
)
# A name: a capitalised word that does not open the sentence, or an all-capital one.
NAME_RE = re.compile(r"(?<=[\w,;:(/]\s)[A-Z][\w&.-]+|\b[A-Z]{2,}\b")
QUOTE_RE = re.compile(r"[“”\"]|\b(said|says)\b")
# A term set in quotation marks ('Data Communication Charge ("DCC")', 'the "Company"') is
# a name, not a quotation.
QUOTED_TERM_RE = re.compile(r"[“\"]\s*[^\s“”\"]+(?:\s+[^\s“”\"]+){0,2}\s*[”\"]")


def question_kind(question: str) -> Kind:
    """The kind of answer `question` asks for."""
    question = WHAT_IS_RE.sub("what is", question)
    if HOW_MUCH_RE.search(question):
        return "other"
    if CAUSE_QUESTION_RE.search(question):
        return "cause"
    if WHO_QUESTION_RE.search(question):
        return "who"
    if SAID_QUESTION_RE.search(question):
        return "said"
    if EVENT_QUESTION_RE.search(question):
        return "event"
    if STEPS_QUESTION_RE.search(question):
        return "steps"
    if DEFINES_RE.search(question):
        return "definition"  # "How does the document define X?" asks what X is
    if HOW_QUESTION_RE.search(question):
        return "how"
    if DEFINITION_QUESTION_RE.search(question):
        return "definition"
    return "other"


def asks_for_contents(question: str) -> bool:
    """Whether `question` asks what the document covers as a whole."""
    return bool(CONTENTS_QUESTION_RE.search(question))


# "What are the main conclusions in the summary?", "What are the key takeaways?"
SUMMARY_QUESTION_RE = re.compile(
    r"\b(?:summary|summari[sz]e|conclusions|conclude|takeaways|recap|key messages)\b", re.IGNORECASE
)


def asks_for_summary(question: str) -> bool:
    """Whether `question` asks what the document concludes as a whole (not what one of
    its sections says: "the summary of the risk factors")."""
    return bool(SUMMARY_QUESTION_RE.search(question)) and not re.search(r"\bsummary of\b", question, re.I)


def asks_to_compare(question: str) -> bool:
    """Whether `question` asks how one thing compares with others."""
    return bool(COMPARE_QUESTION_RE.search(question)) and not HOW_MUCH_RE.search(question)


def sets_against(heading: str) -> bool:
    """Whether a heading names a comparison or the other side of one ("Competitors")."""
    return bool(COMPARISON_HEADING_RE.search(heading))


def asks_for_explanation(question: str) -> bool:
    """A question asking why or how something happened, or what someone said, rather
    than for a figure, however many figures it names."""
    return question_kind(question) in ("cause", "said", "event") or bool(EMBEDDED_HOW_RE.search(question))


def cue(kind: Kind, sentence: str) -> float:
    """How much `sentence` reads like an answer of `kind` (0 to 1)."""
    if kind == "cause":
        return 1.0 if CAUSE_CUE_RE.search(sentence) else 0.0
    if kind == "how":
        return 1.0 if HOW_CUE_RE.search(sentence) else 0.0
    if kind == "who":
        return min(1.0, len(NAME_RE.findall(sentence)) / 2)
    if kind == "definition":
        return 1.0 if DEFINITION_CUE_RE.search(sentence) else 0.0
    if kind == "steps":
        return 1.0 if _says_to_do(sentence) else 0.0
    if kind == "said":
        return 1.0 if is_quote(sentence) else 0.0
    return 0.0


def is_quote(sentence: str) -> bool:
    """Whether `sentence` quotes someone: quotation marks around more than a term, or
    "said"."""
    return bool(QUOTE_RE.search(QUOTED_TERM_RE.sub("", sentence)))


def _says_to_do(sentence: str) -> bool:
    """Whether `sentence` opens with a verb's plain form, as a step does ("Construct
    HLR/HSS systems", "Issue own SIM cards"), by the lemmatizer's dictionary."""
    from lemminflect import getAllLemmas

    first = re.match(r"\W*([A-Za-z]+)", sentence)
    if not first:
        return False
    word = first.group(1).lower()
    lemmas = getAllLemmas(word)
    # Not a word that also opens a noun phrase as an adjective ("Net income", "Total").
    return word in lemmas.get("VERB", ()) and "ADJ" not in lemmas
