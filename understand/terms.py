"""Words in a question: which help find the passage or figure that answers it, which
are fillers, everyday synonyms of the deck's words, and the metric a question asks for."""

from __future__ import annotations

import re

from ingest.facts import TARGET_WORDS
from ingest.text import STOPWORDS, sentences, tokenize, undotted

SYNONYMS: dict[str, tuple[str, ...]] = {
    "sales": ("revenue", "revenues"),
    "turnover": ("revenue", "revenues"),
    "revenue": ("revenues",),
    "revenues": ("revenue",),
    "headcount": ("employees",),
    "staff": ("employees",),
    "workforce": ("employees",),
    "people": ("employees",),
    "employee": ("employees",),
    "profit": ("income",),
    "earnings": ("income",),
    # an abbreviation every financial document may spell out instead
    "eps": ("share", "earnings"),
    "fx": ("foreign", "exchange", "currency"),
    "op": ("operating",),
    "capex": ("capex", "capital"),
    "buyback": ("repurchase", "buyback"),
    "buybacks": ("repurchase", "buyback"),
    "debt": ("borrowings",),
    "loans": ("borrowings",),
    "founded": ("established", "est"),
    "established": ("est", "established"),
    "founding": ("established", "est"),
    "subscribers": ("subscription", "subs", "subscriptions"),
    "subscriptions": ("subscription", "subs"),
    "subscription": ("subscriptions", "subs"),
    "atm": ("atms",),
    "atms": ("atm",),
    "gm": ("gross", "margin"),
    "costs": ("cost",),
    "cost": ("costs",),
    "expense": ("expenses",),
    "expenses": ("expense",),
    "customers": ("clients", "customers"),
    "clients": ("customers", "clients"),
    "workers": ("employees", "personnel"),
    "engineers": ("engineers",),
    "dividend": ("dividends",),
    "shareholders": ("shareholders", "shareholder"),
    "stake": ("shareholders",),
    "shares": ("shares", "shareholders"),
    "percentage": ("%",),
    # everyday words for the deck's own
    "goal": ("target", "targets"),
    "goals": ("target", "targets"),
    "aim": ("target",),
    "guidance": ("target", "targets", "forecast"),
    "cut": ("revised", "revision", "down"),
    "lowered": ("revised", "revision", "down"),
    "phase": ("stage",),
    "phases": ("stage",),
    "biz": ("business",),
    "count": ("number",),
    "phone": ("tel",),
    "telephone": ("tel",),
    "email": ("mail", "email"),
    "listed": ("listed", "listing"),
    "topics": ("contents",),
    "agenda": ("contents",),
    "outline": ("contents",),
}
# Verbs and fillers that say nothing about which figure is asked for.
FILLER_TERMS = frozenset(
    [
        "have",
        "has",
        "had",
        "hold",
        "held",
        "spend",
        "spent",
        "reach",
        "reached",
        "report",
        "reported",
        "record",
        "recorded",
        "post",
        "posted",
        "generate",
        "generated",
        "achieve",
        "achieved",
        "make",
        "made",
        "get",
        "got",
        "see",
        "saw",
        "end",
        "value",
        "figure",
        "amount",
        "number",
        "level",
        "company",
        "deck",
        "slide",
        "according",
        "year",
        "period",
        "quarter",
        "as",
        "of",
        "at",
        "time",
        "show",
        "state",
        "stated",
        "mention",
        "ended",
        "ending",
        "latest",
        # hedges: "approximately how many" asks for the same figure as "how many"
        "approx",
        "approximately",
        "around",
        "roughly",
        "about",
        "big",
        "large",
        "work",
        "works",
        "earn",
        "earned",
        "provided",
        "used",
        # units and the deck's own furniture say nothing about which figure
        "jpy",
        "yen",
        "billion",
        "million",
        "thousand",
        "trillion",
        "points",
        "table",
        "chart",
    ]
)
HEAD_RE = re.compile(
    r"\b(?:how\s+(?:much|many)|number\s+of|(?:what|who)\s*(?:is|was|were|are|'s)\s+(?:the\s+company'?s\s+|the\s+|its\s+)?)"
    r"(?P<head>[\w\s&/'-]+?)(?=\s+(?:does|did|do|is|was|were|are|has|have|had|in|at|for|as|of|by|from|on|during|to|will)\b|[?.,]|$)",
    re.IGNORECASE,
)

