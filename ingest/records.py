"""The records every stage shares: small, typed, immutable, carrying their provenance."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Slide:
    """One page of the deck PDF. `number` is the 1-based PDF page number; `periods` are
    the periods its text names, canonical (`find_periods`), read once at ingest."""

    number: int
    title: str
    text: str
    periods: tuple[str, ...] = ()


@dataclass(frozen=True)
class Chunk:
    """A passage of one slide (a bullet with its wrapped lines, a paragraph, a table
    row); never spans two slides. The slide title and the passage's heading travel
    beside the text so retrieval can weigh them and answers can cite them."""

    chunk_id: str
    slide: int
    title: str
    text: str
    heading: str = ""
    kind: str = "text"  # "text" | "bullet" | "heading" | "table_row" | "chart_data" | "note"
    level: int = 0
    parent: str = ""  # the bullet this one hangs under ("SI" for "1Q-3Q16: JPY4,214 million")


@dataclass(frozen=True)
class Table:
    """A ruled table recovered from a slide. `rows` excludes the header row."""

    table_id: str
    slide: int
    title: str
    unit: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Fact:
    """One figure as printed in the deck, with what it measures.

    `raw` is the text exactly as printed ("(982)", "approx. 70%"); `value` is its
    number in `unit` (negatives from parentheses or a minus sign); `label` says what
    it measures (row label, or the words before the figure in a bullet); `period`
    is normalised ("FY16", "1Q-3Q16", "Dec. 31, 2016") or "" when none is stated.
    `table_id`, `row` and `column` locate it in a table; empty for bullet facts.
    """

    fact_id: str
    slide: int
    label: str
    value: float
    unit: str
    period: str
    raw: str
    context: str
    table_id: str = ""
    row: str = ""
    column: str = ""
    qualifier: str = ""  # "approx.", "more than", "less than" ... as printed
    tags: tuple[str, ...] = field(default_factory=tuple)
    heading: str = ""  # the heading (and parent bullet) the passage sits under
    period_end: str = ""  # ISO date the period ends on (or the balance date), when a heading prints it
