"""Questions over a library: one document, several, or a whole collection.

A question is routed to the documents it names (by the company's names as each document
writes them, then by year when one company has several), else to every document given,
most relevant first. Each document answers on its own (`DeckQA.ask`, the other
documents' names taken out of the question); then:

- figures from several documents are set side by side, each with its document named in
  its citations and markers ("[Acme Corp annual report 2018, p. 52]"), ranked when the
  question asks for the highest or lowest, and a change between two documents' figures
  in one unit is derived with its formula;
- a text question asked of several named documents gets each one's answer; asked of
  all, the answer of the most relevant document that answers;
- when no document answers, the refusal lists the closest pages of the most relevant.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from library.store import Document, Library
from qa.answer import Answer, Citation, Trace, Value
from qa.deckqa import DeckQA
from qa.settings import Settings

# Documents kept open (each a loaded index, 20-150 MB for a long filing).
MAX_OPEN = 8
# A question asked of every document is answered by at most this many, most relevant first
# (each is opened to answer: about a second for a long filing).
MAX_ASKED = 4
REFUSAL_TEXT = "None of these documents covers that."
MARKER_RE = re.compile(r"\[Slide (\d+)\]")
# A question about how a figure moved between two documents, or which is highest or lowest.
CHANGE_RE = re.compile(r"\b(chang\w*|differ\w*|grow\w*|grew|increas\w*|decreas\w*|declin\w*|rose|fell|between)\b", re.I)
HIGHEST_RE = re.compile(r"\b(highest|largest|most|biggest|fastest|best|greatest|top|more)\b", re.I)
LOWEST_RE = re.compile(r"\b(lowest|smallest|least|slowest|worst|fewest|less)\b", re.I)
# A question comparing documents asks each for what is compared: the question without
# its comparing words ("Which company had the highest revenue?" -> "What was revenue?").
COMPARING_WORDS = frozenset(
    [
        "how",
        "did",
        "does",
        "do",
        "has",
        "have",
        "had",
        "which",
        "what",
        "was",
        "were",
        "is",
        "are",
        "of",
        "these",
        "those",
        "the",
        "two",
        "company",
        "companies",
        "document",
        "documents",
        "deck",
        "decks",
        "firm",
        "firms",
        "one",
        "compare",
        "compared",
        "comparison",
        "between",
        "and",
        "versus",
        "vs",
        "change",
        "changed",
        "changes",
        "grow",
        "grew",
        "growth",
        "differ",
        "difference",
        "different",
        "increase",
        "increased",
        "decrease",
        "decreased",
        "highest",
        "lowest",
        "largest",
        "smallest",
        "most",
        "least",
        "fastest",
        "slowest",
        "biggest",
        "best",
        "worst",
        "more",
        "less",
        "greater",
        "bigger",
        "higher",
        "lower",
        "reported",
        "report",
        "show",
        "shows",
        "showed",
        "among",
        "across",
        "than",
        "from",
        "to",
        "over",
    ]
)
GROWTH_RE = re.compile(r"\b(grow|grew|growth)\b", re.I)
YEAR_RE = re.compile(r"\b(?:FY\s?'?)?((?:19|20)\d\d)\b", re.I)


class LibraryQA:
    """Answers from the documents of `library`, opening each document's index on first use
    (rebuilding it if the ingest code changed since it was added). Thread-safe."""

    def __init__(self, library: Library, settings: Settings, max_open: int = MAX_OPEN) -> None:
        self.library = library
        self.settings = settings
        self.max_open = max_open
        self._open: OrderedDict[str, DeckQA] = OrderedDict()
        self._lock = threading.Lock()
        self._opening: dict[str, threading.Lock] = {}
        self._vectors: dict[str, np.ndarray] = {}  # passage vectors by document, for ranking
        self._names_of: dict[str, tuple[str, ...]] = {}  # the company's names by document, for routing

    # ------------------------------------------------------------ documents

    def add(
        self,
        path: Path,
        collection: str,
        *,
        title: str | None = None,
        password: str | None = None,
        progress: Callable[[str, int, int], None] | None = None,
        file_name: str | None = None,
    ) -> tuple[Document, bool]:
        """Add a PDF to `collection` (see `Library.add`); its index comes from the index
        cache when this machine has read the same file before."""
        return self.library.add(
            path,
            collection,
            lambda pdf, folder: self._build(pdf, folder, progress),
            title=title,
            password=password,
            max_pages=self.settings.index.max_pages,
            file_name=file_name,
        )

    def remove(self, document_id: str, collections: Sequence[str] | None = None) -> bool:
        deleted = self.library.remove(document_id, collections)
        if deleted:
            with self._lock:
                self._open.pop(document_id, None)
                self._vectors.pop(document_id, None)
                self._names_of.pop(document_id, None)
        return deleted

    def deck(self, document: Document) -> DeckQA:
        """The document's answering core, opened (and kept among the last `max_open`)."""
        with self._lock:
            deck = self._open.get(document.id)
            if deck is not None:
                self._open.move_to_end(document.id)
                return deck
            opening = self._opening.setdefault(document.id, threading.Lock())
        with opening:  # one thread opens a document; others asking for it wait for it
            with self._lock:
                deck = self._open.get(document.id)
            if deck is None:
                settings = self.settings.with_index(
                    deck=self.library.pdf_path(document.id), dir=self.library.index_folder(document.id)
                )
                deck = DeckQA.load(settings)
            with self._lock:
                self._open[document.id] = deck
                self._open.move_to_end(document.id)
                while len(self._open) > self.max_open:
                    self._open.popitem(last=False)
        return deck

    # ------------------------------------------------------------ questions

    def ask(self, question: str, documents: Sequence[Document], history: Sequence[Any] | None = None) -> Answer:
        """Answer `question` from `documents` (those the caller may read)."""
        if not documents:
            return Answer(
                question=question, answer="There are no documents to answer from.", route="none", refused=True
            )
        if len(documents) == 1:
            return labelled(self.deck(documents[0]).ask(question, history), documents[0])
        named = self.named(question, documents)
        targets = named or self._most_relevant(question, documents)[:MAX_ASKED]
        compared = comparing(question, [name for doc in targets for name in self._names(doc)])
        answers = [(doc, self.deck(doc).ask(compared or self._for(question, doc, targets), history)) for doc in targets]
        answered = [(doc, answer) for doc, answer in answers if not answer.refused]
        trace = Trace(
            route_reason=f"asked {len(targets)} of {len(documents)} documents" + (" (named)" if named else "")
        )
        if not answered:
            doc, answer = answers[0]
            suggestions = [_cited(citation, doc) for _, a in answers[:2] for citation in a.suggestions[:1]]
            listing = ", ".join(f"{c.document_title}, p. {c.slide} ({c.title})" for c in suggestions)
            text = REFUSAL_TEXT + (f" The closest pages are {listing}." if listing else "")
            return Answer(
                question=question, answer=text, route="none", refused=True, suggestions=suggestions, debug=trace
            )
        figures = [(doc, answer) for doc, answer in answered if answer.value is not None]
        if figures and (len(figures) > 1 or not named):
            return side_by_side(question, figures, trace)
        if named and len(answered) > 1:
            parts = [labelled(answer, doc) for doc, answer in answered]
            text = "\n\n".join(
                f"**{doc.label}**: {part.answer}" for (doc, _), part in zip(answered, parts, strict=True)
            )
            citations = [citation for part in parts for citation in part.citations]
            return Answer(question=question, answer=text, route=parts[0].route, citations=citations, debug=trace)
        doc, answer = answered[0]
        reason = f"{trace.route_reason}; {doc.label} answers: {answer.debug.route_reason}"
        return labelled(answer, doc).model_copy(
            update={"debug": answer.debug.model_copy(update={"route_reason": reason})}
        )

    def named(self, question: str, documents: Sequence[Document]) -> list[Document]:
        """The documents whose company the question names (narrowed by the years it names,
        when a company has several documents)."""
        named = [doc for doc in documents if any(_mentions(question, name) for name in self._names(doc))]
        years = set(YEAR_RE.findall(question))
        if years and named:
            dated = [doc for doc in named if doc.year in years]
            companies = {doc.company for doc in named}
            if dated and all(any(doc.company == company for doc in dated) for company in companies):
                named = dated
        return named

    def _names(self, document: Document) -> tuple[str, ...]:
        """The company's names as the document writes them (from its index's manifest:
        routing a question opens no document)."""
        with self._lock:
            names = self._names_of.get(document.id)
        if names is None:
            manifest = self.library.manifest(document.id)
            names = tuple(manifest.names) if manifest is not None else ()
            with self._lock:
                self._names_of[document.id] = names
        return (*names, document.company) if document.company and document.company not in names else names

    def _for(self, question: str, document: Document, targets: Sequence[Document]) -> str:
        """The question as this document is asked it: the other companies' names out."""
        own = set(self._names(document))
        for other in targets:
            for name in self._names(other):
                if name not in own:
                    question = re.sub(rf"(?<![\w&]){re.escape(name)}(?:['’]s)?(?![\w&])", "", question, flags=re.I)
        return " ".join(question.replace(" ,", ",").split())

    def _most_relevant(self, question: str, documents: Sequence[Document]) -> list[Document]:
        """Documents by their best passage's similarity to the question."""
        from ingest.embedding import prepare_query_embedder

        index = self.settings.index
        vector = prepare_query_embedder(index.embedding_model, index.model_cache).encode([question])[0]
        scores = self.library.relevance(vector, [doc.id for doc in documents])
        if scores is None:
            scores = {doc.id: float(np.max(self._passage_vectors(doc) @ vector, initial=0.0)) for doc in documents}
        return sorted(documents, key=lambda doc: -scores.get(doc.id, 0.0))

    def _passage_vectors(self, document: Document) -> np.ndarray:
        """The document's passage vectors alone (half precision, kept): ranking documents
        for a question opens none of them."""
        with self._lock:
            vectors = self._vectors.get(document.id)
        if vectors is None:
            import faiss

            from ingest.index_store import VECTORS

            index = faiss.read_index(str(self.library.index_folder(document.id) / VECTORS))
            vectors = index.reconstruct_n(0, index.ntotal).astype(np.float16)
            with self._lock:
                self._vectors[document.id] = vectors
        return vectors.astype(np.float32)

    def _build(self, pdf: Path, folder: Path, progress: Callable[[str, int, int], None] | None) -> Any:
        import hashlib
        import shutil

        from ingest.embedding import ingest_embedder, model_fingerprint, resolve_model_path
        from ingest.files import open_checked
        from ingest.index_store import Manifest, build_index, cache_folder, needs_rebuild

        index = self.settings.index
        model_dir = resolve_model_path(index.embedding_model)
        cached = cache_folder(index.cache_dir, pdf)
        sha256 = hashlib.sha256(open_checked(pdf)).hexdigest()
        if not needs_rebuild(cached, sha256, model_fingerprint(model_dir)):
            shutil.copytree(cached, folder)
            return Manifest.read(folder)
        embedder = ingest_embedder(model_dir, index.model_cache)
        return build_index(pdf, folder, embedder, progress=progress, max_pages=index.max_pages).manifest