AUXILIARY_RE = re.compile(r"(?:does|did|do|is|was|were|has|have|had|will)\b", re.IGNORECASE)
# "How much does <a one-day pass> cost?": a price, whose head is the thing priced.
PRICE_RE = re.compile(
    r"\bhow\s+much\s+(?:does|did|do|will|would)\s+(?P<head>[\w\s&/'-]+?)"
    r"(?:\s+(?:from|to|in|at|for|of|on)\s+[\w\s&/'-]+?)*\s+cost\b",
    re.IGNORECASE,
)

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
# Words that name a measure. A follow-up naming one asks for another figure of the same
# subject ("what about net income?"), one naming none for another subject; a telegraphic
# question naming one and a period asks for a figure ("cash balance end of Dec 2016?").
METRIC_WORDS = frozenset(
    [
        "assets",
        "atms",
        "balance",
        "borrowings",
        "capex",
        "cash",
        "clients",
        "cost",
        "costs",
        "customers",
        "dividend",
        "dividends",
        "employees",
        "equity",
        "expense",
        "expenses",
        "gross",
        "growth",
        "headcount",
        "income",
        "liabilities",
        "margin",
        "net",
        "operating",
        "price",
        "profit",
        "ratio",
        "revenue",
        "revenues",
        "sales",
        "share",
        "subscribers",
        "subscription",
        "subscriptions",
        "target",
        "targets",
        "total",
        "what about net income?",
    ]
)
# A question about a target, a plan or an outlook: the words that mark a figure so in the
# document ("expected to grow 4%") mark the question so.
TARGET_RE = re.compile(rf"\b(?:goal|{'|'.join(TARGET_WORDS)})(?:s|ed|ned|ing|ations?)?\b", re.IGNORECASE)

# A question about what is expected, planned or guided: not asked as a reported figure.
FORWARD_RE = re.compile(
    r"\b(?:expect\w*|anticipat\w*|project(?:s|ed|ion\w*)|guid\w*|forecast\w*|outlook|plan\w*|target\w*|goals?|will)\b",
    re.IGNORECASE,
)


MEASURE_WORDS = frozenset(
    [
        "change",
        "yoy",
        "growth",
        "rate",
        "ratio",
        "share",
        "percentage",
        "percent",
        "increase",
        "decrease",
        "amount",
        "number",
        "total",
        "level",
        "value",
        "figure",
        "difference",
        "combined",
        "sum",
        "average",
    ]
)


def _metric_phrase(question: str) -> tuple[str, re.Match[str] | None, list[str], list[str]]:
    """The question as read for its metric, where HEAD_RE found the metric (None: nowhere),
    the metric's words, and the adjectives after them that qualify it ("net income
    <attributable> (to shareholders)")."""
    # "net cash provided by operating activities" names one metric.
    question = re.sub(r"\b(?:provided|used|generated)\s+(?:by|in|from)\s+", "", undotted(question), flags=re.I)
    question = re.sub(r"\byear[\s-]+over[\s-]+year\b", "YoY", question, flags=re.I)  # one measure word
    match = PRICE_RE.search(question) or HEAD_RE.search(question)
    # "How much did X receive in ...": the subject and its verb, not the metric.
    if not match or AUXILIARY_RE.match(match.group("head").strip()):
        return question, None, [], []
    head = [term for term in tokenize(match.group("head")) if term not in FILLER_TERMS]
    trailing: list[str] = []
    while len(head) > 2 and only_adjective(head[-1]):
        trailing.insert(0, head.pop())
    return question, match, head, trailing


def head_terms(question: str) -> list[str]:
    """The metric a question asks for: "how many <employees>", "what was <operating
    income>"; a bare measure word ("the YoY change in X") takes X as well."""
    question, match, head, _ = _metric_phrase(question)
    if match is None:
        return []
    if head and all(term in MEASURE_WORDS for term in head):
        rest = question[match.end("head") :]
        following = re.match(
            r"\s*(?:in|of|for|on)\s+([\w\s&/'-]+?)(?=\s+(?:in|at|for|as|from|during|between|to|by|did|was|is)\b|[?.,]|$)",
            rest,
            re.I,
        )
        if following:
            head += [term for term in tokenize(following.group(1)) if term not in FILLER_TERMS]
    return head


# "What <management fee> do ...", "Which <newspaper's opinions> are ...": the thing asked
# for, named before the question's verb, after a clause that sets the scene or not ("In
# the section on clients, what <tips> does ...").
ASKED_THING_RE = re.compile(
    r"^\W*(?:[^,:?]{0,80}[,:]\s*)?(?:what|which)\s+(?P<thing>[\w\s&/'’-]+?)\s+(?:does|do|did|is|are|was|were|has|have|had|can|could|will|would|should)\b",
    re.IGNORECASE,
)


def singular(word: str) -> str:
    """The noun `word` is the plural of, by the lemmatizer's dictionary ("tips" -> "tip",
    "analyses" -> "analysis"); `word` itself otherwise."""
    from lemminflect import getAllLemmas

    lemmas = getAllLemmas(word, upos="NOUN").get("NOUN", ())
    return lemmas[0] if lemmas else word


def asked_thing(question: str) -> list[str]:
    """The thing a "what X does ..." or "which X are ..." question names before its verb
    (measure words and words only ever adjectives aside: "unusual items" names items):
    what it asks for, where it names no metric (`head_terms`)."""
    match = ASKED_THING_RE.match(question)
    if not match:
        return []
    terms = tokenize(match.group("thing"))
    return [
        term for term in terms if term not in FILLER_TERMS and term not in MEASURE_WORDS and not only_adjective(term)
    ]


