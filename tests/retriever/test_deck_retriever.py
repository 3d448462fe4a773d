"""The deck's LangChain retriever on the real index, inside a user's own LCEL chain."""

from __future__ import annotations

import socket

import pytest
from langchain_core.documents import Document
from langchain_core.language_models import FakeListChatModel
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import RunnablePassthrough

from qa.deckqa import DeckQA
from retriever.deck_retriever import slide_hits


def test_retriever_returns_slide_documents(deck: DeckQA) -> None:
    documents = deck.as_retriever(k=3).invoke("How does the ATM operation business model work?")
    assert len(documents) == 3
    assert all(isinstance(document, Document) for document in documents)
    assert 26 in [document.metadata["slide"] for document in documents]  # "ATM Operation Business"
    for document in documents:
        assert {"slide", "title", "chunk_id", "score", "passages"} <= set(document.metadata)
        assert document.page_content
    scores = [document.metadata["score"] for document in documents]
    assert scores == sorted(scores, reverse=True)


def test_documents_round_trip_to_slide_hits(deck: DeckQA) -> None:
    question = "What are the cloud competitive advantages?"
    documents = deck.as_retriever().invoke(question)
    slides = slide_hits(documents, deck.chunks_by_id)
    direct = deck.search.retrieve_slides(question, k=3, per_slide=50)
    assert [s.slide for s in slides] == [s.slide for s in direct]
    assert [h.chunk.chunk_id for h in slides[0].hits] == [h.chunk.chunk_id for h in direct[0].hits]


def test_lcel_chain_with_our_retriever_and_a_fake_chat_model(deck: DeckQA) -> None:
    prompt = ChatPromptTemplate.from_messages(
        [("system", "Answer from these slides:\n{context}"), ("human", "{question}")]
    )
    seen: list[str] = []

    def context(documents: list[Document]) -> str:
        text = "\n".join(f"[Slide {d.metadata['slide']}] {d.page_content}" for d in documents)
        seen.append(text)
        return text

    model = FakeListChatModel(responses=["An ATM in each parlor [Slide 26]"])
    chain = {"context": deck.as_retriever() | context, "question": RunnablePassthrough()} | prompt | model
    reply = (chain | StrOutputParser()).invoke("Explain the ATM business model")
    assert reply == "An ATM in each parlor [Slide 26]"
    assert "[Slide 26]" in seen[0]


def test_outbound_network_is_blocked() -> None:
    with pytest.raises(ConnectionRefusedError, match="blocked"), socket.socket() as client:
        client.connect(("192.0.2.1", 80))  # TEST-NET-1: never routed


def test_a_closing_legal_notice_is_far_from_the_deck_as_a_whole(deck: DeckQA) -> None:
    """The bundled deck's forward-looking statements notice (its last page but its contact
    page) is less close to the deck's passages as a whole than most of its pages."""
    closeness = deck.search.page_closeness()
    typical = sorted(closeness.values())[len(closeness) // 2]
    notice = max(closeness) - 1
    assert "Forward-looking" in deck.index.slide(notice).title
    assert closeness[notice] < typical
    assert deck.summary is None  # so no closing page sums it up
