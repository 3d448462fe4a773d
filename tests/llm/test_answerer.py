"""The optional LLM answerer against the real deck and index, with langchain_core's fake
chat models standing in for the hosted LLM: what passes the check, what falls back to
the extractive answer, streaming, follow-up rewriting, and building from settings."""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from langchain_core.language_models.fake_chat_models import (
    FakeListChatModel,
    FakeListChatModelError,
    GenericFakeChatModel,
    ParrotFakeChatModel,
)
from langchain_core.messages import AIMessage

from llm.answerer import REFUSAL_TOKEN, LLMAnswerer, LLMConfigError, build_chat_model, build_llm_answerer
from llm.check import clean_answer
from llm.models import load_prompt
from qa.answer import Answer
from qa.deckqa import DeckQA
from qa.settings import LLMSettings, Settings
from retriever.hits import SlideHit
from understand.followup import rewrite_followup

# Slide 9 ("Cloud Business Developments") says IIJ launched cloud services in FY10 and
# gives enterprises' cloud penetration as 44.5%.
CLOUD_QUESTION = "When did IIJ launch cloud services?"
CLOUD_SLIDE = 9
VALID_ANSWER = (
    "IIJ was one of the first cloud service providers in Japan and launched its cloud services in FY10 "
    f"[Slide {CLOUD_SLIDE}]. Enterprises' cloud penetration in Japan is 44.5% [Slide {CLOUD_SLIDE}]."
)
# Fake models return at once; a real timeout is seconds. This is far above a fake's
# reply time and far below the sleeping fake's.
SHORT_TIMEOUT = 0.5
SLEEP_PAST_TIMEOUT = 3.0
TEST_TIMEOUT = 10.0


@pytest.fixture(scope="module")
def cloud(deck: DeckQA) -> tuple[list[SlideHit], Answer]:
    """The retrieved slides and the extractive answer for CLOUD_QUESTION."""
    slides = deck.search.retrieve_slides(CLOUD_QUESTION, k=3, per_slide=50)
    assert CLOUD_SLIDE in [slide.slide for slide in slides], "slide 9 should be retrieved for the cloud question"
    extractive = deck.ask(CLOUD_QUESTION, use_llm=False)
    assert extractive.route == "text" and not extractive.refused
    return slides, extractive


def answerer(model, deck: DeckQA, timeout: float = TEST_TIMEOUT) -> LLMAnswerer:
    return LLMAnswerer(model, timeout=timeout, index=deck.index)


def replying(*texts: str) -> FakeListChatModel:
    return FakeListChatModel(responses=list(texts))


def ask_llm(model, deck: DeckQA, cloud, timeout: float = TEST_TIMEOUT) -> Answer:
    slides, extractive = cloud
    return answerer(model, deck, timeout).answer(CLOUD_QUESTION, CLOUD_QUESTION, slides, extractive)


def assert_fell_back(result: Answer, extractive: Answer) -> None:
    assert result.debug.answerer == "extractive-fallback"
    assert result.answer == extractive.answer
    assert result.citations == extractive.citations
    assert result.route == extractive.route


def test_a_valid_answer_is_shown_with_citations_from_the_retrieved_passages(deck, cloud):
    result = ask_llm(replying(VALID_ANSWER), deck, cloud)
    assert result.debug.answerer == "llm", result.debug
    assert result.answer == VALID_ANSWER
    assert result.route == "text" and not result.refused
    assert result.question == CLOUD_QUESTION
    assert {citation.slide for citation in result.citations} == {CLOUD_SLIDE}
    passages = {hit.chunk.text for slide in cloud[0] for hit in slide.hits}
    assert all(citation.text in passages for citation in result.citations)
    assert any("FY10" in citation.text for citation in result.citations)
    # the retrieval debug of the pipeline travels with the answer
    assert result.debug.retrieved_slides == [slide.slide for slide in cloud[0]]


