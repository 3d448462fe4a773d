"""The deck as a LangChain `BaseRetriever`: hybrid search returning one `Document` per
slide (page), best first, whose metadata carries `slide`, `title`, `chunk_id` (the best
passage), `score` and every passage's scores. The text route answers through it, and
`DeckQA.as_retriever()` hands it to anyone's own LangChain chain; a vector database
(Qdrant, pgvector) can replace FAISS behind the same interface."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from ingest.records import Chunk
from retriever.hits import Hit, SlideHit
from retriever.hybrid import HybridRetriever

# Slides handed to the answer step, and passages kept per slide (the composer reads
# every retrieved passage of a slide to rebuild its structure).
SLIDES = 3
PASSAGES_PER_SLIDE = 50


class DeckRetriever(BaseRetriever):
    """Hybrid (dense + BM25 + phrase) search over the deck's passages, grouped by slide."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    search: HybridRetriever
    k: int = SLIDES
    passages_per_slide: int = PASSAGES_PER_SLIDE

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        slides = self.search.retrieve_slides(query, k=self.k, per_slide=self.passages_per_slide)
        return [slide_document(slide) for slide in slides]


def slide_document(slide: SlideHit) -> Document:
    """A retrieved slide as a `Document`: its passages as text, their ids and scores as metadata."""
    return Document(
        page_content="\n".join(hit.chunk.text for hit in slide.hits),
        metadata={
            "slide": slide.slide,
            "title": slide.title,
            "score": slide.score,
            "chunk_id": slide.hits[0].chunk.chunk_id if slide.hits else "",
            "passages": [
                {"chunk_id": hit.chunk.chunk_id, "score": hit.score, "dense": hit.dense, "keyword": hit.keyword}
                for hit in slide.hits
            ],
        },
    )


def slide_hits(documents: Sequence[Document], chunks: Mapping[str, Chunk]) -> list[SlideHit]:
    """The slides behind `slide_document`s, passages resolved against the index's chunks.
    Documents from another retriever without `passages` keep their `chunk_id` alone."""
    slides = []
    for document in documents:
        metadata: dict[str, Any] = document.metadata
        passages = metadata.get("passages") or [{"chunk_id": metadata.get("chunk_id", ""), "score": 0.0}]
        hits = tuple(
            Hit(
                chunks[p["chunk_id"]],
                float(p.get("score", 0.0)),
                float(p.get("dense", 0.0)),
                float(p.get("keyword", 0.0)),
            )
            for p in passages
            if p.get("chunk_id") in chunks
        )
        slides.append(
            SlideHit(int(metadata["slide"]), str(metadata.get("title", "")), float(metadata.get("score", 0.0)), hits)
        )
    return slides
