"""Optional LLM answerer (configured by DECKQA_LLM). Placeholder until implemented."""

from __future__ import annotations

from typing import Any

from qa.settings import Settings


def build_llm_answerer(settings: Settings) -> Any | None:
    return None