def test_figures_may_differ_in_formatting_but_not_in_value(deck, cloud):
    spaced = f"Enterprises' cloud penetration is 44.5 % [Slide {CLOUD_SLIDE}]."
    assert ask_llm(replying(spaced), deck, cloud).debug.answerer == "llm"
    rounded = f"Enterprises' cloud penetration is 45% [Slide {CLOUD_SLIDE}]."
    result = ask_llm(replying(rounded), deck, cloud)
    assert result.debug.answerer == "extractive-fallback"
    assert '"45%"' in result.debug.llm_rejected
    approximate = f"Enterprises' cloud penetration is about 45% [Slide {CLOUD_SLIDE}]."
    assert ask_llm(replying(approximate), deck, cloud).debug.answerer == "llm"


def test_citing_a_slide_that_was_not_retrieved_falls_back(deck, cloud):
    slides, extractive = cloud
    retrieved = {slide.slide for slide in slides}
    other = min(set(range(1, len(deck.index.slides) + 1)) - retrieved)
    result = ask_llm(replying(f"IIJ launched cloud services in FY10 [Slide {other}]."), deck, cloud)
    assert_fell_back(result, extractive)
    assert f"Slide {other}" in result.debug.llm_rejected
    assert result.debug.llm_rejected_text.startswith("IIJ launched")


def test_a_figure_absent_from_the_cited_slides_falls_back(deck, cloud):
    text = f"IIJ launched cloud services in FY10 and had 12,000 cloud customers [Slide {CLOUD_SLIDE}]."
    result = ask_llm(replying(text), deck, cloud)
    assert_fell_back(result, cloud[1])
    assert "12,000" in result.debug.llm_rejected


def test_a_figure_from_another_retrieved_slide_must_cite_that_slide(deck, cloud):
    other = next(slide for slide in cloud[0] if slide.slide != CLOUD_SLIDE)
    moved = VALID_ANSWER.replace(f"[Slide {CLOUD_SLIDE}]", f"[Slide {other.slide}]")
    assert ask_llm(replying(moved), deck, cloud).debug.answerer == "extractive-fallback"


def test_a_period_absent_from_the_cited_slides_falls_back(deck, cloud):
    result = ask_llm(replying(f"IIJ launched cloud services in FY12 [Slide {CLOUD_SLIDE}]."), deck, cloud)
    assert_fell_back(result, cloud[1])
    assert "FY12" in result.debug.llm_rejected


def test_an_answer_without_citations_falls_back(deck, cloud):
    result = ask_llm(replying("IIJ launched cloud services in FY10."), deck, cloud)
    assert_fell_back(result, cloud[1])
    assert result.debug.llm_rejected == "the answer cites no slide"


def test_the_refusal_token_falls_back_and_is_flagged(deck, cloud):
    result = ask_llm(replying(REFUSAL_TOKEN), deck, cloud)
    assert_fell_back(result, cloud[1])
    assert result.debug.llm_refused is True


def test_a_failing_model_falls_back_with_the_error_type(deck, cloud):
    def failing() -> Iterator[AIMessage]:
        raise ConnectionError("connection refused by http://127.0.0.1:9")
        yield AIMessage(content="never")

    result = ask_llm(GenericFakeChatModel(messages=failing()), deck, cloud)
    assert_fell_back(result, cloud[1])
    assert result.debug.llm_error == "ConnectionError"


def test_a_model_slower_than_the_timeout_falls_back(deck, cloud):
    slow = FakeListChatModel(responses=[VALID_ANSWER], sleep=SLEEP_PAST_TIMEOUT)
    result = ask_llm(slow, deck, cloud, timeout=SHORT_TIMEOUT)
    assert_fell_back(result, cloud[1])
    assert result.debug.llm_error == "TimeoutError"
    assert result.debug.llm_seconds < SLEEP_PAST_TIMEOUT


def test_the_model_sees_only_the_retrieved_slides_each_line_tagged(deck, cloud):
    slides, _ = cloud
    parrot = answerer(ParrotFakeChatModel(), deck)
    prompt = "".join(parrot.stream_tokens(CLOUD_QUESTION, slides))
    assert prompt.rstrip().endswith(f"Question: {CLOUD_QUESTION}")
    for slide in slides:
        assert f"## [Slide {slide.slide}] {slide.title}" in prompt
    passage_lines = [line.strip() for line in prompt.splitlines() if line.strip().startswith("- ")]
    assert passage_lines and all(line.startswith("- [Slide ") for line in passage_lines)
    shown = {int(number) for number in re.findall(r"\[Slide (\d+)\]", prompt)}
    assert shown == {slide.slide for slide in slides}


