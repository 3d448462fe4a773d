"""What retrieval hands to answer composition: scored passages and slides."""

from __future__ import annotations

from dataclasses import dataclass, field

from ingest.records import Chunk


@dataclass(frozen=True)
class Hit:
    """A passage with its fused score and the evidence behind it."""

    chunk: Chunk
    score: float
    dense: float = 0.0  # cosine similarity to the question
    keyword: float = 0.0  # BM25 score


@dataclass(frozen=True)
class SlideHit:
    """A slide with its best passages, best first."""

    slide: int
    title: str
    score: float
    hits: tuple[Hit, ...] = field(default_factory=tuple)

    @property
    def best_dense(self) -> float:
        return max((hit.dense for hit in self.hits), default=0.0)