def comparing(question: str, names: Sequence[str]) -> str | None:
    """What each document is asked when `question` compares them, or None when it does not."""
    compares = CHANGE_RE.search(question) or HIGHEST_RE.search(question) or LOWEST_RE.search(question)
    if not compares and not re.match(r"\s*(which|compare)\b", question, re.I):
        return None
    for name in sorted(names, key=len, reverse=True):
        question = re.sub(rf"(?<![\w&]){re.escape(name)}(?:['’]s)?(?![\w&])", " ", question, flags=re.I)
    words = [word for word in re.findall(r"[\w$%&.'’-]+", question) if word.lower().strip(".") not in COMPARING_WORDS]
    words = [word.strip(".") for word in words if word.strip(".")]
    if not words:
        return None
    growth = " growth" if GROWTH_RE.search(question) and not any(w.lower() == "growth" for w in words) else ""
    return f"What was {' '.join(words)}{growth}?"


def labelled(answer: Answer, document: Document) -> Answer:
    """`answer` with its document named: in each citation, and in its markers."""
    text = MARKER_RE.sub(lambda match: f"[{document.label}, p. {match.group(1)}]", answer.answer)
    return answer.model_copy(
        update={
            "answer": text,
            "citations": [_cited(citation, document) for citation in answer.citations],
            "suggestions": [_cited(citation, document) for citation in answer.suggestions],
        }
    )