def test_streaming_yields_tokens_then_the_checked_answer(deck, cloud):
    slides, extractive = cloud
    stream = answerer(replying(VALID_ANSWER), deck).stream_answer(CLOUD_QUESTION, CLOUD_QUESTION, slides, extractive)
    tokens = list(stream.tokens())
    assert len(tokens) > 1
    assert "".join(tokens) == VALID_ANSWER
    final = stream.result()
    assert final.debug.answerer == "llm"
    assert final.answer == VALID_ANSWER
    assert stream.result() is final


def test_streaming_as_one_generator_returns_the_checked_answer(deck, cloud):
    slides, extractive = cloud
    stream = answerer(replying(VALID_ANSWER), deck).stream_answer(CLOUD_QUESTION, CLOUD_QUESTION, slides, extractive)
    pieces: list[str] = []

    def consume():
        answer = yield from stream.generate()
        return answer

    generator = consume()
    while True:
        try:
            pieces.append(next(generator))
        except StopIteration as done:
            final = done.value
            break
    assert "".join(pieces) == VALID_ANSWER
    assert final.debug.answerer == "llm"


def test_deckqa_uses_the_answerer_it_is_given(deck):
    with_llm = DeckQA(deck.index, LLMAnswerer(replying(VALID_ANSWER), timeout=TEST_TIMEOUT, index=deck.index))
    result = with_llm.ask(CLOUD_QUESTION)
    assert result.debug.answerer == "llm"
    assert result.answer == VALID_ANSWER
    assert result.debug.seconds is not None
    assert with_llm.ask(CLOUD_QUESTION, use_llm=False).answer == deck.ask(CLOUD_QUESTION, use_llm=False).answer


def test_streaming_a_rejected_answer_ends_with_the_extractive_answer(deck, cloud):
    slides, extractive = cloud
    stream = answerer(replying("IIJ launched cloud services in FY10."), deck).stream_answer(
        CLOUD_QUESTION, CLOUD_QUESTION, slides, extractive
    )
    assert "".join(stream.tokens()) == "IIJ launched cloud services in FY10."
    assert_fell_back(stream.result(), extractive)


def test_streaming_errors_stop_the_tokens_without_raising(deck, cloud):
    slides, extractive = cloud
    broken = FakeListChatModel(responses=[VALID_ANSWER], error_on_chunk_number=5)
    stream = answerer(broken, deck).stream_answer(CLOUD_QUESTION, CLOUD_QUESTION, slides, extractive)
    assert "".join(stream.tokens()) == VALID_ANSWER[:5]
    result = stream.result()
    assert_fell_back(result, extractive)
    assert result.debug.llm_error == "FakeListChatModelError"


def test_streaming_past_the_timeout_falls_back(deck, cloud):
    slides, extractive = cloud
    slow = FakeListChatModel(responses=[VALID_ANSWER], sleep=SHORT_TIMEOUT / 4)
    stream = answerer(slow, deck, timeout=SHORT_TIMEOUT).stream_answer(
        CLOUD_QUESTION, CLOUD_QUESTION, slides, extractive
    )
    result = stream.result()
    assert_fell_back(result, extractive)
    assert result.debug.llm_error == "TimeoutError"


def test_the_raw_stream_raises_on_errors(deck, cloud):
    broken = FakeListChatModel(responses=[VALID_ANSWER], error_on_chunk_number=0)
    with pytest.raises(FakeListChatModelError):
        list(answerer(broken, deck).stream_tokens(CLOUD_QUESTION, cloud[0]))