def qualifier_terms(question: str) -> list[str]:
    """The words of what qualifies the metric after it: "net income <attributable to
    shareholders>", "shares <outstanding>" (an adjective after the noun, and what it
    governs). A filing whose rows never draw the distinction prints the metric plainly."""
    question, match, _, trailing = _metric_phrase(question)
    if match is None or not trailing:
        return []
    governed = re.match(
        r"\s+(?:to|of|for|by)\s+([\w\s&'-]+?)(?=\s+(?:in|at|for|as|from|during|between|did|was|is)\b|[?.,(]|$)",
        question[match.end("head") :],
        re.I,
    )
    return trailing + ([t for t in tokenize(governed.group(1)) if t not in FILLER_TERMS] if governed else [])


def only_adjective(word: str) -> bool:
    """Whether the lemmatizer's dictionary knows `word` as an adjective only ("attributable",
    "outstanding"; not "net", "current", "related")."""
    from lemminflect import getAllLemmas

    return set(getAllLemmas(word)) == {"ADJ"}


# A verb form in a question: "-ing" or "-ed" after a form of "be" ("what is happening to
# X", "what was recorded in"), "-ed" between a noun and a preposition ("the contacts
# listed on the release"), or the word closing a question asked with "do" ("How many
# results does the search return?"), or the participle closing one asked with "was" ("When
# was the bank founded?"). It says what is done, not what the question is about.
VERB_FORM_RE = re.compile(
    r"\b(?:is|are|was|were|be|been|being)\s+(?P<progressive>\w+(?:ing|ed))\b"
    r"|\b[a-z]\w*\s+(?P<participle>\w+ed)\s+(?:on|in|at|by|for|from|to|with|under|into|over|during)\b"
    r"|\b(?:do|does|did)\s+\S.*?\s(?P<closing>[a-z]+)\s*[?.!]*\s*$"
    r"|\b(?:is|are|was|were)\s+\S.*?\s(?P<passive>[a-z]+(?:ed|en))\s*[?.!]*\s*$",
    re.IGNORECASE,
)


def verb_forms(question: str) -> set[str]:
    """The words of `question` used as verbs, by their position (see VERB_FORM_RE); the
    word closing a question asked with "do" only if it can be one ("What does the deck say
    about cloud revenue?" closes on a noun)."""
    from lemminflect import getAllLemmas

    verbs = set()
    for match in VERB_FORM_RE.finditer(question):
        closing = match.group("closing") or match.group("passive")
        if closing is None or "VERB" in getAllLemmas(closing.lower()):
            verbs.add((match.group("progressive") or match.group("participle") or closing).lower())
    return verbs


def inner_words(question: str) -> list[str]:
    """The question's words but those opening a sentence, whose capital is no name's
    ("... which year? List all of them")."""
    return [word for sentence in sentences(question) for word in re.findall(r"[A-Za-z][A-Za-z0-9]*", sentence)[1:]]


def written_as_name(term: str, question: str) -> bool:
    """Whether the question writes `term` as a name: capitalized ("Seven Bank"), or the
    whole question is lower case ("seven bank employees"). "How big is ..." uses "big"
    as a plain word even though the deck writes "Big Data"."""
    if question == question.lower():
        return True
    words = re.findall(r"[A-Za-z][A-Za-z0-9]*", question)
    if any(word.lower() == term and word[0].isupper() for word in inner_words(question)):
        return True
    # The first word is capitalised anyway: it is a name when written as one (all
    # capitals, a capital inside), owning something ("Globex's") or before another name.
    if not words or words[0].lower() != term:
        return False
    first = words[0]
    return (
        (len(first) > 1 and first.isupper())
        or any(letter.isupper() for letter in first[1:])
        or bool(re.match(rf"\W*{re.escape(first)}['’]s\b", question))
        or (len(words) > 1 and words[1][0].isupper())
    )


# Three capitalised words in a row or more, one of them a word no name is made of
# ("DIAGRAM DISCUSSED ABOUT WHICH YEAR"): the question is shouted, not naming.
SHOUTED_RE = re.compile(r"\b[A-Z][A-Z'’]*(?:[\s,]+[A-Z][A-Z'’]*){2,}\b")


def unshouted(question: str) -> str:
    """The question with its shouted runs of capitals in lower case: a run of three
    capitalised words or more that holds a stopword ("WHICH", "ABOUT") is emphasis, not a
    name, which an acronym ("EBITDA") or a title ("TOP ALBUMS") alone is."""

    def lowered(match: re.Match[str]) -> str:
        words = re.findall(r"[A-Za-z]+", match.group(0))
        return match.group(0).lower() if any(word.lower() in STOPWORDS for word in words) else match.group(0)

    return SHOUTED_RE.sub(lowered, question)
