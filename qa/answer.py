"""The `Answer` contract: what the CLI's --json, the HTTP API and the eval runner emit.

Field names are fixed by DESIGN.md; `debug` and `suggestions` are additive extras
(explanations of routing, rewritten follow-ups, the matched table row) that clients
may ignore.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class Citation(BaseModel):
    model_config = ConfigDict(frozen=True)

    slide: int = Field(description="1-based page number of the deck PDF")
    title: str
    text: str = Field(description="the cited passage, verbatim from the slide")


class Value(BaseModel):
    model_config = ConfigDict(frozen=True)

    number: float
    unit: str
    formula: str | None = None
    period: str | None = None
    raw: str | None = Field(default=None, description="the figure exactly as printed")


class Answer(BaseModel):
    model_config = ConfigDict(frozen=True)

    question: str
    answer: str = Field(description="markdown with [Slide N] markers")
    route: Literal["table", "text", "none"]
    refused: bool = False
    citations: list[Citation] = Field(default_factory=list)
    value: Value | None = None
    suggestions: list[Citation] = Field(default_factory=list, description="closest slides, offered when refused")
    debug: dict[str, Any] = Field(default_factory=dict)