def test_table_figures_count_in_the_unit_of_their_table(deck):
    """Slide 38's cash-flow table prints "2,036" under "Unit: JPY million"; with the
    index the check knows that is JPY 2.036 billion."""
    question = "What was net income in the cash flow statement for 1Q-3Q16?"
    slides = deck.search.retrieve_slides(question, k=3, per_slide=50)
    assert 38 in [slide.slide for slide in slides]
    extractive = deck.ask(question, use_llm=False)
    text = "Net income in 1Q-3Q16 was JPY 2.036 billion [Slide 38]."
    with_index = LLMAnswerer(replying(text), timeout=TEST_TIMEOUT, index=deck.index)
    assert with_index.answer(question, question, slides, extractive).debug.answerer == "llm"
    without_index = LLMAnswerer(replying(text), timeout=TEST_TIMEOUT)
    assert without_index.answer(question, question, slides, extractive).debug.answerer == "extractive-fallback"


@pytest.mark.parametrize(
    ("text", "cleaned"),
    [
        ("A [Slides 3 and 5].", "A [Slide 3] [Slide 5]."),
        ("A [slide 4, 6]", "A [Slide 4] [Slide 6]"),
        ("<think>FY99 maybe</think>A [Slide 9]", "A [Slide 9]"),
    ],
)
def test_citation_markers_are_normalised(text, cleaned):
    assert clean_answer(text) == cleaned


def test_list_numbering_and_slide_numbers_are_not_figures(deck, cloud):
    text = f"1. Launched cloud services in FY10 [Slide {CLOUD_SLIDE}]\n2. Cloud penetration 44.5% [Slide {CLOUD_SLIDE}]"
    assert ask_llm(replying(text), deck, cloud).debug.answerer == "llm"


def test_rewrite_uses_the_model_reply(deck):
    history = [
        {"role": "user", "content": "What was IIJ's operating income in FY16?"},
        {"role": "assistant", "content": "Operating income was JPY 6.0 billion [Slide 22]."},
    ]
    model = replying("What was IIJ's operating income in FY15?\n")
    standalone, reason = answerer(model, deck).rewrite("and in FY15?", history)
    assert standalone == "What was IIJ's operating income in FY15?"
    assert "LLM" in reason


def test_rewrite_keeps_a_standalone_question(deck):
    history = [{"role": "user", "content": "What does IIJ do?"}]
    question = "How many employees does IIJ have?"
    assert answerer(replying(f'"{question}"'), deck).rewrite(question, history) == (question, "")


def test_rewrite_without_history_does_not_call_the_model(deck):
    def failing() -> Iterator[AIMessage]:
        raise AssertionError("the model must not be called")
        yield AIMessage(content="never")

    model = GenericFakeChatModel(messages=failing())
    assert answerer(model, deck).rewrite("and in FY15?", []) == ("and in FY15?", "")


def test_rewrite_falls_back_to_the_rules_on_failure(deck):
    history = [{"role": "user", "content": "What was IIJ's operating income in FY16?"}]
    slow = FakeListChatModel(responses=["What was IIJ's operating income in FY15?"], sleep=SLEEP_PAST_TIMEOUT)
    standalone, reason = answerer(slow, deck, timeout=SHORT_TIMEOUT).rewrite("and in FY15?", history)
    assert standalone == rewrite_followup("and in FY15?", history)[0]
    assert "TimeoutError" in reason
    empty = replying("   ")
    standalone, reason = answerer(empty, deck).rewrite("and in FY15?", history)
    assert standalone == rewrite_followup("and in FY15?", history)[0]
    assert "QuestionError" in reason


def test_no_llm_configured_means_no_answerer():
    assert build_llm_answerer(Settings(llm=LLMSettings(provider=""))) is None


def test_an_unknown_llm_is_a_clear_error():
    with pytest.raises(LLMConfigError, match=r"'bogus' is not a known LLM.*openai.*ollama.*llamacpp"):
        build_llm_answerer(Settings(llm=LLMSettings(provider="bogus")))
    assert issubclass(LLMConfigError, ValueError)


