"""The baseline: a textbook LangChain pipeline over the same deck PDF, to show what our
pipeline adds. PyPDFLoader pages -> RecursiveCharacterTextSplitter(1000, 200) -> FAISS
(langchain_community) with our embedding model -> top 4 chunks. The answer is the top
chunk's text; the citations are the pages of the four chunks, best first. It never
refuses and ignores chat history (a single-turn pipeline).
"""

from __future__ import annotations

import time
from pathlib import Path

from langchain_core.embeddings import Embeddings

from ingest.embedding import Embedder
from qa.answer import Answer, Citation, Trace

# The values the LangChain tutorials use; deliberately not tuned for this deck.
CHUNK_SIZE = 1000
CHUNK_OVERLAP = 200
TOP_K = 4


class EmbedderEmbeddings(Embeddings):
    """Our `Embedder` (sentence-transformers, L2-normalised vectors) behind LangChain's
    `Embeddings` interface, so both pipelines embed with the same model."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embedder.encode(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embedder.encode([text])[0].tolist()


class LangChainBaseline:
    """Answers like a standard retrieval pipeline; `ask` returns our `Answer` model so
    both systems are scored by the same code."""

    def __init__(self, pdf_path: Path, embedder: Embedder) -> None:
        from langchain_community.document_loaders import PyPDFLoader
        from langchain_community.vectorstores import FAISS
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        started = time.perf_counter()
        pages = PyPDFLoader(str(pdf_path)).load()
        splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP)
        self.chunks = splitter.split_documents(pages)
        self.store = FAISS.from_documents(self.chunks, EmbedderEmbeddings(embedder))
        self.build_seconds = time.perf_counter() - started

    def ask(self, question: str) -> Answer:
        """The top chunk as the answer, the top-4 chunks' pages (1-based) as citations."""
        started = time.perf_counter()
        documents = self.store.similarity_search(question, k=TOP_K)
        citations = [
            Citation(slide=int(document.metadata["page"]) + 1, title="", text=document.page_content)
            for document in documents
        ]
        return Answer(
            question=question,
            answer=documents[0].page_content if documents else "",
            route="text",
            refused=False,
            citations=citations,
            debug=Trace(seconds=round(time.perf_counter() - started, 4), pipeline="langchain-baseline"),
        )