def side_by_side(question: str, figures: list[tuple[Document, Answer]], trace: Trace) -> Answer:
    """Each document's figure on its own line, ranked when the question asks which is
    highest or lowest; two figures in one unit asked how they changed get the change."""
    assert all(answer.value is not None for _, answer in figures)
    units = {answer.value.unit for _, answer in figures if answer.value is not None}
    if len(units) == 1 and (HIGHEST_RE.search(question) or LOWEST_RE.search(question)):
        descending = bool(HIGHEST_RE.search(question)) and not LOWEST_RE.search(question)
        figures = sorted(figures, key=lambda pair: pair[1].value.number if pair[1].value else 0.0, reverse=descending)
    else:
        figures = sorted(figures, key=lambda pair: (pair[0].year, pair[0].added_at))
    parts = [labelled(answer, doc) for doc, answer in figures]
    # Each figure's own line, without the notes under it (the other periods it prints).
    lines = [
        f"- **{doc.label}**: {part.answer.split(chr(10) * 2)[0]}" for (doc, _), part in zip(figures, parts, strict=True)
    ]
    value = None
    if len(figures) == 2 and len(units) == 1 and CHANGE_RE.search(question):
        (first_doc, first), (second_doc, second) = figures
        assert first.value is not None and second.value is not None
        a, b = first.value.number, second.value.number
        unit = first.value.unit
        formula = f"{_number(b)} - {_number(a)}"
        change = b - a
        percent = f" ({change / abs(a) * 100:+.1f}%)" if a else ""
        lines.append(
            f"\nChange from {first_doc.label} to {second_doc.label}: {_number(change, signed=True)} {unit}{percent} "
            f"= {formula}."
        )
        value = Value(number=round(change, 6), unit=unit, formula=formula)
    citations = [citation for part in parts for citation in part.citations]
    return Answer(
        question=question, answer="\n".join(lines), route="table", citations=citations, value=value, debug=trace
    )


def _cited(citation: Citation, document: Document) -> Citation:
    return citation.model_copy(update={"document": document.id, "document_title": document.label})


def _mentions(question: str, name: str) -> bool:
    if len(name) < 2:
        return False
    flags = 0 if len(name) <= 4 else re.IGNORECASE  # a ticker or initials as written
    return re.search(rf"(?<![\w&]){re.escape(name)}(?![\w&])", question, flags) is not None


def _number(value: float, signed: bool = False) -> str:
    text = f"{value:+,.4f}" if signed else f"{value:,.4f}"
    return text.rstrip("0").rstrip(".")
