"""DeckQA with an LLM answerer: follow-up rewriting and streaming (wiring proposal)."""

from __future__ import annotations

from langchain_core.language_models.fake_chat_models import FakeListChatModel

from llm.answerer import LLMAnswerer
from qa.deckqa import DeckQA

CLOUD_QUESTION = "When did IIJ launch cloud services?"
VALID_ANSWER = "IIJ launched its cloud services in FY10 [Slide 9]. Cloud penetration is 44.5% [Slide 9]."


def with_llm(deck: DeckQA, *replies: str) -> DeckQA:
    model = FakeListChatModel(responses=list(replies))
    return DeckQA(deck.index, LLMAnswerer(model, timeout=10.0, index=deck.index))


def test_followups_are_rewritten_by_the_llm(deck):
    history = [{"role": "user", "content": "What does IIJ offer?"}, {"role": "assistant", "content": "..."}]
    llm_deck = with_llm(deck, CLOUD_QUESTION, VALID_ANSWER)
    answer = llm_deck.ask("and when did it launch its cloud?", history)
    assert answer.debug.rewritten_question == CLOUD_QUESTION
    assert "LLM" in answer.debug.rewrite_reason
    assert answer.debug.answerer == "llm"


def test_ask_stream_yields_tokens_then_the_checked_answer(deck):
    stream = with_llm(deck, VALID_ANSWER).ask_stream(CLOUD_QUESTION)
    assert "".join(stream.tokens()) == VALID_ANSWER
    final = stream.result()
    assert final.debug.answerer == "llm" and final.debug.seconds is not None


def test_ask_stream_without_llm_gives_the_answer_at_once(deck):
    stream = deck.ask_stream(CLOUD_QUESTION)
    assert list(stream.tokens()) == [deck.ask(CLOUD_QUESTION).answer]
    table = with_llm(deck, VALID_ANSWER).ask_stream("What was operating income in 1Q-3Q16?")
    final = table.result()
    assert final.route == "table" and final.debug.answerer is None
