"""The `Answer` contract: what the CLI's --json, the HTTP API and the eval runner emit,
and the `Trace` of why it was chosen.

Field names are fixed by DESIGN.md; `debug` (a `Trace`) and `suggestions` are additive
extras that clients may ignore. `Trace` is a documented schema (it is in the OpenAPI
document): every field is optional and says which stage wrote it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Citation(BaseModel):
    model_config = ConfigDict(frozen=True)

    slide: int = Field(description="1-based page number of the deck PDF")
    title: str
    text: str = Field(description="the cited passage, verbatim from the slide")
    ocr: bool = Field(default=False, description="the page has no text layer and was read by OCR")
    document: str | None = Field(default=None, description="the library document's id (answers from a library)")
    document_title: str | None = Field(default=None, description="how the answer names that document")


class Value(BaseModel):
    model_config = ConfigDict(frozen=True)

    number: float
    unit: str
    formula: str | None = None
    period: str | None = None
    raw: str | None = Field(default=None, description="the figure exactly as printed")


class FactTrace(BaseModel):
    """A fact a figure answer used."""

    model_config = ConfigDict(frozen=True)

    fact_id: str
    label: str
    raw: str
    unit: str
    period: str
    slide: int


class TableTrace(BaseModel):
    """The source table of a figure, with the matched row and column, for a UI to highlight."""

    model_config = ConfigDict(frozen=True)

    table_id: str
    slide: int
    title: str
    unit: str
    header: list[str]
    rows: list[list[str]]
    row_index: int
    column: str


class Trace(BaseModel):
    """Why this answer: routing, follow-up rewriting, lookup, retrieval, refusal, LLM check.
    Each stage fills its own fields; the rest stay empty."""

    route_reason: str = Field(default="", description="why the question went to the table or the text route")
    rewritten_question: str | None = Field(default=None, description="the follow-up as a standalone question")
    instructions: str | None = Field(
        default=None, description="what the instructions around the question asked for (statement, scale, rounding)"
    )
    rewrite_reason: str | None = Field(default=None, description="how the follow-up was rewritten")
    lookup: str | None = Field(default=None, description="what the figure lookup matched, or why nothing")
    facts: list[FactTrace] = Field(default_factory=list, description="facts behind a figure answer")
    table_rows: list[TableTrace] = Field(default_factory=list, description="source tables of those facts")
    retrieved_slides: list[int] = Field(
        default_factory=list, description="slides the text retrieval ranked, best first"
    )
    refusal_check: str | None = Field(default=None, description="the refusal policy's verdict")
    fallback: str | None = Field(default=None, description="set when a figure came from a retrieved sentence")
    answerer: Literal["llm", "extractive-fallback"] | None = Field(
        default=None, description="with an LLM configured: whose text answered"
    )
    llm_check: str | None = Field(default=None, description="the check an accepted LLM answer passed")
    llm_rejected: str | None = Field(default=None, description="why the LLM's answer was not shown")
    llm_rejected_text: str | None = Field(default=None, description="the LLM answer that was not shown")
    llm_refused: bool | None = Field(default=None, description="the LLM said the slides do not answer")
    llm_error: str | None = Field(default=None, description="the exception type when the LLM call failed")
    llm_seconds: float | None = Field(default=None, description="time spent in the LLM")
    pipeline: str | None = Field(default=None, description="which pipeline answered (the eval baseline sets it)")
    seconds: float | None = Field(default=None, description="wall time of the whole answer")


class Answer(BaseModel):
    model_config = ConfigDict(frozen=True)

    question: str
    answer: str = Field(description="markdown with [Slide N] markers")
    route: Literal["table", "text", "none"]
    refused: bool = False
    citations: list[Citation] = Field(default_factory=list)
    value: Value | None = None
    suggestions: list[Citation] = Field(default_factory=list, description="closest slides, offered when refused")
    debug: Trace = Field(default_factory=Trace, description="why this answer (typed trace)")
