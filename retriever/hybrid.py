"""Hybrid retrieval: dense (FAISS) and keyword (BM25) rankings fused by reciprocal
rank fusion, then aggregated per slide so one slide's chunks don't crowd out others.
Slide titles weigh in through their own dense and keyword match.

A question asking for an explanation (why, how, what is, what was said) is matched
against the passages that can explain: not headings (they name a subject, and count
through the page's title match) and not table rows or chart labels that hold figures.
Otherwise a results table, whose rows repeat the question's words in every column
header, outranks the sentence that gives the reasons."""

from __future__ import annotations

import re
from collections import defaultdict
from itertools import pairwise

import numpy as np
from rank_bm25 import BM25Okapi

from ingest.index_store import DeckIndex
from ingest.records import Chunk
from ingest.text import tokenize
from retriever.hits import Hit, SlideHit
from retriever.sections import discussion_pages, risk_factor_pages, section_slides
from understand.kinds import EXPLANATIONS, question_kind
from understand.question import left_out_pages, name_forms, named_pages, named_section
from understand.terms import QUESTION_FILLER, written_as_name

# Reciprocal rank fusion constant; 60 is the value from Cormack et al. (2009) and
# behaved best on eval/gold.jsonl among 10/30/60.
RRF_K = 60
# Words of a company's legal name that never tell one passage from another.
CORPORATE_SUFFIXES = frozenset(["inc", "co", "ltd", "limited", "corp", "corporation", "corporate", "overview"])
# How many candidates each ranker contributes before fusion.
CANDIDATES = 40
# Weight of a slide-title match relative to a passage match (calibrated on the gold set).
TITLE_WEIGHT = 0.6
# Weight of the phrase ranking (question word pairs found side by side in a passage,
# "large shareholders") in the fusion, relative to dense and keyword. Retrieval hit@3 on
# the gold file's numeric, descriptive and paraphrase items: 0.883 without, 0.935 at 1.0,
# 0.938 at 1.5, 0.934 at 2.0, 0.931 at 3.0.
PHRASE_WEIGHT = 1.5
# Later passages of the same slide add this fraction of their score.
EXTRA_PASSAGE_WEIGHT = 0.25
# A table row or chart passage holds figures when at least this share of its cells
# (chart items) are figures: a number with at most one word beside it. Retrieval top-1
# of a gold page, dev descriptive items of every gold file: deck 28/39 and corpus 8/12
# without the explanation filter; 28/39 and 10/12 with it (0.5); rank of a gold page in
# the top 3: deck 37 -> 38.
FIGURE_CELL_SHARE = 0.5
# A passage of fewer words is a label ("Percent Change", "Total"), no explanation.
EXPLAIN_MIN_WORDS = 3
# An explanation's page score grows by this share when its best passages name what the
# question names. Corpus dev key-point recall (mean of 4 releases): 0.847 without and at
# 0.25, 0.889 at 0.5 and 1.0; the deck's dev items the same at each.
NAMED_WEIGHT = 0.5
# A question asking for a cause ("What drove ...", "Why did ...") grows a page's score by
# this share on a page of the filing's discussion and analysis (`retriever.sections`),
# where a filing gives the reasons for its results.
DISCUSSION_WEIGHT = 0.5
# A page of the filing's risk factors (what may happen) counts this share of its score
# for a question that asks about no risk: "What acquisitions did the company make?" is
# answered where they are reported, not where acquisitions are said to be risky.
RISK_SECTION_WEIGHT = 0.5
RISK_QUESTION_RE = re.compile(r"\b(?:risks?|riskiest|threats?|uncertain\w*|challeng\w*|exposures?|hazards?)\b", re.I)
# Question vectors kept for a second retrieval of the same question.
RECENT_QUESTIONS = 8
FIGURE_CELL_RE = re.compile(r"\d")
CELL_WORD_RE = re.compile(r"[A-Za-z]{3,}")


class KeywordRetriever:
    """BM25 over chunk text with its slide title and heading."""

    def __init__(self, index: DeckIndex) -> None:
        self.index = index
        self.bm25 = BM25Okapi(index.chunk_tokens)
        self.vocabulary = {token for tokens in index.chunk_tokens for token in tokens}
        # The company's names and question fillers match everywhere and drown the words
        # that matter (hit@3 on descriptive gold items: 0.75 with them, 0.84 without).
        names = " ".join(name_forms(index.manifest.names))
        self.ignored = QUESTION_FILLER | set(tokenize(names)) | CORPORATE_SUFFIXES

    def query_tokens(self, question: str) -> list[str]:
        return [token for token in tokenize(question) if token not in self.ignored]

    def scores(self, question: str) -> np.ndarray:
        tokens = self.query_tokens(question)
        if not tokens:
            return np.zeros(len(self.index.chunks))
        return np.asarray(self.bm25.get_scores(tokens))