def test_openai_is_built_without_contacting_a_server(deck):
    from langchain_openai import ChatOpenAI

    secret = "sk-test-never-sent"
    settings = Settings(
        llm=LLMSettings(provider="openai", model="gpt-4o-mini", base_url="http://127.0.0.1:9/v1", api_key=secret)
    )
    built = build_llm_answerer(settings, index=deck.index)
    assert isinstance(built, LLMAnswerer)
    assert isinstance(built.model, ChatOpenAI)
    assert built.name == "openai gpt-4o-mini"
    assert built.model.model_name == "gpt-4o-mini"
    assert built.model.openai_api_base == "http://127.0.0.1:9/v1"
    assert built.model.request_timeout == settings.llm.timeout
    assert built.timeout == settings.llm.timeout
    assert secret not in repr(built.model)


def test_openai_needs_a_model_and_a_key_or_a_local_server():
    with pytest.raises(LLMConfigError, match="DECKQA_LLM_MODEL"):
        build_chat_model(Settings(llm=LLMSettings(provider="openai", api_key="sk-test")))
    with pytest.raises(LLMConfigError, match="DECKQA_LLM_API_KEY"):
        build_chat_model(Settings(llm=LLMSettings(provider="openai", model="gpt-4o-mini", api_key=None, base_url="")))
    keyless = build_chat_model(
        Settings(llm=LLMSettings(provider="openai", model="local", base_url="http://127.0.0.1:9/v1", api_key=None))
    )
    assert keyless.openai_api_base == "http://127.0.0.1:9/v1"


def test_ollama_is_built_without_contacting_a_server():
    from langchain_ollama import ChatOllama

    model = build_chat_model(
        Settings(llm=LLMSettings(provider="ollama", model="llama3.2", base_url="http://127.0.0.1:9"))
    )
    assert isinstance(model, ChatOllama)
    assert model.model == "llama3.2"
    assert model.base_url == "http://127.0.0.1:9"


def test_llamacpp_with_a_missing_model_file_is_a_clear_error():
    with pytest.raises(LLMConfigError, match=re.escape("does not exist: /missing.gguf")):
        build_llm_answerer(Settings(llm=LLMSettings(provider="llamacpp:/missing.gguf")))
    with pytest.raises(LLMConfigError, match=re.escape("llamacpp:/path/model.gguf")):
        build_llm_answerer(Settings(llm=LLMSettings(provider="llamacpp")))


@pytest.mark.skipif(importlib.util.find_spec("llama_cpp") is not None, reason="llama-cpp-python is installed")
def test_llamacpp_without_the_optional_package_is_a_clear_error(tmp_path: Path):
    model_file = tmp_path / "model.gguf"
    model_file.write_bytes(b"GGUF")
    with pytest.raises(LLMConfigError, match="pip install llama-cpp-python"):
        build_llm_answerer(Settings(llm=LLMSettings(provider=f"llamacpp:{model_file}")))


def test_a_prompt_file_without_its_sections_is_a_clear_error(tmp_path: Path):
    (tmp_path / "answer.md").write_text("Answer {question} from {slides}.", encoding="utf-8")
    with pytest.raises(LLMConfigError, match="=== system ==="):
        load_prompt("answer", {"question", "slides"}, folder=tmp_path)


def test_the_shipped_prompts_load_with_their_variables():
    assert set(load_prompt("answer", {"refusal_token", "slides", "question"}).input_variables) == {
        "refusal_token",
        "slides",
        "question",
    }
    assert set(load_prompt("rewrite", {"history", "question"}).input_variables) == {"history", "question"}


def test_an_unreachable_server_falls_back_and_never_logs_the_key(deck, cloud, caplog):
    """A real ChatOpenAI against a closed loopback port: the call fails, the extractive
    answer is shown, and the key appears neither in the answer nor in the logs."""
    secret = "sk-test-must-not-leak"
    settings = Settings(
        llm=LLMSettings(provider="openai", model="gpt-4o-mini", base_url="http://127.0.0.1:9/v1", api_key=secret)
    )
    built = build_llm_answerer(settings, index=deck.index)
    assert built is not None
    slides, extractive = cloud
    with caplog.at_level("DEBUG"):
        result = built.answer(CLOUD_QUESTION, CLOUD_QUESTION, slides, extractive)
    assert_fell_back(result, extractive)
    assert result.debug.llm_error.endswith("ConnectionError")  # openai 1.x: API..., 3.x: OpenAI...
    assert secret not in result.model_dump_json()
    assert secret not in caplog.text
