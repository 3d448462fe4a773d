"""LangChain `BaseRetriever` faces of our retrievers: `Document`s whose metadata
carries `slide`, `title`, `chunk_id`, `score`. This is the seam through which a
vector database (Qdrant, pgvector) can replace FAISS for a corpus of many decks."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from retriever.hits import Hit


def hit_to_document(hit: Hit) -> Document:
    chunk = hit.chunk
    return Document(
        page_content=chunk.text,
        metadata={
            "slide": chunk.slide,
            "title": chunk.title,
            "chunk_id": chunk.chunk_id,
            "score": hit.score,
            "heading": chunk.heading,
            "kind": chunk.kind,
        },
    )


class DeckRetriever(BaseRetriever):
    """Wraps any object with `retrieve(question, k) -> list[Hit]`."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    engine: Any
    k: int = 8

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        return [hit_to_document(hit) for hit in self.engine.retrieve(query, k=self.k)]