class HybridRetriever:
    """Fuses dense, keyword and phrase rankings; `retrieve_slides` returns slides with
    their best passages (`retriever.deck_retriever` is its LangChain face)."""

    def __init__(self, index: DeckIndex) -> None:
        self.index = index
        self.keyword = KeywordRetriever(index)
        self._title_vectors = index.title_vectors  # embedded at ingest
        self._title_bm25 = BM25Okapi([tokenize(slide.title) or ["_"] for slide in index.slides])
        # A heading inside a page titles the passages under it as a page title does.
        self._headings = [i for i, chunk in enumerate(index.chunks) if chunk.kind == "heading"]
        self._heading_bm25 = (
            BM25Okapi([tokenize(index.chunks[i].text) or ["_"] for i in self._headings]) if self._headings else None
        )
        self._vectors = index.vectors.reconstruct_n(0, index.vectors.ntotal)
        cells = {f"{table.table_id}-r{n}": row[1:] for table in index.tables for n, row in enumerate(table.rows, 1)}
        self._recent: dict[str, np.ndarray] = {}
        self._explains = np.array([_can_explain(chunk, cells) for chunk in index.chunks], dtype=bool)
        self._token_sets = {
            chunk.chunk_id: set(tokens) for chunk, tokens in zip(index.chunks, index.chunk_tokens, strict=True)
        }
        self._own_names = {token for name in index.manifest.names for token in tokenize(name)}
        self._discussion = discussion_pages(index.slides)
        self._risk_factors = risk_factor_pages(index.slides)
        # Which passages hold each word pair side by side.
        self._pair_passages: dict[tuple[str, str], set[int]] = defaultdict(set)
        for i, tokens in enumerate(index.chunk_tokens):
            for pair in pairwise(tokens):
                self._pair_passages[pair].add(i)

    def retrieve_slides(
        self, question: str, k: int = 3, per_slide: int = 6, explanation: bool | None = None
    ) -> list[SlideHit]:
        """The `k` best slides with up to `per_slide` passages each. `explanation`: rank
        only the passages that can explain (default: when the question asks why, how,
        what something is or what was said)."""
        kind = question_kind(question)
        if explanation is None:
            explanation = kind in EXPLANATIONS
        vector, ranked = self._ranked_hits(question, explanation)
        by_slide: dict[int, list[Hit]] = defaultdict(list)
        for hit in ranked:
            by_slide[hit.chunk.slide].append(hit)
        title_scores = self._title_scores(question, vector)
        # An explanation of something the question names ("What drove the Devices segment's growth")
        # is on a page whose passages name it too.
        names = self._names_in(question) if explanation else set()
        discussed = self._discussion if explanation and kind == "cause" else set()
        hedged = self._risk_factors if not RISK_QUESTION_RE.search(question) else set()
        # A question naming slides by number ("In the figure on slide 11, ...") is about those.
        # A section it names by its title ('In the "Outlook" section, ...'), about its slides.
        section = section_slides(self.index.slides, named_section(question))
        named = [number for number in named_pages(question) or section if number in by_slide]
        left_out = set(left_out_pages(question))  # "Besides the companies on page 42, ..."
        slides = []
        for number, hits in by_slide.items():
            if (named and number not in named) or number in left_out:
                continue
            passage_scores = [hit.score for hit in hits[:3]]
            score = passage_scores[0] + EXTRA_PASSAGE_WEIGHT * sum(passage_scores[1:])
            score += TITLE_WEIGHT * title_scores.get(number, 0.0)
            if names and any(names <= self._token_sets[hit.chunk.chunk_id] for hit in hits[:3] if hit.score > 0):
                score *= 1 + NAMED_WEIGHT
            if number in discussed:
                score *= 1 + DISCUSSION_WEIGHT
            if number in hedged:
                score *= RISK_SECTION_WEIGHT
            slides.append(SlideHit(number, hits[0].chunk.title, score, tuple(hits[:per_slide])))
        slides.sort(key=lambda slide: -slide.score)
        return slides[:k]

    def _ranked_hits(self, question: str, explanation: bool) -> tuple[np.ndarray, list[Hit]]:
        """The question's vector and every passage, best fused score first."""
        vector = self.question_vector(question)
        dense_scores = self._vectors @ vector
        keyword_scores = self.keyword.scores(question)
        phrase_scores = self._phrase_scores(question)
        # An explanation is ranked among the passages that can give one; the others
        # follow, unscored, for the composer to read the page's structure.
        ranked = self._explains if explanation and self._explains.any() else np.ones(len(dense_scores), dtype=bool)
        fused = np.zeros(len(dense_scores))
        fused[ranked] = _rrf(dense_scores[ranked], keyword_scores[ranked])
        if phrase_scores[ranked].any():
            fused[ranked] += PHRASE_WEIGHT * _rank_scores(phrase_scores[ranked])
        hits = [
            Hit(self.index.chunks[i], float(fused[i]), float(dense_scores[i]), float(keyword_scores[i]))
            for i in np.argsort(-fused, kind="stable")
        ]
        return vector, hits

    def _names_in(self, question: str) -> set[str]:
        """The names the question writes (not the document's own company's) that the
        document uses: what an explanation is about."""
        return {
            term
            for term in tokenize(question)
            if term not in QUESTION_FILLER
            and term not in self._own_names
            and term in self.keyword.vocabulary
            and written_as_name(term, question)
        }

    def page_closeness(self) -> dict[int, float]:
        """Each page's closeness to the document as a whole: the cosine of its passages'
        mean vector with the mean of all passages' (a page summing the document up is
        close; a legal notice or a certificate is not)."""
        if not len(self._vectors):
            return {}
        whole = self._vectors.mean(axis=0)
        pages: dict[int, list[int]] = defaultdict(list)
        for i, chunk in enumerate(self.index.chunks):
            pages[chunk.slide].append(i)
        closeness = {}
        for number, rows in pages.items():
            mean = self._vectors[rows].mean(axis=0)
            closeness[number] = float(mean @ whole / (np.linalg.norm(mean) * np.linalg.norm(whole) or 1.0))
        return closeness

    def question_vector(self, question: str) -> np.ndarray:
        """The question's embedding; the last few are kept, since answering a question
        may retrieve for it twice (its answer, and whether the document covers it)."""
        vector = self._recent.get(question)
        if vector is None:
            vector = self.index.embedder.encode([question])[0]
            if len(self._recent) >= RECENT_QUESTIONS:
                self._recent.pop(next(iter(self._recent)))
            self._recent[question] = vector
        return vector

    def _phrase_scores(self, question: str) -> np.ndarray:
        """For each passage, the weight (BM25 idf) of the question's word pairs it holds
        side by side: "large shareholders" is slide 3's, not slide 37's "shareholders' equity"."""
        scores = np.zeros(len(self.index.chunks))
        idf = self.keyword.bm25.idf
        for first, second in set(pairwise(self.keyword.query_tokens(question))):
            for i in self._pair_passages.get((first, second), ()):
                scores[i] += idf.get(first, 0.0) + idf.get(second, 0.0)
        return scores

    def _title_scores(self, question: str, vector: np.ndarray) -> dict[int, float]:
        """RRF-scale score of each slide title, fusing dense and keyword title ranks."""
        dense = self._title_vectors @ vector
        keyword = np.asarray(self._title_bm25.get_scores(self.keyword.query_tokens(question) or ["_"]))
        fused = _rrf(dense, keyword)
        scores = {slide.number: float(fused[i]) for i, slide in enumerate(self.index.slides)}
        if self._heading_bm25 is not None:
            dense = self._vectors[self._headings] @ vector
            keyword = np.asarray(self._heading_bm25.get_scores(self.keyword.query_tokens(question) or ["_"]))
            for i, score in zip(self._headings, _rrf(dense, keyword), strict=True):
                number = self.index.chunks[i].slide
                scores[number] = max(scores.get(number, 0.0), float(score))
        return scores


