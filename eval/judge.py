"""Optional LLM-judged metrics: faithfulness (are the answer's claims supported by the
passages it cites?) and answer relevance (does it address the question?), each a score
from 0 to 1 given by the chat model `DECKQA_LLM` configures (`llm.models`).

Without an LLM the runner reports "no LLM configured; LLM-judged metrics skipped".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from eval.scoring import ItemResult

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from qa.settings import Settings

SKIPPED_NO_LLM = "no LLM configured; LLM-judged metrics skipped"
JUDGE_SYSTEM = (
    "You grade answers of a question-answering system over a slide deck. "
    "Reply with one number between 0 and 1 and nothing else."
)
FAITHFULNESS_PROMPT = (
    "Slide passages the answer cites:\n{context}\n\nAnswer:\n{answer}\n\n"
    "What share of the answer's claims is supported by these passages? "
    "1 = every claim is supported, 0 = none is."
)
RELEVANCE_PROMPT = (
    "Question:\n{question}\n\nAnswer:\n{answer}\n\n"
    "How directly does the answer address the question? 1 = fully answers it, 0 = unrelated."
)
SCORE_RE = re.compile(r"(?<![\d.])(?:0(?:\.\d+)?|1(?:\.0+)?|\.\d+)(?!\.?\d)")


@dataclass(frozen=True)
class JudgeSetup:
    """The chat model to judge with, or None and why not."""

    model: BaseChatModel | None
    message: str


def build_judge(settings: Settings) -> JudgeSetup:
    """The judge for `settings`: skipped (with the message) when no LLM is configured."""
    if not settings.llm.provider.strip():
        return JudgeSetup(None, SKIPPED_NO_LLM)
    from llm.models import LLMConfigError, build_chat_model

    try:
        model = build_chat_model(settings)
    except LLMConfigError as error:
        return JudgeSetup(None, f"LLM-judged metrics skipped: {error}")
    return JudgeSetup(model, f"judged by {settings.llm.provider} {settings.llm.model}".strip())


def parse_score(reply: str) -> float | None:
    """The first number from 0 to 1 in the model's reply, or None."""
    match = SCORE_RE.search(reply)
    return float(match.group(0)) if match else None


def ask_judge(model: BaseChatModel, prompt: str) -> float | None:
    reply = model.invoke([("system", JUDGE_SYSTEM), ("human", prompt)])
    return parse_score(str(reply.text))


def judge_item(model: BaseChatModel, result: ItemResult, cited_passages: Sequence[str]) -> dict[str, Any]:
    """Faithfulness and relevance of one answer; refusals are not judged (None)."""
    if result.refused or not result.answer:
        return {"id": result.id, "faithfulness": None, "relevance": None, "error": ""}
    context = "\n".join(f"- {passage}" for passage in cited_passages) or "(no passage cited)"
    try:
        faithfulness = ask_judge(model, FAITHFULNESS_PROMPT.format(context=context, answer=result.answer))
        relevance = ask_judge(model, RELEVANCE_PROMPT.format(question=result.question, answer=result.answer))
    except Exception as error:  # a provider failure is recorded per item, not fatal to the run
        return {"id": result.id, "faithfulness": None, "relevance": None, "error": type(error).__name__}
    return {"id": result.id, "faithfulness": faithfulness, "relevance": relevance, "error": ""}


def summarize_judgements(judgements: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Mean faithfulness and relevance over the judged answers."""

    def mean(key: str) -> float | None:
        scores = [j[key] for j in judgements if j[key] is not None]
        return sum(scores) / len(scores) if scores else None

    return {
        "faithfulness": mean("faithfulness"),
        "relevance": mean("relevance"),
        "judged": sum(1 for j in judgements if j["faithfulness"] is not None),
        "errors": sum(1 for j in judgements if j["error"]),
    }