def _can_explain(chunk: Chunk, cells: dict[str, tuple[str, ...]]) -> bool:
    """Whether a passage can give an explanation: not a heading or a label, and not a
    table row or chart whose cells (items) are mostly figures."""
    if chunk.kind == "heading" or len(chunk.text.split()) < EXPLAIN_MIN_WORDS:
        return False
    if chunk.kind == "table_row":
        items = [cell for cell in cells.get(chunk.chunk_id, ()) if cell.strip()]
    elif chunk.kind == "chart_data":
        items = [item for item in chunk.text.split(";") if item.strip()]
    else:
        return True
    figures = sum(1 for item in items if FIGURE_CELL_RE.search(item) and len(CELL_WORD_RE.findall(item)) <= 1)
    return not items or figures < FIGURE_CELL_SHARE * len(items)


def _rank_scores(scores: np.ndarray) -> np.ndarray:
    """RRF contribution of one ranking; items scoring zero get none."""
    rank = np.empty(len(scores), dtype=int)
    rank[np.argsort(-scores, kind="stable")] = np.arange(len(scores))
    return np.where(scores > 0, 1.0 / (RRF_K + rank + 1), 0.0)


def _rrf(dense_scores: np.ndarray, keyword_scores: np.ndarray) -> np.ndarray:
    """Reciprocal rank fusion of two score arrays over the same items; an item with a
    zero keyword score gets no keyword contribution."""
    fused = np.zeros(len(dense_scores))
    dense_rank = np.empty(len(dense_scores), dtype=int)
    dense_rank[np.argsort(-dense_scores, kind="stable")] = np.arange(len(dense_scores))
    fused += 1.0 / (RRF_K + dense_rank + 1)
    keyword_rank = np.empty(len(keyword_scores), dtype=int)
    keyword_rank[np.argsort(-keyword_scores, kind="stable")] = np.arange(len(keyword_scores))
    fused += np.where(keyword_scores > 0, 1.0 / (RRF_K + keyword_rank + 1), 0.0)
    return fused
